import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, type SqlRunner, tableChecksum, testEngines } from "@mnemo/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../logging/logger.js";
import type { BridgeApp } from "./bridge-env.js";
import { createBridgeApp } from "./create-bridge-app.js";

/** A small seeded generator, so a failure names the request that caused it and replays the same way. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

const hostile: readonly unknown[] = [
  null,
  0,
  -1,
  1e308,
  "",
  "x",
  "%",
  "_",
  "*",
  "/a/../b",
  "/crew%",
  "\u0000",
  "\ud800",
  "'; DROP TABLE records; --",
  [],
  {},
  [1, "a"],
  { key: "a'", op: "==" },
  true,
  "9".repeat(300),
];
const fields = [
  "records",
  "messages",
  "embedding",
  "query",
  "scopePrefix",
  "filter",
  "ids",
  "olderThan",
  "limit",
  "minScore",
  "content",
  "value",
  "maxTokens",
  "categories",
  "scope",
  "importance",
  "mode",
  "embeddingModel",
  "id",
  "role",
];

describe.each(testEngines())("hostile input on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let app: BridgeApp;
  let keys: string[];
  let schema: string;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    schema = opened.newSchema();
    memory = await createMemory({ database: opened.database, schema });
    app = createBridgeApp({ memory, logger: silentLogger });
    keys = [(await memory.apiKeys.create({ users: ["ada"] })).key, (await memory.apiKeys.create({ users: ["ada"], scopes: ["/crew/a", "/crew/b"] })).key];
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("answers random malformed requests to every route with 2xx or 4xx, never 5xx", { timeout: 180_000 }, async () => {
      const random = generator(20_260_107);
      const document = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
      const segment = () => {
        const value = String(random.pick(hostile) ?? "x");
        return value.isWellFormed() && value !== "" ? encodeURIComponent(value) : "x";
      };
      const body = (depth = 0): unknown => {
        const value: Record<string, unknown> = {};
        for (const field of fields) if (random.next() < 0.3) value[field] = depth < 2 && random.next() < 0.2 ? [body(depth + 1)] : random.pick(hostile);
        return value;
      };
      const failures: string[] = [];
      for (let round = 0; round < 8; round++) {
        for (const [template, item] of Object.entries(document.paths)) {
          for (const method of Object.keys(item)) {
            const query = random.next() < 0.5 ? `?scopePrefix=${segment()}&limit=${segment()}&parent=${segment()}&scope=${segment()}&last=${segment()}` : "";
            const path = template.replace(/\{[^}]+\}/g, segment) + query;
            const payload = random.next() < 0.1 ? "{not json" : JSON.stringify(random.next() < 0.2 ? random.pick(hostile) : body());
            const response = await app.request(path, {
              method: method.toUpperCase(),
              headers: { authorization: `Bearer ${random.pick(keys)}`, "content-type": "application/json" },
              ...(method === "get" ? {} : { body: payload }),
            });
            if (response.status >= 500) failures.push(`${response.status} ${method.toUpperCase()} ${path} ${payload.slice(0, 200)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it("fast-check: hostile values in every field of every route get 2xx or 4xx, and a 4xx changes no table", { timeout: 300_000 }, async () => {
      const document = (await (await app.request("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(document.paths).flatMap(([template, item]) =>
        Object.keys(item).map((method) => ({ template, method: method.toUpperCase() })),
      );
      // Seed data the hostile requests could damage.
      await app.request("/v1/collections/crewai/records", {
        method: "POST",
        headers: { authorization: `Bearer ${keys[0]}`, "content-type": "application/json" },
        body: JSON.stringify({ records: [{ id: "seed", content: "seed record", scope: "/crew/a", metadata: { "a'b": 1 }, embedding: [1, 0, 0] }] }),
      });
      const sqlish = fc.constantFrom("'; DROP TABLE records; --", "1 OR 1=1", "$1", "\\", "' || pg_sleep(5) --", "%' OR '1'='1");
      const nasty = fc.oneof(
        fc.string(),
        fc.string({ unit: "binary" }), // includes lone surrogates
        fc.constantFrom("\u0000", "a\u0000b", "\ud800", "\udfff x", "%", "_", "..", "*", "/a/../b", "/crew/%", "/crew/_", "/*", "//", "/crew/a/..", "\u202e"),
        sqlish,
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.constant("x".repeat(70_000)),
      );
      const metadataKey = fc.oneof(fc.string(), fc.constantFrom("a'b", 'a"b', "a.b", "$where", "@>", "->>", "?|", "a b", "__proto__", "constructor"), sqlish);
      const metadata = fc.dictionary(metadataKey, fc.oneof(nasty, fc.array(nasty, { maxLength: 3 })), { maxKeys: 4 });
      const filter = fc.oneof(
        fc.record({
          key: metadataKey,
          op: fc.oneof(fc.constantFrom("==", "in", "contains", "text_match", "is_empty", "LIKE", "~", "@>"), fc.string()),
          value: fc.oneof(nasty, fc.array(nasty, { maxLength: 3 })),
        }),
        fc.record({ and: fc.array(fc.anything(), { maxLength: 3 }) }),
        nasty,
      );
      const value = fc.oneof(nasty, metadata, filter, fc.array(nasty, { maxLength: 4 }), fc.anything({ maxDepth: 3 }));
      const scope = fc.oneof(fc.constantFrom("/crew/a", "/crew/a%", "/crew/a_", "/crew/a/../b", "/crew/*", "%", "_", "/", "", "crew"), fc.string());
      const record = fc.record(
        {
          id: nasty,
          content: nasty,
          scope,
          categories: fc.array(nasty, { maxLength: 3 }),
          metadata,
          importance: nasty,
          embedding: fc.oneof(fc.array(fc.double(), { maxLength: 4 }), nasty),
        },
        { requiredKeys: [] },
      );
      const message = fc.record(
        { role: fc.oneof(fc.constantFrom("user", "assistant", "robot"), nasty), content: nasty, id: nasty, metadata },
        { requiredKeys: [] },
      );
      const body = fc.oneof(
        fc.record(
          {
            records: fc.oneof(fc.array(record, { maxLength: 3 }), nasty),
            messages: fc.oneof(fc.array(message, { maxLength: 3 }), nasty),
            embedding: fc.oneof(fc.array(fc.double(), { maxLength: 4 }), nasty),
            query: nasty,
            scopePrefix: scope,
            scope,
            filter,
            ids: fc.oneof(fc.array(nasty, { maxLength: 3 }), nasty),
            categories: fc.oneof(fc.array(nasty, { maxLength: 3 }), nasty),
            metadata,
            content: nasty,
            value,
            olderThan: nasty,
            limit: nasty,
            maxTokens: nasty,
          },
          { requiredKeys: [] },
        ),
        value,
      );
      const segment = fc.oneof(
        fc.constantFrom("crewai", "seed", "x"),
        fc.string({ minLength: 1, maxLength: 40 }),
        scope.filter((text) => text.length > 0),
      );
      const queryText = fc.dictionary(
        fc.constantFrom("scopePrefix", "limit", "offset", "parent", "scope", "last", "afterSeq", "includeEmbedding", "order", "category"),
        fc.oneof(scope, fc.string()),
        { maxKeys: 3 },
      );
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.array(segment, { minLength: 3, maxLength: 3 }),
          queryText,
          body,
          fc.nat(1),
          async (route, segments, query, payload, keyIndex) => {
            let position = 0;
            const path = route.template.replace(/\{[^}]+\}/g, () => encodeURIComponent((segments[position++] as string).toWellFormed()));
            const search = new URLSearchParams(Object.entries(query).map(([name, text]): [string, string] => [name, text.toWellFormed()])).toString();
            const before = await tableChecksum(opened.database as unknown as SqlRunner, schema);
            const response = await app.request(`${path}${search ? `?${search}` : ""}`, {
              method: route.method,
              headers: { authorization: `Bearer ${keys[keyIndex]}`, "content-type": "application/json" },
              ...(route.method === "GET" ? {} : { body: JSON.stringify(payload) }),
            });
            const label = `${response.status} ${route.method} ${path}?${search} ${JSON.stringify(payload)?.slice(0, 300)}`;
            if (response.status >= 500) failures.push(label);
            expect(response.status, label).toBeLessThan(500);
            if (response.status >= 400) expect(await tableChecksum(opened.database as unknown as SqlRunner, schema), label).toEqual(before);
          },
        ),
        { numRuns: 150, seed: 20_261_201 },
      );
      expect(failures).toEqual([]);
    });

    it("huge bodies, deep JSON and invalid UTF-8 get 4xx and change nothing", { timeout: 120_000 }, async () => {
      const before = await tableChecksum(opened.database as unknown as SqlRunner, schema);
      const send = (path: string, body: string | Uint8Array) =>
        app.request(path, { method: "POST", headers: { authorization: `Bearer ${keys[0]}`, "content-type": "application/json" }, body });
      const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
      const deepMetadata = `{"records":[{"id":"d","content":"x","metadata":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}]}`;
      const invalidUtf8 = new Uint8Array([
        ...new TextEncoder().encode('{"messages":[{"role":"user","content":"'),
        0xff,
        0xfe,
        0xc3,
        0x28,
        0xed,
        0xa0,
        0x80,
        ...new TextEncoder().encode('"}]}'),
      ]);
      const answers = [
        await send("/v1/collections/crewai/records", JSON.stringify({ records: [{ id: "big", content: "x".repeat(17 * 1024 * 1024) }] })),
        await send("/v1/collections/crewai/records", deep),
        await send("/v1/collections/crewai/records", deepMetadata),
        await send("/v1/model-memory", `{"content":"x","metadata":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}`),
        await send("/v1/conversations/c/messages", invalidUtf8),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([413, 400, 400, 400, 400]);
      expect(await tableChecksum(opened.database as unknown as SqlRunner, schema)).toEqual(before);
    });
  });
});
