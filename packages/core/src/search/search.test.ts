import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../errors/conflict-error.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { MessageInput } from "../ingest/message-input.js";
import { createMemory, type MemoryOptions } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

const turns: [string, MessageInput["role"], string, Record<string, unknown>][] = [
  ["trip", "user", "I want a quiet hotel in Lisbon near the river for the first week of May.", { topic: "travel" }],
  ["trip", "assistant", "The Memmo Alfama hotel is quiet, has a river view terrace and rooms from 180 euros.", { topic: "travel" }],
  ["trip", "user", "Book the Memmo Alfama hotel then, and a table for dinner on Friday.", { topic: "travel" }],
  ["db", "user", "Our PostgreSQL backfill job is slow; the replica lag keeps growing.", { topic: "work" }],
  ["db", "assistant", "Throttle the backfill in batches of ten thousand rows keyed by primary key ranges.", { topic: "work" }],
  ["db", "user", "The hotel booking service also writes to that database.", { topic: "work" }],
  ["pets", "user", "My cat Miso hates the vacuum cleaner.", { topic: "home" }],
];

describe.each(testEngines())("search on $name", (engine) => {
  let opened: OpenTestEngine;
  let lexical: Memory;
  let lexicalViaIndexes: Memory;
  let hybrid: Memory;
  const open = (options: MemoryOptions = {}) => createMemory({ database: opened.database, schema: opened.newSchema(), ...options });
  const load = (memory: Memory, userId = "ada") =>
    memory.appendMany(
      turns.map(([conversationId, role, content, metadata], index) => ({
        userId,
        conversationId,
        role,
        content,
        metadata,
        createdAt: new Date(Date.UTC(2025, 0, 1 + index)),
      })),
    );

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    const lexicalSchema = opened.newSchema();
    lexical = await createMemory({ database: opened.database, schema: lexicalSchema });
    // The same store searched through the GIN index instead of the user's own rows.
    lexicalViaIndexes = await createMemory({ database: opened.database, schema: lexicalSchema, scanOwnRowsBelow: 0 });
    hybrid = await open({ embedder: createHashingEmbedder() });
    await load(lexical);
    await load(hybrid);
    await load(lexical, "bob");
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("scores exactly as Okapi BM25 over the user's pieces", async () => {
      const results = await lexical.search({ userId: "ada", query: "Memmo hotel", neighbourShare: 0 });
      // Reference: the defaults k1 = 1.2, b = 0.3; N and average length over ada's pieces, length in tokens.
      const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
      const lengths = turns.map(([, , content]) => lexical.tokenizer.count(content));
      const averageLength = lengths.reduce((sum, length) => sum + length, 0) / turns.length;
      const expected = turns
        .map(([, , content], index) => {
          const score = ["memmo", "hotel"].reduce((sum, term) => {
            const df = turns.filter(([, , other]) => words(other).includes(term)).length;
            const tf = words(content).filter((word) => word === term).length;
            if (tf === 0) return sum;
            const idf = Math.log(1 + (turns.length - df + 0.5) / (df + 0.5));
            return sum + (idf * tf * 2.2) / (tf + 1.2 * (0.7 + (0.3 * (lengths[index] as number)) / averageLength));
          }, 0);
          return { content, score };
        })
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score);
      expect(results.map((result) => result.content)).toEqual(expected.map((entry) => entry.content));
      for (const [index, result] of results.entries()) expect(result.score).toBeCloseTo(expected[index]?.score as number, 9);
      expect(results.slice(0, 2).every((result) => result.content.includes("Memmo"))).toBe(true);
      expect(results[0]).toMatchObject({ lexicalRank: 1, vectorRank: undefined, chunkIndex: 0, pieceCount: 1 });
      expect(await lexicalViaIndexes.search({ userId: "ada", query: "Memmo hotel", neighbourShare: 0 })).toEqual(results);
      const filtered = { query: "hotel backfill", roles: ["user" as const], limit: 20 };
      expect(await lexicalViaIndexes.search({ userId: "ada", ...filtered })).toEqual(await lexical.search({ userId: "ada", ...filtered }));
    });

    it("never returns another user's pieces", async () => {
      const results = await lexical.search({ userId: "carol", query: "Memmo hotel" });
      expect(results).toEqual([]);
      const bob = await lexical.search({ userId: "bob", query: "cat" });
      expect(bob.map((result) => result.content)).toEqual(["My cat Miso hates the vacuum cleaner."]);
    });

    it("applies every filter", async () => {
      const query = "hotel backfill database cat";
      const ids = async (filters: Partial<Parameters<Memory["search"]>[0]>) =>
        (await lexical.search({ userId: "ada", query, limit: 20, ...filters })).map((result) => `${result.conversationId}#${result.seq}`).sort();
      expect(await ids({ conversationIds: ["db"] })).toEqual(["db#1", "db#2", "db#3"]);
      expect(await ids({ roles: ["assistant"] })).toEqual(["db#2", "trip#2"]);
      expect(await ids({ metadata: { topic: "home" } })).toEqual(["pets#1"]);
      expect(await ids({ after: new Date(Date.UTC(2025, 0, 6)), before: new Date(Date.UTC(2025, 0, 7)) })).toEqual(["db#3"]);
      expect(await ids({ kinds: ["summary"] })).toEqual([]);
    });

    it("treats query text as words, never as syntax", async () => {
      for (const query of ["'; DROP TABLE x; --", "a & b | !c", "(hotel):* <-> 'x'", "back\\slash 'quote'", "%_%", "   ", "💥🧨"]) {
        await expect(lexical.search({ userId: "ada", query })).resolves.toBeInstanceOf(Array);
      }
      expect((await lexical.search({ userId: "ada", query: "hotel's" })).length).toBeGreaterThan(0);
    });

    it("vector and hybrid modes use the embedder; lexical-only memories refuse them", async () => {
      const vector = await hybrid.search({ userId: "ada", query: "Miso the cat", mode: "vector", limit: 3 });
      expect(vector[0]?.content).toContain("Miso");
      expect(vector[0]?.vectorRank).toBe(1);
      const fused = await hybrid.search({ userId: "ada", query: "quiet hotel by the river" });
      expect(fused[0]?.conversationId).toBe("trip");
      expect(fused.some((result) => result.lexicalRank !== undefined && result.vectorRank !== undefined)).toBe(true);
      await expect(lexical.search({ userId: "ada", query: "cat", mode: "vector" })).rejects.toSatisfy(InvalidInputError.isInstance);
    });

    it("returns min(limit, matches) under filters in vector mode", async () => {
      const all = await hybrid.search({ userId: "ada", query: "anything", mode: "vector", limit: 100 });
      expect(all).toHaveLength(turns.length);
      const filtered = await hybrid.search({ userId: "ada", query: "anything", mode: "vector", limit: 2, roles: ["assistant"] });
      expect(filtered.map((result) => result.role)).toEqual(["assistant", "assistant"]);
    });

    it("lifts the neighbours of strong matches by default, and not with neighbourShare 0", async () => {
      const smoothed = await lexical.search({ userId: "ada", query: "Memmo" });
      const plain = await lexical.search({ userId: "ada", query: "Memmo", neighbourShare: 0 });
      expect(plain.map((result) => result.seq).sort()).toEqual([2, 3]);
      expect(smoothed[0]?.score).toBeGreaterThan(plain[0]?.score as number);
    });

    it("weights recent pieces with recency, and attaches neighbouring messages on request", async () => {
      // Turns are one day apart from 2025-01-01: trip#1..3 on days 1–3, db#3 on day 6. Plain BM25 puts the
      // "Memmo" turns first; with a half-life of half a day, the day-6 turn wins.
      const query = "Memmo hotel";
      const plain = await lexical.search({ userId: "ada", query, neighbourShare: 0 });
      const recency = { halfLifeDays: 0.5, weight: 1, now: "2025-01-07T00:00:00Z" };
      const recent = await lexical.search({ userId: "ada", query, neighbourShare: 0, recency });
      expect(plain[0]?.content).toContain("Memmo");
      expect(recent[0]).toMatchObject({ conversationId: "db", seq: 3 });
      const [withContext] = await lexical.search({ userId: "ada", query: "backfill replica", limit: 1, withNeighbours: 1, neighbourShare: 0 });
      expect(withContext?.seq).toBe(1);
      expect(withContext?.context?.before).toEqual([]);
      expect(withContext?.context?.after.map((message) => message.seq)).toEqual([2]);
      expect(withContext?.context?.after[0]?.content).toContain("Throttle the backfill");
      await expect(lexical.search({ userId: "ada", query: "x", recency: { halfLifeDays: 0 } })).rejects.toSatisfy(InvalidInputError.isInstance);
    });

    it("boosts the current conversation when asked", async () => {
      const plain = await lexical.search({ userId: "ada", query: "hotel in Lisbon" });
      const boosted = await lexical.search({ userId: "ada", query: "hotel in Lisbon", boostConversationId: "db", conversationBoost: 10 });
      expect(plain[0]?.conversationId).toBe("trip");
      expect(boosted[0]?.conversationId).toBe("db");
    });

    it("embeds only new pieces, and refuses the same embedder id with other dimensions", async () => {
      const embedder = createHashingEmbedder(32, "test:shared-id");
      const memory = await open({ embedder });
      await load(memory);
      const calls = embedder.calls;
      await load(memory);
      expect(embedder.calls).toBe(calls);
      const schema = opened.newSchema();
      await (await createMemory({ database: opened.database, schema, embedder })).close();
      const error = await createMemory({ database: opened.database, schema, embedder: createHashingEmbedder(16, "test:shared-id") }).catch((caught) => caught);
      expect(ConflictError.isInstance(error)).toBe(true);
    });

    it("writes nothing when embedding fails", async () => {
      const failing = { ...createHashingEmbedder(), id: "test:failing", embedDocuments: async () => Promise.reject(new Error("model crashed")) };
      const memory = await open({ embedder: failing });
      await expect(load(memory)).rejects.toThrow("model crashed");
      expect((await memory.stats({ userId: "ada" })).messages).toBe(0);
    });

    it("reindex embeds what was stored without an embedder, with progress, and only once", async () => {
      const schema = opened.newSchema();
      const plain = await createMemory({ database: opened.database, schema });
      await load(plain);
      await plain.close();
      const embedder = createHashingEmbedder(16, "test:reindex");
      const memory = await createMemory({ database: opened.database, schema, embedder });
      expect(await memory.search({ userId: "ada", query: "cat", mode: "vector" })).toEqual([]);
      const progress: { done: number; total: number }[] = [];
      const result = await memory.reindex({ batchSize: 3, onProgress: (update) => progress.push(update) });
      expect(result.embedded).toBe(turns.length);
      expect(progress).toEqual([
        { done: 0, total: 7 },
        { done: 3, total: 7 },
        { done: 6, total: 7 },
        { done: 7, total: 7 },
      ]);
      expect((await memory.search({ userId: "ada", query: "Miso the cat", mode: "vector", limit: 1, neighbourShare: 0 }))[0]?.content).toContain("Miso");
      expect((await memory.reindex()).embedded).toBe(0);
      await memory.close();
    });

    it("trades relevance for variety with diversity (MMR), by vectors or by word overlap", async () => {
      const texts = [
        "The hotel breakfast in Lisbon starts at seven.",
        "The hotel breakfast in Lisbon starts at seven, they said.",
        "The hotel breakfast in Lisbon starts at seven, I think.",
        "A different hotel question: is parking free?",
      ];
      for (const memory of [await open(), await open({ embedder: createHashingEmbedder() })]) {
        await memory.appendMany(texts.map((content) => ({ userId: "mmr", conversationId: "c", role: "user" as const, content })));
        const query = { userId: "mmr", query: "hotel breakfast Lisbon", limit: 2, neighbourShare: 0 };
        const plain = await memory.search(query);
        expect(plain.map((hit) => hit.content)).not.toContain(texts[3]);
        const varied = await memory.search({ ...query, diversity: 0.7 });
        expect(varied[0]?.content).toBe(plain[0]?.content);
        expect(varied[1]?.content).toBe(texts[3]);
      }
    });

    it("rejects bad search arguments", async () => {
      await expect(lexical.search({ userId: "", query: "x" })).rejects.toSatisfy(InvalidInputError.isInstance);
      await expect(lexical.search({ userId: "ada", query: "x", limit: 0 })).rejects.toSatisfy(InvalidInputError.isInstance);
      await expect(lexical.search({ userId: "ada", query: "x", roles: ["robot" as never] })).rejects.toSatisfy(InvalidInputError.isInstance);
      await expect(lexical.search({ userId: "ada", query: "x", diversity: 1.5 })).rejects.toSatisfy(InvalidInputError.isInstance);
    });
  });
});
