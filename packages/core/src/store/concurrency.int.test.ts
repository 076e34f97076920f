import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

const server = testEngines().find((engine) => engine.name === "postgres");

describe.skipIf(!server?.available)("concurrent writers on the PostgreSQL server", () => {
  let opened: OpenTestEngine;
  let memories: Memory[];

  beforeAll(async () => {
    opened = await (server as NonNullable<typeof server>).open();
    const schema = opened.newSchema();
    // Each writer gets its own memory (its own pool), as separate app processes would.
    memories = await Promise.all(Array.from({ length: 50 }, () => createMemory({ database: process.env.DATABASE_URL as string, schema, maxConnections: 1 })));
  });
  afterAll(async () => {
    await Promise.all(memories.map((memory) => memory.close()));
    await opened.close();
  });

  it("50 writers on one conversation get a gap-free sequence and every message stored once", async () => {
    const perWriter = 10;
    const results = await Promise.all(
      memories.map(async (memory, writer) => {
        const stored = [];
        for (let index = 0; index < perWriter; index++) {
          stored.push(
            await memory.append({ userId: "u", conversationId: "hot", role: "user", content: `writer ${writer} message ${index}`, id: `${writer}-${index}` }),
          );
        }
        return stored;
      }),
    );
    const seqs = results
      .flat()
      .map((result) => result.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 * perWriter }, (_, index) => index + 1));
    const history = await memories[0]!.history({ userId: "u", conversationId: "hot", last: 10_000 });
    expect(history.map((message) => message.seq)).toEqual(seqs);
    expect(new Set(history.map((message) => message.id)).size).toBe(50 * perWriter);
    for (const writerResults of results) {
      const ordered = writerResults.map((result) => result.seq);
      expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
    }
  });

  it("concurrent batches over overlapping conversations neither deadlock nor leave gaps", async () => {
    await Promise.all(
      memories.map((memory, writer) =>
        memory.appendMany(
          Array.from({ length: 6 }, (_, index) => ({
            userId: "u",
            conversationId: `c${(writer + index) % 5}`,
            role: "assistant" as const,
            content: `batch ${writer}.${index}`,
            dedupe: "id" as const,
          })),
        ),
      ),
    );
    for (let conversation = 0; conversation < 5; conversation++) {
      const history = await memories[0]!.history({ userId: "u", conversationId: `c${conversation}`, last: 10_000 });
      expect(history.map((message) => message.seq)).toEqual(Array.from({ length: history.length }, (_, index) => index + 1));
    }
    expect((await memories[0]!.stats({ userId: "u" })).messages).toBe(500 + 300);
  });

  it("the same message sent by 50 writers at once is stored exactly once", async () => {
    const results = await Promise.all(
      memories.map((memory) => memory.append({ userId: "u", conversationId: "retry", role: "user", content: "once", createdAt: "2024-01-01T00:00:00Z" })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.seq))).toEqual(new Set([1]));
  });
});
