import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { ConflictError, createMemory, type Memory, type PGliteLike, type PgPoolLike } from "@mnemo/core";
import { createHashingEmbedder, type OpenTestEngine, type TestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MnemoChatMessageHistory } from "./chat-message-history.js";
import { MnemoRetriever } from "./retriever/mnemo-retriever.js";

/**
 * The complaints users file against LangChain's PostgresChatMessageHistory and PGVectorStore, each
 * checked against this adapter on both engines. Every statement the adapter sends is recorded by
 * wrapping the database handle the test passes to createMemory.
 */
interface Statement {
  sql: string;
  params: unknown[] | undefined;
}

/** pg's query takes text and values, or (as Mnemo's driver sends it, for prepared statements) a config object. */
type PgQueryArgument = string | { text: string; values?: unknown[] };
const statementOf = (query: PgQueryArgument, params?: unknown[]): Statement =>
  typeof query === "string" ? { sql: query, params } : { sql: query.text, params: query.values };

function recordingPool(pool: PgPoolLike, log: Statement[]): PgPoolLike {
  const recorded = (target: PgPoolLike | Awaited<ReturnType<PgPoolLike["connect"]>>) =>
    ((query: PgQueryArgument, params?: unknown[]) => {
      log.push(statementOf(query, params));
      return (target.query as (query: PgQueryArgument, params?: unknown[]) => unknown)(query, params);
    }) as PgPoolLike["query"];
  return {
    query: recorded(pool),
    connect: async () => {
      const client = await pool.connect();
      return { query: recorded(client), release: (error?: Error | boolean) => client.release(error) };
    },
    end: () => pool.end(),
  };
}

function recordingPGlite(db: PGliteLike, log: Statement[]): PGliteLike {
  const wrap = (target: Pick<PGliteLike, "query" | "exec">): Pick<PGliteLike, "query" | "exec"> => ({
    query: ((sql: string, params?: unknown[]) => {
      log.push({ sql, params });
      return target.query(sql, params);
    }) as PGliteLike["query"],
    exec: (sql: string) => {
      log.push({ sql, params: undefined });
      return target.exec(sql);
    },
  });
  return {
    ...wrap(db),
    transaction: (work) =>
      db.transaction((transaction) => {
        log.push({ sql: "BEGIN", params: undefined });
        return work(wrap(transaction));
      }),
    close: () => db.close(),
  };
}

/** The plan of a recorded statement, with sequential scans disabled: a Seq Scan that remains means no index could serve it. */
async function seqScansOf(database: PgPoolLike | PGliteLike, statement: Statement): Promise<string[]> {
  const explain = `EXPLAIN (FORMAT JSON) ${statement.sql}`;
  type Plan = { "Node Type": string; "Relation Name"?: string; Plans?: Plan[] };
  const scans = (plan: Plan): string[] => [...(plan["Node Type"] === "Seq Scan" ? [plan["Relation Name"] ?? "?"] : []), ...(plan.Plans ?? []).flatMap(scans)];
  const run = async (query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>) => {
    await query("SET enable_seqscan = off");
    try {
      const { rows } = await query(explain, statement.params);
      const plan = (rows[0] as { "QUERY PLAN": [{ Plan: Plan }] })["QUERY PLAN"][0].Plan;
      return scans(plan);
    } finally {
      await query("RESET enable_seqscan");
    }
  };
  if ("connect" in database) {
    const client = await database.connect();
    try {
      return await run((sql, params) => client.query(sql, params));
    } finally {
      client.release();
    }
  }
  return run((sql, params) => database.query(sql, params));
}

