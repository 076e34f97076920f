import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory, type MemoryOptions } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { EmbeddingDimensionError } from "./embedding-dimension-error.js";

/** A unit vector at `angle` radians in the plane of the first two of `dimensions` axes. */
const at = (angle: number, dimensions = 3) => [Math.cos(angle), Math.sin(angle), ...new Array<number>(dimensions - 2).fill(0)];
const ids = (hits: { record: { id: string } }[]) => hits.map((hit) => hit.record.id);

describe.each(testEngines())("records on $name", (engine) => {
  let opened: OpenTestEngine;
  const open = (options: MemoryOptions = {}) => createMemory({ database: opened.database, schema: opened.newSchema(), ...options });

  beforeAll(async () => {
    if (engine.available) opened = await engine.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    let memory: Memory;
    const notes = { userId: "ada", collection: "notes", vectorModel: { name: "test:notes:3", dimensions: 3 } };
    beforeAll(async () => {
      memory = await open();
    });
    afterAll(async () => {
      await memory?.close();
    });

    it("upserts by id: inserts, updates, leaves unchanged records alone, keeps created_at", async () => {
      const first = await memory.records.upsert({
        ...notes,
        records: [
          { id: "n1", content: "Lisbon trip in May", metadata: { year: 2024 }, sourceId: "doc-1", scope: "/trips", categories: ["travel"], vector: at(0) },
          { id: "n2", content: "", metadata: { empty: true }, vector: at(1) },
        ],
      });
      expect(first).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      const stored = await memory.records.get({ userId: "ada", collection: "notes", id: "n1", includeVectors: true });
      expect(stored).toMatchObject({ id: "n1", content: "Lisbon trip in May", metadata: { year: 2024 }, sourceId: "doc-1", scope: "/trips" });
      expect(stored).toMatchObject({ categories: ["travel"], importance: 0.5, private: false, lastAccessedAt: undefined });
      expect(stored?.tokenCount).toBe(memory.tokenizer.count("Lisbon trip in May"));
      expect(stored?.vector?.map((value) => Number(value.toFixed(5)))).toEqual([1, 0, 0]);
      expect((await memory.records.get({ userId: "ada", collection: "notes", id: "n2" }))?.content).toBe("");

      const again = await memory.records.upsert({
        ...notes,
        records: [
          { id: "n1", content: "Lisbon trip in May", metadata: { year: 2024 }, sourceId: "doc-1", scope: "/trips", categories: ["travel"], vector: at(0) },
          { id: "n2", content: "", metadata: { empty: true }, vector: at(1.2) },
          { id: "n3", content: "Porto", createdAt: "2020-01-02T03:04:05Z", vector: at(2) },
        ],
      });
      expect(again).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
      const unchanged = await memory.records.get({ userId: "ada", collection: "notes", id: "n1" });
      expect(unchanged?.updatedAt).toEqual(stored?.updatedAt);
      expect((await memory.records.get({ userId: "ada", collection: "notes", id: "n3" }))?.createdAt.toISOString()).toBe("2020-01-02T03:04:05.000Z");

      const changed = await memory.records.upsert({ ...notes, records: [{ id: "n1", content: "Lisbon trip in June", importance: 0.9, vector: at(0.1) }] });
      expect(changed).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      const updated = await memory.records.get({ userId: "ada", collection: "notes", id: "n1" });
      expect(updated?.createdAt).toEqual(stored?.createdAt);
      expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(stored?.updatedAt.getTime() ?? 0);
      // An upsert replaces the record: fields not given take their defaults.
      expect(updated).toMatchObject({ content: "Lisbon trip in June", metadata: {}, sourceId: undefined, scope: "/", categories: [] });
      expect(updated?.importance).toBeCloseTo(0.9, 5);
    });

    it("queries by vector, best first, with scores and vectors", async () => {
      const hits = await memory.records.query({ ...notes, vector: at(0), limit: 2, includeVectors: true });
      expect(ids(hits)).toEqual(["n1", "n2"]);
      expect(hits[0]?.score).toBeCloseTo(Math.cos(0.1), 4);
      expect(hits[0]?.record.vector).toHaveLength(3);
      expect(await memory.records.query({ ...notes, vector: at(0), limit: 10, minScore: 0.9 })).toHaveLength(1);
    });

    it("queries lexically and hybrid; alpha weighs the legs", async () => {
      await memory.records.upsert({
        userId: "ada",
        collection: "mix",
        vectorModel: { name: "test:notes:3", dimensions: 3 },
        records: [
          { id: "words", content: "the quarterly budget spreadsheet", vector: at(Math.PI / 2) },
          { id: "near", content: "a photo of a cat", vector: at(0) },
          { id: "both", content: "budget for the cat", vector: at(0.2) },
        ],
      });
      const base = { userId: "ada", collection: "mix", vectorModel: { name: "test:notes:3" }, limit: 3 };
      expect(ids(await memory.records.query({ ...base, text: "budget spreadsheet" }))).toEqual(["words", "both"]);
      const hybrid = await memory.records.query({ ...base, text: "budget", vector: at(0) });
      expect(ids(hybrid)[0]).toBe("both");
      expect(ids(await memory.records.query({ ...base, text: "budget", vector: at(0), alpha: 1 }))).toEqual(["near", "both", "words"]);
      expect(ids(await memory.records.query({ ...base, text: "budget spreadsheet", vector: at(0), alpha: 0 }))).toEqual(["words", "both"]);
      expect(ids(await memory.records.query({ ...base, text: "budget", vector: at(0), mode: "vector" }))).toEqual(["near", "both", "words"]);
      await expect(memory.records.query({ ...base })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(memory.records.query({ ...base, text: "cat", mode: "vector" })).rejects.toBeInstanceOf(InvalidInputError);
    });

    it("re-ranks for variety with MMR", async () => {
      const base = { userId: "ada", collection: "mmr", vectorModel: { name: "test:notes:3", dimensions: 3 } };
      await memory.records.upsert({
        ...base,
        records: [
          { id: "a", content: "a", vector: at(0) },
          { id: "a-copy", content: "a copy", vector: at(0.01) },
          { id: "b", content: "b", vector: at(0.6) },
        ],
      });
      expect(ids(await memory.records.query({ ...base, vector: at(0), limit: 2 }))).toEqual(["a", "a-copy"]);
      expect(ids(await memory.records.query({ ...base, vector: at(0), limit: 2, mmr: { lambda: 0.5 } }))).toEqual(["a", "b"]);
      expect(ids(await memory.records.query({ ...base, vector: at(0), limit: 2, mmr: { lambda: 1, fetchK: 3 } }))).toEqual(["a", "a-copy"]);
      // Negative similarities keep their order (they are not scaled by the best one).
      expect(ids(await memory.records.query({ ...base, vector: at(Math.PI), limit: 2, mmr: { lambda: 1 } }))).toEqual(["b", "a-copy"]);
    });

    it("rejects a vector of other dimensions with EmbeddingDimensionError and writes nothing", async () => {
      const target = { userId: "dim", collection: "c", vectorModel: { name: "test:dims:4", dimensions: 4 } };
      await memory.records.upsert({ ...target, records: [{ id: "ok", content: "fine", vector: at(0, 4) }] });
      const wrong = memory.records.upsert({
        ...target,
        records: [
          { id: "new", content: "fine", vector: at(0, 4) },
          { id: "bad", content: "too long", vector: at(0, 5) },
        ],
      });
      await expect(wrong).rejects.toBeInstanceOf(EmbeddingDimensionError);
      await expect(wrong).rejects.toBeInstanceOf(InvalidInputError);
      await expect(wrong).rejects.toMatchObject({
        expected: 4,
        actual: 5,
        reason: "dimension_mismatch",
        code: "invalid_input",
        issues: [{ path: "records.1.vector" }],
      });
      const renamed = memory.records.upsert({
        ...target,
        vectorModel: { name: "test:dims:4", dimensions: 8 },
        records: [{ id: "x", content: "x", vector: at(0, 8) }],
      });
      await expect(renamed).rejects.toMatchObject({ name: "EmbeddingDimensionError", expected: 4, actual: 8 });
      const query = memory.records.query({ userId: "dim", collection: "c", vectorModel: { name: "test:dims:4" }, vector: at(0, 3) });
      await expect(query).rejects.toMatchObject({ expected: 4, actual: 3 });
      expect(EmbeddingDimensionError.isInstance(await query.catch((error: unknown) => error))).toBe(true);
      expect(await memory.records.count({ userId: "dim", collection: "c" })).toBe(1);
      // Without a vectorModel (and no embedder) the collection's default model fixes its dimension on first use.
      await memory.records.upsert({ userId: "dim", collection: "d", records: [{ id: "a", content: "a", vector: [1, 0] }] });
      await expect(memory.records.upsert({ userId: "dim", collection: "d", records: [{ id: "b", content: "b", vector: [1, 0, 0] }] })).rejects.toMatchObject({
        expected: 2,
        actual: 3,
      });
      expect(await memory.records.count({ userId: "dim", collection: "d" })).toBe(1);
    });

    it("stores and searches 3,072-dimension vectors (halfvec HNSW index) on the index path too", async () => {
      const wide = { userId: "crew", collection: "crewai", vectorModel: { name: "test:crewai:3072", dimensions: 3072 } };
      const indexed = await open({ scanOwnRowsBelow: 0 });
      try {
        const records = Array.from({ length: 30 }, (_, index) => ({ id: `m${index}`, content: `memory ${index}`, vector: at(index / 10, 3072) }));
        expect(await indexed.records.upsert({ ...wide, records })).toEqual({ inserted: 30, updated: 0, unchanged: 0 });
        const hits = await indexed.records.query({ ...wide, vector: at(0.52, 3072), limit: 3, includeVectors: true });
        expect(ids(hits)).toEqual(["m5", "m6", "m4"]);
        expect(hits[0]?.record.vector).toHaveLength(3072);
        await expect(indexed.records.query({ ...wide, vector: at(0, 1536), limit: 3 })).rejects.toMatchObject({ expected: 3072, actual: 1536 });
      } finally {
        await indexed.close();
      }
    });

    it("survives concurrent upserts of overlapping batches in opposite orders", async () => {
      const target = { userId: "race", collection: "c", vectorModel: { name: "test:notes:3", dimensions: 3 } };
      const batch = Array.from({ length: 40 }, (_, index) => ({ id: `k${index}`, content: `item ${index}`, vector: at(index / 40) }));
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, writer) =>
          memory.records.upsert({ ...target, records: (writer % 2 ? [...batch].reverse() : batch).map((record) => ({ ...record, metadata: { writer } })) }),
        ),
      );
      expect(results.reduce((sum, result) => sum + result.inserted + result.updated + result.unchanged, 0)).toBe(240);
      expect(await memory.records.count(target)).toBe(40);
    });

    it("survives 20 concurrent upserts of sliding, overlapping windows of new and stored ids (no deadlock, no retry)", async () => {
      // Writer w saves ids (w … w+9) mod 30: each batch meets rows other writers are inserting or have
      // just committed. Before collection write locks this deadlocked on the server (a victim's 40P01).
      const target = { userId: "window", collection: "c", vectorModel: { name: "test:notes:3", dimensions: 3 } };
      const window = (writer: number) =>
        Array.from({ length: 10 }, (_, index) => ({ id: `r${(writer + index) % 30}`, content: `record ${(writer + index) % 30}`, vector: at(index / 10) }));
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(Array.from({ length: 20 }, (_, writer) => memory.records.upsert({ ...target, records: window(writer + round) })));
        expect(results.reduce((sum, result) => sum + result.inserted + result.updated + result.unchanged, 0)).toBe(200);
      }
      expect(await memory.records.count(target)).toBe(30);
    });

    it("deletes a user's records and vectors with deleteUser", async () => {
      const target = { userId: "leaving", collection: "c", vectorModel: { name: "test:notes:3", dimensions: 3 } };
      await memory.records.upsert({ ...target, records: [{ id: "a", content: "bye", vector: at(0) }] });
      expect(await memory.deleteUser({ userId: "leaving" })).toBe(true);
      expect(await memory.records.count(target)).toBe(0);
      expect(await memory.records.query({ ...target, vector: at(0) })).toEqual([]);
    });

    it("rejects invalid input and writes nothing of the batch", async () => {
      const target = { userId: "bad", collection: "c" };
      const bad: unknown[] = [
        { id: "a", content: "nul \u0000" },
        { id: "a", content: "fine", importance: 2 },
        { id: "a", content: "fine", scope: "/a/../b" },
        { id: "a", content: "fine", scope: "/a%" },
        { id: "a", content: "fine", scope: "no-slash" },
        { id: "", content: "fine" },
        { id: "a", content: "fine", metadata: { when: new Date() } },
        { id: "a", content: "fine", vector: [1, Number.NaN] },
        { id: "a", content: 5 },
      ];
      for (const record of bad) {
        await expect(memory.records.upsert({ ...target, records: [{ id: "good", content: "good" }, record as never] })).rejects.toBeInstanceOf(
          InvalidInputError,
        );
      }
      await expect(
        memory.records.upsert({
          ...target,
          records: [
            { id: "same", content: "one" },
            { id: "same", content: "two" },
          ],
        }),
      ).rejects.toMatchObject({ issues: [{ path: "records.1.id" }] });
      await expect(memory.records.upsert({ userId: "", collection: "c", records: [] })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(memory.records.delete({ ...target })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(memory.records.list({ ...target, scopePrefix: "/a_%" })).rejects.toBeInstanceOf(InvalidInputError);
      expect(await memory.records.count(target)).toBe(0);
    });
  });
});
