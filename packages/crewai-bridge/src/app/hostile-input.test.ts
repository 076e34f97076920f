import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
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

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
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
  });
});
