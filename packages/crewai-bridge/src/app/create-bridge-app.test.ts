import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry } from "../logging/logger.js";
import type { BridgeApp } from "./bridge-env.js";
import { createBridgeApp } from "./create-bridge-app.js";

describe.each(testEngines())("bridge app on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let app: BridgeApp;
  const logs: LogEntry[] = [];
  let adaKey: string;
  let bobKey: string;
  let crewKey: string;
  let twoUsersKey: string;

  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected loosely
  const read = async (response: Response): Promise<any> => response.json();
  const call = (path: string, init: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    app.request(path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: {
        ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
    });

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    app = createBridgeApp({ memory, logger: { log: (entry) => logs.push(entry) }, bodyLimit: 64 * 1024 });
    adaKey = (await memory.apiKeys.create({ users: ["ada"] })).key;
    bobKey = (await memory.apiKeys.create({ users: ["bob"] })).key;
    crewKey = (await memory.apiKeys.create({ users: ["ada"], scopes: ["/crew/research"] })).key;
    twoUsersKey = (await memory.apiKeys.create({ users: ["ada", "bob"] })).key;
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("answers 401 without a key or with a bad one, in the error shape", async () => {
      for (const key of [undefined, "nope", `${adaKey}x`]) {
        const response = await call("/v1/conversations", key === undefined ? {} : { key });
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/Bearer/);
        expect(await read(response)).toMatchObject({ error: { code: "unauthenticated", message: expect.any(String) } });
      }
    });

    it("appends turns, reads history and builds a budgeted context", async () => {
      const appended = await call("/v1/conversations/trip/messages", {
        key: adaKey,
        body: {
          messages: [
            { role: "user", content: "Find me a quiet hotel in Lisbon.", id: "m1" },
            { role: "assistant", content: "The Memmo Alfama is quiet and has a river view.", id: "m2" },
          ],
        },
      });
      expect(appended.status).toBe(201);
      const { messages } = await read(appended);
      expect(messages.map((message: { seq: number; created: boolean }) => [message.seq, message.created])).toEqual([
        [1, true],
        [2, true],
      ]);
      expect(messages[0]).not.toHaveProperty("userId");
      const again = await read(await call("/v1/conversations/trip/messages", { key: adaKey, body: { messages: [{ role: "user", content: "x", id: "m1" }] } }));
      expect(again).toMatchObject({ error: { code: "conflict" } });
      const history = await read(await call("/v1/conversations/trip/messages?last=1", { key: adaKey }));
      expect(history.messages.map((message: { id: string }) => message.id)).toEqual(["m2"]);
      const context = await call("/v1/conversations/trip/context", { key: adaKey, body: { maxTokens: 200, reserve: 20 } });
      expect(context.status).toBe(200);
      const built = await read(context);
      expect(built.messages.at(-1).content).toContain("Memmo Alfama");
      expect(built.tokenCount).toBeLessThanOrEqual(180);
      const list = await read(await call("/v1/conversations", { key: adaKey }));
      expect(list.conversations).toMatchObject([{ conversationId: "trip", messageCount: 2 }]);
    });

    it("keeps tenants apart: bob sees none of ada's conversations", async () => {
      expect((await read(await call("/v1/conversations", { key: bobKey }))).conversations).toEqual([]);
      expect((await read(await call("/v1/conversations/trip/messages?last=10", { key: bobKey }))).messages).toEqual([]);
      const removed = await read(await call("/v1/conversations/trip", { method: "DELETE", key: bobKey }));
      expect(removed).toEqual({ deleted: false });
      expect((await memory.history({ userId: "ada", conversationId: "trip", last: 10 })).length).toBe(2);
    });

    it("acts as the user named in X-Mnemo-User only when the key covers it", async () => {
      expect((await call("/v1/conversations", { key: twoUsersKey })).status).toBe(400);
      const asBob = await call("/v1/conversations", { key: twoUsersKey, headers: { "x-mnemo-user": "bob" } });
      expect(asBob.status).toBe(200);
      const asCarol = await call("/v1/conversations", { key: twoUsersKey, headers: { "x-mnemo-user": "carol" } });
      expect(asCarol.status).toBe(403);
      expect((await call("/v1/conversations", { key: adaKey, headers: { "x-mnemo-user": "bob" } })).status).toBe(403);
    });

    it("refuses conversations and settings to a key limited to scope paths", async () => {
      expect((await call("/v1/conversations", { key: crewKey })).status).toBe(403);
      expect((await call("/v1/settings", { key: crewKey })).status).toBe(403);
    });

    it("answers 400 with the field path and reason for every bad input, never 500", async () => {
      const cases: [string, { method?: string; body?: unknown }, string][] = [
        ["/v1/conversations/trip/messages", { body: { messages: [{ role: "robot", content: "hi" }] } }, "body.messages.0.role"],
        ["/v1/conversations/trip/messages", { body: { messages: [] } }, "body.messages"],
        ["/v1/conversations/trip/messages", { body: { messages: [{ role: "user", content: "a\u0000b" }] } }, "0.content"],
        ["/v1/conversations/trip/messages?last=-1", {}, "query.last"],
        ["/v1/conversations/trip/messages?last=abc", {}, "query.last"],
        ["/v1/conversations/trip/context", { body: { maxTokens: "many" } }, "body.maxTokens"],
        ["/v1/model-memory", { body: { content: "x", importance: 2 } }, "body.importance"],
        ["/v1/model-memory", { body: { content: "x", scope: "/a/../b" } }, "scope"],
        ["/v1/settings/system_prompt", { method: "PUT", body: { value: 42 } }, "value"],
        ["/v1/model-memory/not-a-uuid", {}, "path.memoryId"],
      ];
      for (const [path, init, issuePath] of cases) {
        const response = await call(path, { ...init, key: adaKey });
        const body = await read(response);
        expect(response.status, path).toBe(400);
        expect(body.error.code).toBe("invalid_input");
        expect(body.error.issues.map((issue: { path: string }) => issue.path).join(" "), path).toContain(issuePath);
      }
      const malformed = await call("/v1/conversations/trip/messages", { key: adaKey, body: "{not json" });
      expect(malformed.status).toBe(400);
      expect((await read(malformed)).error.code).toBe("invalid_input");
    });

    it("limits the body size (413) and logs no content or keys", async () => {
      const huge = { messages: [{ role: "user", content: "secret words ".repeat(10_000) }] };
      const response = await call("/v1/conversations/big/messages", { key: adaKey, body: huge });
      expect(response.status).toBe(413);
      expect((await read(response)).error.code).toBe("payload_too_large");
      const logged = JSON.stringify(logs);
      expect(logs.some((entry) => entry.route === "/v1/conversations/:conversationId/messages" && entry.status === 201)).toBe(true);
      for (const secret of ["secret words", "Memmo Alfama", "quiet hotel", adaKey, bobKey, "trip"]) expect(logged).not.toContain(secret);
    });

    it("keeps model memory inside the key's scopes", async () => {
      const added = await call("/v1/model-memory", { key: crewKey, body: { content: "Prefers primary sources", category: "research" } });
      expect(added.status).toBe(200);
      const { entry } = await read(added);
      expect(entry.scope).toBe("/crew/research");
      const outside = await read(await call("/v1/model-memory", { key: adaKey, body: { content: "Likes window seats", scope: "/travel" } }));
      expect((await call("/v1/model-memory", { key: crewKey, body: { content: "x", scope: "/travel" } })).status).toBe(403);
      expect((await call(`/v1/model-memory/${outside.entry.memoryId}`, { key: crewKey })).status).toBe(404);
      expect((await call(`/v1/model-memory/${outside.entry.memoryId}`, { method: "DELETE", key: crewKey })).status).toBe(404);
      expect((await call(`/v1/model-memory/${entry.memoryId}`, { key: bobKey })).status).toBe(404);
      const listed = await read(await call("/v1/model-memory", { key: crewKey }));
      expect(listed.entries.map((item: { content: string }) => item.content)).toEqual(["Prefers primary sources"]);
      const searched = await read(await call("/v1/model-memory/search", { key: crewKey, body: { query: "window seats" } }));
      expect(searched.entries).toEqual([]);
      const patched = await call(`/v1/model-memory/${entry.memoryId}`, { method: "PATCH", key: crewKey, body: { importance: 0.9 } });
      expect((await read(patched)).entry).toMatchObject({ importance: 0.9, version: 2 });
      const history = await read(await call(`/v1/model-memory/${entry.memoryId}/history`, { key: crewKey }));
      expect(history.changes.length).toBe(2);
    });

    // PGlite runs queries on the event loop's thread, so a timer cannot interrupt them: server only.
    it.skipIf(engine.name === "pglite")("answers a request that outlives its timeout with 503 and Retry-After (server engine)", async () => {
      const hurried = createBridgeApp({ memory, logger: { log() {} }, requestTimeoutMs: 1 });
      const response = await hurried.request("/v1/conversations/trip/context", {
        method: "POST",
        headers: { authorization: `Bearer ${adaKey}`, "content-type": "application/json" },
        body: JSON.stringify({ maxTokens: 500 }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      expect((await read(response)).error.code).toBe("timeout");
    });

    it("versions settings per user", async () => {
      expect((await call("/v1/settings/system_prompt", { method: "PUT", key: adaKey, body: { value: "Be brief." } })).status).toBe(200);
      await call("/v1/settings/system_prompt", { method: "PUT", key: adaKey, body: { value: "Be thorough." } });
      expect((await read(await call("/v1/settings", { key: adaKey }))).values).toEqual({ system_prompt: "Be thorough." });
      expect((await read(await call("/v1/settings", { key: bobKey }))).values).toEqual({});
      const rolled = await read(await call("/v1/settings/system_prompt/rollback", { key: adaKey, body: {} }));
      expect(rolled.setting).toMatchObject({ value: "Be brief.", version: 3 });
      expect((await read(await call("/v1/settings/system_prompt/history", { key: adaKey }))).changes.length).toBe(3);
      expect(await read(await call("/v1/settings/system_prompt", { method: "DELETE", key: adaKey }))).toEqual({ unset: true });
    });

    it("serves health, readiness, a valid OpenAPI 3.1 document and the docs page without a key", async () => {
      expect(await read(await call("/healthz"))).toEqual({ status: "ok" });
      expect(await read(await call("/readyz"))).toEqual({ status: "ready", engine: engine.name });
      const document = await read(await call("/openapi.json"));
      expect(document.openapi).toBe("3.1.0");
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/v1/conversations/{conversationId}/messages", "/v1/model-memory", "/v1/settings"]));
      const result = await validate(structuredClone(document));
      expect(result.valid, JSON.stringify(result)).toBe(true);
      const broken = await validate({ ...structuredClone(document), paths: { "/x": { get: { responses: { 200: { content: 42 } } } } } });
      expect(broken.valid).toBe(false);
      expect(document.paths["/healthz"].get.security).toEqual([]);
      const docs = await call("/docs");
      expect(docs.headers.get("content-security-policy")).toContain("default-src 'none'");
      const html = await docs.text();
      expect(html).toContain("/openapi.json");
      expect(html).not.toMatch(/https?:\/\/(?!127)/);
      expect((await call("/docs/docs.js")).headers.get("content-type")).toContain("javascript");
      expect((await call("/nope")).status).toBe(404);
    });
  });
});
