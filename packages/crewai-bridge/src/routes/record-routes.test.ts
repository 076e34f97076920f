import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BridgeApp } from "../app/bridge-env.js";
import { createBridgeApp } from "../app/create-bridge-app.js";
import { silentLogger } from "../logging/logger.js";

const vector = (seed: number, dimensions = 8) => Array.from({ length: dimensions }, (_, index) => Math.sin(seed * (index + 1)));

describe.each(testEngines())("record routes on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let app: BridgeApp;
  const keys: Record<"alice" | "bob" | "crew", string> = { alice: "", bob: "", crew: "" };
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected loosely
  const call = async (key: keyof typeof keys, path: string, body?: unknown, method?: string): Promise<{ status: number; body: any }> => {
    const response = await app.request(path, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers: { authorization: `Bearer ${keys[key]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const base = "/v1/collections/notes";
  const records = [
    { id: "r1", content: "Lisbon hotel with a river view", scope: "/crew/travel", categories: ["travel"], metadata: { stars: 4 }, embedding: vector(1) },
    { id: "r2", content: "Research agenda for Monday", scope: "/crew/research", categories: ["research"], metadata: { stars: 0 }, embedding: vector(2) },
    { id: "r3", content: "Private diary", scope: "/private", embedding: vector(3) },
  ];

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    app = createBridgeApp({ memory, logger: silentLogger });
    keys.alice = (await memory.apiKeys.create({ users: ["alice"] })).key;
    keys.bob = (await memory.apiKeys.create({ users: ["bob"] })).key;
    keys.crew = (await memory.apiKeys.create({ users: ["alice"], scopes: ["/crew/research"] })).key;
    expect((await call("alice", `${base}/records`, { records })).body).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("answers a vector of another dimension with 400 dimension_mismatch, expected and actual, and writes nothing", async () => {
      const answer = await call("alice", `${base}/records`, {
        records: [
          { id: "r4", content: "ok", embedding: vector(4) },
          { id: "r5", content: "short", embedding: vector(5, 4) },
        ],
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: "invalid_input", reason: "dimension_mismatch", expected: 8, actual: 4 });
      expect(answer.body.error.issues[0].path).toBe("body.records.1.embedding");
      expect((await call("alice", `${base}/count`)).body).toEqual({ count: 3 });
      const search = await call("alice", `${base}/search`, { embedding: vector(1, 16) });
      expect(search.body.error).toMatchObject({ reason: "dimension_mismatch", expected: 8, actual: 16 });
    });

    it("validates every input with its field path", async () => {
      const cases: [string, unknown, string][] = [
        [`${base}/records`, { records: [{ id: "x", content: "x", embedding: ["a"] }] }, "body.records.0.embedding.0"],
        [`${base}/records`, { records: [{ id: "x", content: "x", scope: "/a%" }] }, "body.records.0.scope"],
        [`${base}/records`, { records: [{ id: "x", content: "x", importance: 3 }] }, "body.records.0.importance"],
        [`${base}/search`, { embedding: vector(1), filter: { key: "stars", op: "LIKE", value: 1 } }, "body.filter"],
        [`${base}/search`, { limit: 5 }, "body.embedding"],
        [`${base}/delete`, { olderThan: "yesterday" }, "body.olderThan"],
        ["/v1/collections/bad%20name/count", undefined, "path.collection"],
      ];
      for (const [path, body, issuePath] of cases) {
        const answer = await call("alice", path, body);
        expect(answer.status, path).toBe(400);
        expect(answer.body.error.issues.map((issue: { path: string }) => issue.path).join(" "), JSON.stringify(body)).toContain(issuePath);
      }
      expect((await call("alice", `${base}/count`)).body).toEqual({ count: 3 });
    });

    it("gives another tenant nothing on every route and lets it change nothing", async () => {
      expect((await call("bob", `${base}/records/r1`)).status).toBe(404);
      expect((await call("bob", `${base}/records`)).body).toEqual({ records: [] });
      expect((await call("bob", `${base}/search`, { embedding: vector(1) })).body).toEqual({ results: [] });
      expect((await call("bob", `${base}/count`)).body).toEqual({ count: 0 });
      expect((await call("bob", `${base}/scopes`)).body).toEqual({ scopes: [] });
      expect((await call("bob", `${base}/categories`)).body).toEqual({ categories: {} });
      expect((await call("bob", `${base}/scope-info?scope=/crew`)).body).toMatchObject({ recordCount: 0, childScopes: [] });
      expect((await call("bob", `${base}/delete`, { ids: ["r1", "r2", "r3"] })).body).toEqual({ deleted: 0 });
      expect((await call("bob", `${base}/reset`, {})).body).toEqual({ deleted: 0 });
      expect((await call("alice", `${base}/count`)).body).toEqual({ count: 3 });
    });

    it("keeps a scope-limited key inside its scope, without leaking counts of other scopes", async () => {
      expect((await call("crew", `${base}/count`)).body).toEqual({ count: 1 });
      expect((await call("crew", `${base}/records/r1`)).status).toBe(404);
      expect((await call("crew", `${base}/records`)).body.records.map((record: { id: string }) => record.id)).toEqual(["r2"]);
      expect(
        (await call("crew", `${base}/search`, { embedding: vector(1), limit: 10 })).body.results.map((hit: { record: { id: string } }) => hit.record.id),
      ).toEqual(["r2"]);
      expect((await call("crew", `${base}/scopes?parent=/`)).body.scopes).toMatchObject([{ scope: "/crew", count: 1 }]);
      expect((await call("crew", `${base}/categories`)).body).toEqual({ categories: { research: 1 } });
      expect((await call("crew", `${base}/count?scopePrefix=/crew/travel`)).status).toBe(403);
      expect((await call("crew", `${base}/records`, { records: [{ id: "r9", content: "x", scope: "/crew/travel" }] })).status).toBe(403);
      expect((await call("crew", `${base}/records/r1`, { content: "hijack", scope: "/crew/research" }, "PUT")).status).toBe(403);
      expect((await call("crew", `${base}/delete`, { ids: ["r1", "r3"] })).body).toEqual({ deleted: 0 });
      expect((await call("alice", `${base}/count`)).body).toEqual({ count: 3 });
    });

    it("replaces, lists newest first, filters by metadata and reports scope info", async () => {
      const replaced = await call(
        "alice",
        `${base}/records/r2`,
        { content: "Research agenda for Tuesday", scope: "/crew/research", embedding: vector(2) },
        "PUT",
      );
      expect(replaced.body.record).toMatchObject({ id: "r2", content: "Research agenda for Tuesday", embedding: expect.any(Array) });
      const zero = await call("alice", `${base}/search`, { embedding: vector(2), filter: { key: "stars", op: "==", value: 0 } });
      expect(zero.body.results).toEqual([]);
      const text = await call("alice", `${base}/search`, { query: "Lisbon river" });
      expect(text.body.results[0].record.id).toBe("r1");
      // No embedder here: "vector" with text alone can only be BM25.
      expect((await call("alice", `${base}/search`, { query: "Lisbon river", mode: "vector" })).body.results[0].record.id).toBe("r1");
      const info = await call("alice", `${base}/scope-info?scope=/crew`);
      expect(info.body).toMatchObject({ path: "/crew", recordCount: 2, childScopes: ["/crew/research", "/crew/travel"] });
      expect((await call("alice", `${base}/records?limit=2`)).body.records.map((record: { id: string }) => record.id)).toEqual(["r3", "r2"]);
    });
  });
});
