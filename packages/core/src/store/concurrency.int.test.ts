import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnavailableError } from "../errors/unavailable-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

const server = testEngines().find((engine) => engine.name === "postgres");
const run = promisify(execFile);

// One app process building a context that overflows: the built package, a slow summariser, started at an agreed instant.
const summariseInChild = `
import { createMemory, summarizerFromFunction } from "@mnemo/core";
const [url, schema, startAt] = process.argv.slice(1);
let calls = 0;
const summarizer = summarizerFromFunction(async (request) => {
  calls += 1;
  await new Promise((done) => setTimeout(done, 1500));
  return "Summary of " + request.messages.length + " turns.";
});
const memory = await createMemory({ database: url, schema, summarizer, maxConnections: 2 });
await new Promise((done) => setTimeout(done, Math.max(0, Number(startAt) - Date.now())));
const context = await memory.buildContext({ userId: "u", conversationId: "overflow", maxTokens: 1500 });
await memory.close();
console.log(JSON.stringify({ status: context.summary.status, calls }));`;

describe.skipIf(!server?.available)("concurrent writers on the PostgreSQL server", () => {
  let opened: OpenTestEngine;
  let memories: Memory[];
  let schema: string;

  beforeAll(async () => {
    opened = await (server as NonNullable<typeof server>).open();
    schema = opened.newSchema();
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

  it("200 writers on 200 conversations store every acknowledged message once, gap-free, and rebuild it exactly", { timeout: 180_000 }, async () => {
    // Long, varied content (several 16-token pieces per message once split) so reassembly is really exercised.
    const content = (writer: number, index: number) => `Writer ${writer}, turn ${index}: ${"naïve café ✓ 𝄞 ".repeat(4 + (writer % 7))}line\n${writer * index}`;
    const chunked = await Promise.all(
      memories.slice(0, 10).map(() => createMemory({ database: process.env.DATABASE_URL as string, schema, chunkTokens: 16, maxConnections: 2 })),
    );
    try {
      const writers = [...memories, ...chunked];
      let retries = 0;
      const acknowledged = await Promise.all(
        Array.from({ length: 200 }, async (_, writer) => {
          const memory = writers[writer % writers.length] as Memory;
          const stored = [];
          for (let index = 0; index < 4; index++) {
            const message = {
              userId: "many",
              conversationId: `w${writer}`,
              role: index % 2 ? "assistant" : "user",
              content: content(writer, index),
              id: `m${index}`,
            } as const;
            // A client retries what was not acknowledged: a pool that cannot hand out a connection in time is UnavailableError.
            for (;;) {
              const outcome = await memory.append(message).catch((error: unknown) => {
                if (!UnavailableError.isInstance(error)) throw error;
                retries += 1;
                return undefined;
              });
              if (outcome) {
                stored.push(outcome);
                break;
              }
            }
          }
          return stored;
        }),
      );
      if (retries) console.info(`[concurrency] ${retries} appends retried after UnavailableError (pool wait timeout under load)`);
      const pieces = await chunked[0]!.stats({ userId: "many" });
      expect(pieces).toMatchObject({ conversations: 200, messages: 800 });
      expect(pieces.pieces).toBeGreaterThan(800);
      for (let writer = 0; writer < 200; writer++) {
        expect(acknowledged[writer]!.map((message) => [message.id, message.seq])).toEqual([0, 1, 2, 3].map((index) => [`m${index}`, index + 1]));
        const history = await memories[0]!.history({ userId: "many", conversationId: `w${writer}`, last: 100 });
        expect(history.map((message) => [message.seq, message.content])).toEqual(
          [0, 1, 2, 3].map((index) => [index + 1, content(writer, index).normalize("NFC")]),
        );
      }
    } finally {
      await Promise.all(chunked.map((memory) => memory.close()));
    }
  });

  it("concurrent summarisation of one conversation by four processes writes one summary", { timeout: 240_000 }, async () => {
    const turns = Array.from({ length: 60 }, (_, index) => ({
      userId: "u",
      conversationId: "overflow",
      role: index % 2 ? ("assistant" as const) : ("user" as const),
      content: `Turn ${index + 1}: ${"we talked about the Lisbon trip, trams and pastries. ".repeat(3)}`,
    }));
    await memories[0]!.appendMany(turns);
    const startAt = String(Date.now() + 20_000); // every child has connected and migrated by then
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const { stdout } = await run(process.execPath, ["--input-type=module", "-e", summariseInChild, process.env.DATABASE_URL as string, schema, startAt], {
          cwd: import.meta.dirname,
          timeout: 200_000,
        });
        return JSON.parse(stdout.trim().split("\n").at(-1) as string) as { status: string; calls: number };
      }),
    );
    expect(outcomes.filter((outcome) => outcome.status === "summarized")).toHaveLength(1);
    expect(outcomes.reduce((sum, outcome) => sum + outcome.calls, 0)).toBe(1);
    expect(outcomes.every((outcome) => ["summarized", "busy", "not-needed"].includes(outcome.status))).toBe(true);
    expect((await memories[0]!.stats({ userId: "u", conversationId: "overflow" })).summaries).toBe(1);
  });

  it("the same message sent by 50 writers at once is stored exactly once", async () => {
    const results = await Promise.all(
      memories.map((memory) => memory.append({ userId: "u", conversationId: "retry", role: "user", content: "once", createdAt: "2024-01-01T00:00:00Z" })),
    );
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result.seq))).toEqual(new Set([1]));
  });
});
