import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

describe.each(testEngines())("records with the memory's embedder, and top-k under filters on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  const embedder = createHashingEmbedder(32, "test:records:32");

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    // scanOwnRowsBelow 0: every vector query takes the HNSW path (with its exact fallback).
    memory = await createMemory({ database: opened.database, schema: opened.newSchema(), embedder, scanOwnRowsBelow: 0 });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    const target = { userId: "ada", collection: "text-in" };

    it("embeds records that come without a vector, once; text queries are hybrid", async () => {
      const calls = embedder.calls;
      const records = [
        { id: "tea", content: "Ada likes green tea in the morning" },
        { id: "cat", content: "Ada has a cat called Miso" },
        { id: "blank", content: "" },
      ];
      expect(await memory.records.upsert({ ...target, records })).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
      expect(embedder.calls).toBe(calls + 1);
      expect(await memory.records.upsert({ ...target, records })).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
      expect(embedder.calls).toBe(calls + 1);
      const [best] = await memory.records.query({ ...target, text: "green tea", limit: 1, includeVectors: true });
      expect(best?.record.id).toBe("tea");
      const expected = await embedder.embedQuery("Ada likes green tea in the morning");
      expect(best?.record.vector?.map((value, index) => Math.abs(value - (expected[index] ?? 0)) < 1e-6)).toEqual(expected.map(() => true));
      const byVector = await memory.records.query({ ...target, vector: await embedder.embedQuery("a cat called Miso"), limit: 1 });
      expect(byVector[0]?.record.id).toBe("cat");
      expect(byVector[0]?.score).toBeGreaterThan(0.5);
      // New text replaces the stale vector.
      await memory.records.upsert({ ...target, records: [{ id: "cat", content: "Ada drinks coffee" }] });
      expect(embedder.calls).toBe(calls + 2);
      expect((await memory.records.query({ ...target, text: "coffee", mode: "vector", limit: 1 }))[0]?.record.id).toBe("cat");
    });

    it("writes nothing when the embedder fails, and text-only queries are lexical without the embedder's model", async () => {
      const failing = await createMemory({
        database: opened.database,
        schema: opened.newSchema(),
        embedder: { ...embedder, id: "test:failing:32", embedDocuments: async () => Promise.reject(new Error("model crashed")) },
      });
      try {
        const target = { userId: "ada", collection: "fails" };
        await expect(failing.records.upsert({ ...target, records: [{ id: "a", content: "some text" }] })).rejects.toThrow("model crashed");
        expect(await failing.records.count(target)).toBe(0);
        // A client model: no server-side embedding; text alone is searched lexically.
        const client = { ...target, vectorModel: { name: "test:client:2", dimensions: 2 } };
        await failing.records.upsert({ ...client, records: [{ id: "b", content: "plain words" }] });
        const hits = await failing.records.query({ ...client, text: "words" });
        expect(hits.map((hit) => hit.record.id)).toEqual(["b"]);
        await expect(failing.records.query({ ...client, text: "words", mode: "hybrid" })).rejects.toMatchObject({ issues: [{ path: "vector" }] });
      } finally {
        await failing.close();
      }
    });

    it("returns k results under a selective filter on the HNSW path", async () => {
      const many = { userId: "ada", collection: "many" };
      const records = Array.from({ length: 600 }, (_, index) => ({
        id: `r${index}`,
        content: `note ${index} about topic ${index % 7}`,
        metadata: { group: index % 50, even: index % 2 === 0 },
        vector: Array.from({ length: 32 }, (_, axis) => Math.sin(index * 7.3 + axis * 1.1)),
      }));
      await memory.records.upsert({ ...many, records });
      await memory.records.upsert({ userId: "bob", collection: "many", records: records.map((record) => ({ ...record, metadata: { group: 0 } })) });
      for (let query = 0; query < 5; query++) {
        const vector = Array.from({ length: 32 }, (_, axis) => Math.cos(query * 3.1 + axis));
        const hits = await memory.records.query({ ...many, vector, limit: 10, filter: { key: "group", op: "==", value: 7 } });
        expect(hits).toHaveLength(10);
        expect(hits.every((hit) => hit.record.metadata.group === 7)).toBe(true);
        const scores = hits.map((hit) => hit.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        const two = await memory.records.query({
          ...many,
          vector,
          limit: 10,
          filter: {
            and: [
              { key: "group", op: "in", value: [3, 4] },
              { key: "even", op: "==", value: false },
            ],
          },
        });
        // group 3 or 4 and odd: the twelve records of group 3.
        expect(two.map((hit) => hit.record.metadata.group)).toEqual(new Array(10).fill(3));
      }
      // Fewer matches than k: all of them.
      const few = await memory.records.query({ ...many, vector: records[0]?.vector ?? [], limit: 50, ids: ["r1", "r2", "r3"] });
      expect(few.map((hit) => hit.record.id).sort()).toEqual(["r1", "r2", "r3"]);
    });
  });
});
