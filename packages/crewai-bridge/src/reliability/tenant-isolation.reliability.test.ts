import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, type SqlRunner, tableChecksum, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeApp } from "../app/bridge-env.js";
import { createBridgeApp } from "../app/create-bridge-app.js";
import { silentLogger } from "../logging/logger.js";

const secret = "Ada's secret: the vault code is 4471";
const embedding = [0.3, 0.1, 0.9, 0.2];

interface Probe {
  method: string;
  template: string;
  path: string;
  body?: unknown;
  /** What another tenant may get: a status and, for 200, the exact body. */
  expect: { status: number[]; body?: unknown };
  /** Bob's own write echoes what Bob sent; it must still be a new entry of Bob's, not Ada's deduplicated one. */
  echoes?: { action: string };
}

describe.each(testEngines())("tenant isolation on every route on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let app: BridgeApp;
  let schema: string;
  let adaKey: string;
  let bobKey: string;
  let memoryId: string;

  const call = async (key: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    schema = opened.newSchema();
    memory = await createMemory({ database: opened.database, schema });
    app = createBridgeApp({ memory, logger: silentLogger });
    adaKey = (await memory.apiKeys.create({ users: ["ada"] })).key;
    bobKey = (await memory.apiKeys.create({ users: ["bob"] })).key;
    const seeded = [
      await call(adaKey, "POST", "/v1/collections/notes/records", {
        records: [{ id: "r1", content: secret, scope: "/crew/a", categories: ["vault"], metadata: { code: 4471 }, embedding }],
      }),
      await call(adaKey, "POST", "/v1/conversations/trip/messages", { messages: [{ role: "user", content: secret, id: "m1" }] }),
      await call(adaKey, "PUT", "/v1/settings/system_prompt", { value: secret }),
      await call(adaKey, "PUT", "/v1/settings/system_prompt", { value: `${secret} (v2)` }),
      await call(adaKey, "POST", "/v1/model-memory", { content: secret, category: "vault", scope: "/crew/a" }),
    ];
    expect(seeded.map((answer) => answer.status)).toEqual([200, 201, 200, 200, 200]);
    memoryId = JSON.parse(seeded[4]?.text ?? "{}").entry.memoryId;
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  const probes = (): Probe[] => {
    const records = "/v1/collections/{collection}";
    const notes = "/v1/collections/notes";
    const entry = `/v1/model-memory/${memoryId}`;
    const none = { status: [404] };
    return [
      // Reads first: the writes below create Bob's own rows under Ada's ids.
      { method: "GET", template: `${records}/records/{recordId}`, path: `${notes}/records/r1`, expect: none },
      { method: "GET", template: `${records}/records`, path: `${notes}/records?includeEmbedding=true`, expect: { status: [200], body: { records: [] } } },
      {
        method: "POST",
        template: `${records}/search`,
        path: `${notes}/search`,
        body: { embedding, query: "vault code" },
        expect: { status: [200], body: { results: [] } },
      },
      { method: "GET", template: `${records}/count`, path: `${notes}/count?scopePrefix=/crew`, expect: { status: [200], body: { count: 0 } } },
      { method: "GET", template: `${records}/scopes`, path: `${notes}/scopes?parent=/crew`, expect: { status: [200], body: { scopes: [] } } },
      { method: "GET", template: `${records}/scope-info`, path: `${notes}/scope-info?scope=/crew/a`, expect: { status: [200] } },
      { method: "GET", template: `${records}/categories`, path: `${notes}/categories`, expect: { status: [200], body: { categories: {} } } },
      { method: "POST", template: `${records}/touch`, path: `${notes}/touch`, body: { ids: ["r1"] }, expect: { status: [200] } },
      { method: "POST", template: `${records}/delete`, path: `${notes}/delete`, body: { ids: ["r1"] }, expect: { status: [200], body: { deleted: 0 } } },
      { method: "POST", template: `${records}/reset`, path: `${notes}/reset`, body: {}, expect: { status: [200], body: { deleted: 0 } } },
      { method: "GET", template: "/v1/conversations", path: "/v1/conversations", expect: { status: [200], body: { conversations: [] } } },
      {
        method: "GET",
        template: "/v1/conversations/{conversationId}/messages",
        path: "/v1/conversations/trip/messages?last=50",
        expect: { status: [200], body: { messages: [] } },
      },
      {
        method: "POST",
        template: "/v1/conversations/{conversationId}/context",
        path: "/v1/conversations/trip/context",
        body: { maxTokens: 500, query: "vault code" },
        expect: { status: [200, 400, 404] },
      },
      { method: "DELETE", template: "/v1/conversations/{conversationId}", path: "/v1/conversations/trip", expect: { status: [200], body: { deleted: false } } },
      { method: "GET", template: "/v1/model-memory", path: "/v1/model-memory", expect: { status: [200], body: { entries: [] } } },
      {
        method: "POST",
        template: "/v1/model-memory/search",
        path: "/v1/model-memory/search",
        body: { query: "vault code" },
        expect: { status: [200], body: { entries: [] } },
      },
      { method: "GET", template: "/v1/model-memory/{memoryId}", path: entry, expect: none },
      { method: "GET", template: "/v1/model-memory/{memoryId}/history", path: `${entry}/history`, expect: { status: [200, 404] } },
      { method: "PATCH", template: "/v1/model-memory/{memoryId}", path: entry, body: { content: "overwritten", importance: 1 }, expect: none },
      { method: "DELETE", template: "/v1/model-memory/{memoryId}", path: entry, expect: none },
      { method: "GET", template: "/v1/settings", path: "/v1/settings", expect: { status: [200] } },
      { method: "GET", template: "/v1/settings/{key}/history", path: "/v1/settings/system_prompt/history", expect: { status: [200, 404] } },
      { method: "POST", template: "/v1/settings/{key}/rollback", path: "/v1/settings/system_prompt/rollback", body: {}, expect: { status: [400, 404, 409] } },
      { method: "DELETE", template: "/v1/settings/{key}", path: "/v1/settings/system_prompt", expect: { status: [200], body: { unset: false } } },
      // Writes under Ada's ids land in Bob's own space.
      {
        method: "PUT",
        template: `${records}/records/{recordId}`,
        path: `${notes}/records/r1`,
        body: { content: "bob's", scope: "/crew/a", embedding },
        expect: { status: [200] },
      },
      {
        method: "POST",
        template: `${records}/records`,
        path: `${notes}/records`,
        body: { records: [{ id: "r1", content: "bob again", embedding }] },
        expect: { status: [200] },
      },
      {
        method: "POST",
        template: "/v1/conversations/{conversationId}/messages",
        path: "/v1/conversations/trip/messages",
        body: { messages: [{ role: "user", content: "bob's", id: "m1" }] },
        expect: { status: [201] },
      },
      {
        method: "POST",
        template: "/v1/model-memory",
        path: "/v1/model-memory",
        body: { content: secret, scope: "/crew/a" },
        expect: { status: [200] },
        echoes: { action: "created" },
      },
      { method: "PUT", template: "/v1/settings/{key}", path: "/v1/settings/system_prompt", body: { value: "bob's prompt" }, expect: { status: [200] } },
    ];
  };

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("probes every /v1 route of the OpenAPI document", async () => {
      const document = JSON.parse((await call(adaKey, "GET", "/openapi.json")).text) as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(document.paths).flatMap(([path, item]) =>
        path.startsWith("/v1") ? Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`) : [],
      );
      const probed = new Set(probes().map((probe) => `${probe.method} ${probe.template}`));
      expect(routes.filter((route) => !probed.has(route))).toEqual([]);
    });

    it("gives Bob's key none of Ada's data and lets it change none of Ada's rows", async () => {
      const before = await tableChecksum(opened.database as unknown as SqlRunner, schema, "ada");
      for (const probe of probes()) {
        // Naming Ada in X-Mnemo-User does not help: Bob's key does not cover her.
        const steered = await call(bobKey, probe.method, probe.path, probe.body, { "x-mnemo-user": "ada" });
        expect(steered.status, `${probe.method} ${probe.path} as ada`).toBe(403);
        const answer = await call(bobKey, probe.method, probe.path, probe.body);
        const label = `${probe.method} ${probe.path}: ${answer.text.slice(0, 300)}`;
        expect(probe.expect.status, label).toContain(answer.status);
        if (probe.expect.body !== undefined) expect(JSON.parse(answer.text), label).toEqual(probe.expect.body);
        if (probe.echoes) expect(JSON.parse(answer.text), label).toMatchObject(probe.echoes);
        else expect(answer.text, label).not.toContain("4471");
        expect(await tableChecksum(opened.database as unknown as SqlRunner, schema, "ada"), label).toEqual(before);
      }
      // Ada still has everything, unchanged.
      expect(JSON.parse((await call(adaKey, "GET", "/v1/collections/notes/records/r1")).text).record.content).toBe(secret);
      expect(JSON.parse((await call(adaKey, "GET", "/v1/settings")).text).values).toEqual({ system_prompt: `${secret} (v2)` });
      expect(JSON.parse((await call(adaKey, "GET", `/v1/model-memory/${memoryId}`)).text).entry.content).toBe(secret);
    });
  });
});