describe.each(testEngines())("LangChain's Postgres complaints, on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let database: PgPoolLike | PGliteLike;
  const log: Statement[] = [];
  let schema: string;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    database = opened.database;
    const recorded = "connect" in database ? recordingPool(database, log) : recordingPGlite(database, log);
    schema = opened.newSchema();
    memory = await createMemory({ database: recorded, schema, embedder: createHashingEmbedder(32) });
  });
  beforeEach(() => {
    log.length = 0;
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("loads a session through indexes only (no sequential scan even when the planner is denied one)", async () => {
      for (let session = 0; session < 20; session++) {
        const history = new MnemoChatMessageHistory({ memory, userId: `user-${session % 4}`, sessionId: `s${session}` });
        await history.addMessages(Array.from({ length: 10 }, (_, index) => new HumanMessage(`Message ${index} of session ${session}.`)));
      }
      log.length = 0;
      const messages = await new MnemoChatMessageHistory({ memory, userId: "user-3", sessionId: "s7" }).getMessages();
      expect(messages).toHaveLength(10);
      const reads = log.filter((statement) => /^\s*(SELECT|WITH)/i.test(statement.sql));
      expect(reads.length).toBeGreaterThan(0);
      for (const statement of reads) expect(await seqScansOf(database, statement)).toEqual([]);
      // The check can fail: a lookup no index serves still shows its sequential scan.
      const unindexed = { sql: `SELECT * FROM "${schema}".conversation_log WHERE content = $1`, params: ["x"] };
      expect(await seqScansOf(database, unindexed)).toEqual(["conversation_log"]);
    });

    it("writes addMessages as one transaction whose statement count does not grow with the batch", async () => {
      const count = async (sessionId: string, size: number) => {
        log.length = 0;
        const batch = Array.from({ length: size }, (_, index) =>
          index % 2 === 0 ? new HumanMessage(`Question ${index}?`) : new AIMessage(`Answer ${index}.`),
        );
        await new MnemoChatMessageHistory({ memory, userId: "batch", sessionId }).addMessages(batch);
        return {
          begins: log.filter((statement) => /^\s*BEGIN/i.test(statement.sql)).length,
          inserts: log.filter((statement) => /^\s*(INSERT|WITH)/i.test(statement.sql)).length,
          total: log.length,
        };
      };
      const small = await count("small", 4);
      const large = await count("large", 100);
      expect(small.begins).toBe(1);
      expect(large.begins).toBe(1);
      expect(large.total).toBe(small.total);
      expect(large.inserts).toBe(small.inserts);
      // All or nothing on a bad message: see "writes a batch in one transaction" in chat-message-history.test.ts.
    });

    it("never puts metadata filter keys or values into SQL text", async () => {
      await memory.append({ userId: "eve", conversationId: "c", role: "user", content: "Lisbon hotel", metadata: { "'; DROP TABLE users; --": "x" } });
      const hostile = { "'; DROP TABLE users; --": "x", "a') OR 1=1 --": "y", $1: "z" };
      log.length = 0;
      const none = await new MnemoRetriever({ memory, userId: "eve", conversations: { metadata: hostile } }).invoke("Lisbon hotel");
      expect(none).toEqual([]);
      const one = await new MnemoRetriever({ memory, userId: "eve", conversations: { metadata: { "'; DROP TABLE users; --": "x" } } }).invoke("Lisbon hotel");
      expect(one.map((document) => document.pageContent)).toEqual(["Lisbon hotel"]);
      expect(log.length).toBeGreaterThan(0);
      for (const statement of log) {
        expect(statement.sql).not.toContain("DROP TABLE");
        expect(statement.sql).not.toContain("OR 1=1");
      }
    });

    it("returns k results for one user's filtered vector search among many users", async () => {
      const rows = Array.from({ length: 40 }, (_, user) =>
        Array.from({ length: 15 }, (_, index) => ({
          userId: `many-${user}`,
          conversationId: "notes",
          role: "user" as const,
          content: `Note ${index} about hotels and rivers, number ${index}.`,
          metadata: { tag: index % 3 === 0 ? "keep" : "other" },
        })),
      ).flat();
      await memory.appendMany(rows);
      const retriever = (k: number, metadata?: Record<string, unknown>) =>
        new MnemoRetriever({ memory, userId: "many-17", k, conversations: { mode: "vector", ...(metadata ? { metadata } : {}) } });
      const ten = await retriever(10).invoke("hotels near rivers");
      expect(ten).toHaveLength(10);
      const kept = await retriever(10, { tag: "keep" }).invoke("hotels near rivers");
      expect(kept).toHaveLength(5); // all 5 of the user's "keep" notes: never fewer when they exist
      const results = [...ten, ...kept];
      expect(results.every((document) => document.metadata.conversationId === "notes" && document.metadata.source === "conversation:notes")).toBe(true);
      const ownIds = new Set((await memory.history({ userId: "many-17", conversationId: "notes", last: 100 })).map((message) => message.id));
      expect(results.every((document) => ownIds.has(document.metadata.messageId as string))).toBe(true);
    });
  });
});

describe.skipIf(!testEngines().find((engine) => engine.name === "postgres")?.available)("pool clients are handed back (PostgreSQL server)", () => {
  it("after reads, writes and a transaction that failed inside the database", async () => {
    const engine = testEngines().find((candidate) => candidate.name === "postgres") as TestEngine;
    const opened = await engine.open();
    const pool = opened.database as PgPoolLike & { totalCount: number; idleCount: number; waitingCount: number };
    try {
      const memory = await createMemory({ database: pool, schema: opened.newSchema() });
      const history = new MnemoChatMessageHistory({ memory, userId: "ada", sessionId: "s" });
      await history.addMessages([new HumanMessage({ content: "first", id: "m1" })]);
      await Promise.all(Array.from({ length: 8 }, () => history.getMessages()));
      // The same id with other content: a ConflictError raised inside the write transaction.
      await expect(history.addMessages([new HumanMessage({ content: "other", id: "m1" })])).rejects.toSatisfy((error) => ConflictError.isInstance(error));
      expect(await history.getMessages()).toHaveLength(1);
      await memory.close();
      expect(pool.waitingCount).toBe(0);
      expect(pool.idleCount).toBe(pool.totalCount);
    } finally {
      await opened.close();
    }
  });
});

describe("closing Mnemo leaves a database handle you passed in open", () => {
  it.each(testEngines().filter((engine) => engine.available))("$name", async (engine) => {
    const opened = await engine.open();
    try {
      const memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
      const history = new MnemoChatMessageHistory({ memory, userId: "ada", sessionId: "s" });
      await history.addMessage(new HumanMessage("hi"));
      await memory.close();
      await memory.close();
      const { rows } = await opened.database.query<{ one: number }>("SELECT 1 AS one");
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await opened.close();
    }
  });
});
