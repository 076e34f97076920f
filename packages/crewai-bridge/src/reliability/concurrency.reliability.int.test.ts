import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../logging/logger.js";
import { type RunningBridge, startBridge } from "../server/start-bridge.js";

const server = testEngines().find((engine) => engine.name === "postgres");

interface Acknowledged {
  id: string;
  seq: number;
  created: boolean;
}

describe.skipIf(!server?.available)("concurrent clients through the bridge over real HTTP (PostgreSQL server)", () => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let bridge: RunningBridge;
  let key: string;
  let unavailable = 0;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${bridge.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) =>
    (await (await fetch(`${bridge.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Record<string, unknown>;
  const appendAll = async (conversationId: string, messages: { id: string; role: string; content: string }[]) => {
    const acknowledged: Acknowledged[] = [];
    const failures: number[] = [];
    for (const message of messages) {
      for (;;) {
        const answer = await post(`/v1/conversations/${conversationId}/messages`, { messages: [message] });
        if (answer.status === 201) acknowledged.push(...(answer.body.messages as Acknowledged[]));
        // 503 (pool wait or request timeout under load) says "retry"; the id makes the retry idempotent.
        if (answer.status === 503 && answer.headers.get("retry-after")) {
          unavailable += 1;
          await new Promise((done) => setTimeout(done, 250));
          continue;
        }
        if (answer.status !== 201) failures.push(answer.status);
        break;
      }
    }
    return { acknowledged, failures };
  };

  beforeAll(async () => {
    opened = await (server as NonNullable<typeof server>).open();
    memory = await createMemory({ database: process.env.DATABASE_URL as string, schema: opened.newSchema(), maxConnections: 20 });
    bridge = await startBridge({ memory, port: 0, logger: silentLogger });
    key = (await memory.apiKeys.create({ users: ["ada"] })).key;
  });
  afterAll(async () => {
    if (unavailable) console.info(`[bridge concurrency] ${unavailable} appends answered 503 + Retry-After under load and retried`);
    await bridge?.close();
    await memory?.close();
    await opened?.close();
  });

  it("50 clients appending to one conversation: every acknowledged message stored once, seq gap-free, content exact", { timeout: 180_000 }, async () => {
    const content = (writer: number, index: number) => `client ${writer} says ${index}: ${"ü ✓ ".repeat(writer % 5)}end`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, writer) =>
        appendAll(
          "hot",
          [0, 1, 2, 3, 4].map((index) => ({ id: `${writer}-${index}`, role: "user", content: content(writer, index) })),
        ),
      ),
    );
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    const acknowledged = results.flatMap((result) => result.acknowledged);
    expect(acknowledged).toHaveLength(250);
    const history = (await get("/v1/conversations/hot/messages?last=1000")).messages as (Acknowledged & { content: string })[];
    expect(history.map((message) => message.seq)).toEqual(Array.from({ length: 250 }, (_, index) => index + 1));
    expect(new Set(history.map((message) => message.id)).size).toBe(250);
    const byId = new Map(history.map((message) => [message.id, message]));
    for (const message of acknowledged) {
      const [writer, index] = message.id.split("-").map(Number) as [number, number];
      expect(byId.get(message.id)).toMatchObject({ seq: message.seq, content: content(writer, index) });
    }
    // Each client's own messages are in the order it sent them.
    for (const result of results) {
      const seqs = result.acknowledged.map((message) => message.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it("200 clients on 200 conversations: everything acknowledged is stored exactly, nothing else", { timeout: 180_000 }, async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, writer) =>
        appendAll(`c${writer}`, [
          { id: "q", role: "user", content: `question of client ${writer}` },
          { id: "a", role: "assistant", content: `answer to client ${writer}\n${"x".repeat(writer)}` },
        ]),
      ),
    );
    expect(results.flatMap((result) => result.failures)).toEqual([]);
    for (let writer = 0; writer < 200; writer++) {
      const history = (await get(`/v1/conversations/c${writer}/messages?last=10`)).messages as (Acknowledged & { content: string })[];
      expect(history.map((message) => [message.seq, message.id, message.content])).toEqual([
        [1, "q", `question of client ${writer}`],
        [2, "a", `answer to client ${writer}\n${"x".repeat(writer)}`],
      ]);
    }
    expect(((await get("/v1/conversations?limit=1000")).conversations as unknown[]).length).toBe(201);
  });

  it("20 clients saving the same model-memory fact at once leave one entry", { timeout: 120_000 }, async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post("/v1/model-memory", { content: "Prefers aisle seats on long flights", category: "travel" })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(answers.filter((answer) => answer.body.action === "created")).toHaveLength(1);
    expect(new Set(answers.map((answer) => (answer.body.entry as { memoryId: string }).memoryId)).size).toBe(1);
    expect((await get("/v1/model-memory?limit=100")).entries).toHaveLength(1);
  });

  it("20 clients saving overlapping record batches at once: every id stored once", { timeout: 120_000 }, async () => {
    const batch = (client: number) => ({
      records: Array.from({ length: 10 }, (_, index) => ({
        id: `r${(client + index) % 30}`,
        content: `record ${(client + index) % 30}`,
        embedding: [1, index, client],
      })),
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, client) => post("/v1/collections/crewai/records", batch(client))));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(await get("/v1/collections/crewai/count")).toEqual({ count: 29 });
  });
});
