import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Driver } from "../driver/driver.js";
import { openDriver } from "../driver/open-driver.js";
import { defaultMessageLimits } from "../ingest/message-input.js";
import { Memory } from "../memory/memory.js";
import { createExtractiveSummarizer } from "../summarize/extractive-summarizer.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { PostgresStore } from "./postgres-store.js";

const server = testEngines().find((engine) => engine.name === "postgres");
const bigTables = new Set(["conversation_log", "conversations", "users"]);

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

function sequentialScans(node: PlanNode): string[] {
  const own = node["Node Type"] === "Seq Scan" && bigTables.has(node["Relation Name"] ?? "") ? [node["Relation Name"] as string] : [];
  return [...own, ...(node.Plans ?? []).flatMap(sequentialScans)];
}

/** A driver that EXPLAINs every statement the store runs, then runs it. */
function explaining(driver: Driver, plans: { sql: string; scans: string[] }[]): Driver {
  const explainThenRun: Driver["query"] = async (sql, params) => {
    const { rows } = await driver.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    plans.push({ sql, scans: sequentialScans(rows[0]!["QUERY PLAN"][0].Plan) });
    return driver.query(sql, params);
  };
  return {
    ...driver,
    query: explainThenRun,
    transaction: (work) => driver.transaction((transaction) => work({ ...transaction, query: explainThenRun })),
  };
}

describe.skipIf(!server?.available)("every read path is an index scan at 200k rows (PostgreSQL server)", () => {
  let opened: OpenTestEngine;
  let driver: Driver;
  let memory: Memory;
  let schemaName: string;
  const plans: { sql: string; scans: string[] }[] = [];

  beforeAll(async () => {
    opened = await (server as NonNullable<typeof server>).open();
    const schema = opened.newSchema();
    schemaName = `"${schema}"`;
    driver = await openDriver(opened.database);
    const store = new PostgresStore(driver, { schema });
    await store.migrate();
    const s = store.s;
    await driver.script(`
      INSERT INTO ${s}.users (user_id) SELECT 'u' || u FROM generate_series(1, 2000) u;
      INSERT INTO ${s}.conversations (user_id, conversation_id, last_seq, message_count, token_count)
        SELECT 'u' || u, 'c' || c, 20, 20, 60 FROM generate_series(1, 2000) u, generate_series(1, 5) c;
      INSERT INTO ${s}.conversation_log (user_id, conversation_id, seq, chunk_index, chunk_count, response_id, role, content,
          token_count, message_token_count, tokenizer, content_sha256, dedupe_key, created_at)
        SELECT 'u' || u, 'c' || c, q, 0, 1, md5(u || '-' || c || '-' || q), CASE WHEN q % 2 = 0 THEN 'assistant' ELSE 'user' END,
          'message ' || q, 3, 3, 'o200k_base', sha256(('m' || q)::bytea), sha256((u || '-' || c || '-' || q)::bytea),
          now() - (20 - q) * interval '1 minute'
        FROM generate_series(1, 2000) u, generate_series(1, 5) c, generate_series(1, 20) q;
      ANALYZE ${s}.users; ANALYZE ${s}.conversations; ANALYZE ${s}.conversation_log;`);
    const { rows } = await driver.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.conversation_log`);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(200_000);
    memory = new Memory({
      store: new PostgresStore(explaining(driver, plans), { schema }),
      prepare: { counter: createTiktokenCounter("o200k_base"), chunkTokens: 512, limits: defaultMessageLimits },
      search: {
        fusion: { lexicalWeight: 1, vectorWeight: 1, k: 60 },
        candidateFactor: 5,
        exactBelow: 20_000,
        stopWords: [],
        bm25: { k1: 1.2, b: 0.75 },
        neighbourShare: 0.5,
      },
      summarizer: createExtractiveSummarizer(),
    });
  });
  afterAll(async () => {
    await driver?.close();
    await opened?.close();
  });

  it("history, message, list, stats, append and delete use indexes only", async () => {
    const target = { userId: "u777", conversationId: "c3" };
    expect(await memory.history({ ...target, last: 5 })).toHaveLength(5);
    expect(await memory.history({ ...target, afterSeq: 10, limit: 5 })).toHaveLength(5);
    expect((await memory.history({ ...target, after: new Date(Date.now() - 5 * 60_000), limit: 50 })).length).toBeGreaterThan(0);
    const [first] = await memory.history({ ...target, last: 20 });
    expect(await memory.getMessage({ ...target, id: first!.id })).toBeDefined();
    expect(await memory.conversations({ userId: "u777" })).toHaveLength(5);
    expect((await memory.stats({ userId: "u777" })).messages).toBe(100);
    expect((await memory.stats(target)).messages).toBe(20);
    await memory.appendMany([
      { ...target, role: "user", content: "a new message" },
      { ...target, role: "assistant", content: "and its answer", id: "answer-1" },
    ]);
    expect(await memory.deleteConversation({ userId: "u778", conversationId: "c1" })).toBe(true);
    expect(await memory.deleteUser({ userId: "u779" })).toBe(true);
    const offenders = plans.filter((plan) => plan.scans.length > 0);
    expect(offenders.map((plan) => `${plan.scans.join(",")}: ${plan.sql.replace(/\s+/g, " ").slice(0, 160)}`)).toEqual([]);
    expect(plans.length).toBeGreaterThan(15);
  });

  it("flags a sequential scan when there is one (the check above can fail)", async () => {
    const control: { sql: string; scans: string[] }[] = [];
    await explaining(driver, control).query(`SELECT count(*) FROM ${schemaName}.conversation_log WHERE content = $1`, ["x"]);
    expect(control[0]?.scans).toEqual(["conversation_log"]);
  });
});
