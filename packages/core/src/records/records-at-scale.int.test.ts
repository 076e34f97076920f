import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Driver, Queryable } from "../driver/driver.js";
import { openDriver } from "../driver/open-driver.js";
import { defaultMessageLimits } from "../ingest/message-input.js";
import { createMemory } from "../memory/create-memory.js";
import { Memory } from "../memory/memory.js";
import { PostgresStore } from "../store/postgres-store.js";
import { createExtractiveSummarizer } from "../summarize/extractive-summarizer.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";

const server = testEngines().find((engine) => engine.name === "postgres");
const users = 250;
const perUser = 200;
// One user above the exact-scan threshold (20,000): the default configuration queries it through HNSW.
const bigUser = 25_000;
const model = { name: "test:records:32", dimensions: 32 };
const randomVector = () => Array.from({ length: 32 }, () => Math.random() - 0.5);

interface Statement {
  sql: string;
  params: readonly unknown[];
}

/** Runs every statement on `driver` and keeps it, to EXPLAIN afterwards. */
function recording(driver: Driver, statements: Statement[]): Driver {
  const keep =
    (db: Queryable): Queryable["query"] =>
    (sql, params) => {
      statements.push({ sql, params: params ?? [] });
      return db.query(sql, params);
    };
  return { ...driver, query: keep(driver), transaction: (work) => driver.transaction((transaction) => work({ ...transaction, query: keep(transaction) })) };
}

/** Relations read by a sequential scan in a plan. */
function seqScans(node: { "Node Type": string; "Relation Name"?: string; Plans?: unknown[] }): string[] {
  const own = node["Node Type"] === "Seq Scan" && node["Relation Name"] ? [node["Relation Name"]] : [];
  return [...own, ...((node.Plans ?? []) as (typeof node)[]).flatMap(seqScans)];
}

// 75,000 records: 250 users own 200 each (u0 owns 0.3%), one owns 25,000. Mnemo must return min(k, matches) under
// selective filters on the HNSW path, and read each user's records through indexes only.
describe.skipIf(!server?.available)(`records at ${users * perUser + bigUser} rows (PostgreSQL server)`, () => {
  let opened: OpenTestEngine;
  let driver: Driver;
  let schema: string;
  let viaIndex: Memory;
  let exact: Memory;
  const statements: Statement[] = [];
  const u0 = { userId: "u0", collection: "c", vectorModel: model };

  beforeAll(async () => {
    opened = await (server as NonNullable<typeof server>).open();
    schema = opened.newSchema();
    driver = await openDriver(opened.database);
    const store = new PostgresStore(driver, { schema });
    await store.migrate();
    const s = store.s;
    await driver.script(`
      INSERT INTO ${s}.embedding_models (name, dimensions) VALUES ('${model.name}', 32);
      INSERT INTO ${s}.records (user_id, collection, record_id, content, metadata, source_id, scope, categories, token_count, search_vector, created_at)
        SELECT 'u' || u, 'c', 'r' || q, 'note ' || q || ' about topic ' || (q % 7), jsonb_build_object('group', q % 20, 'even', q % 2 = 0),
          'doc' || (q % 10), '/crew/agent' || (q % 5), ARRAY['cat' || (q % 3)], 5, to_tsvector('simple', 'note ' || q || ' about topic ' || (q % 7)),
          now() - q * interval '1 minute'
        FROM generate_series(0, ${users - 1}) u, generate_series(1, ${perUser}) q;
      INSERT INTO ${s}.record_embeddings (user_id, collection, record_id, model_id, embedding)
        SELECT 'u' || u, 'c', 'r' || q, 1, v.embedding
        FROM generate_series(0, ${users - 1}) u, generate_series(1, ${perUser}) q,
          -- Correlated (u, q in WHERE), so every row gets its own random vector.
          LATERAL (SELECT array_agg(random() - 0.5)::vector AS embedding FROM generate_series(1, 32) WHERE u >= 0 AND q >= 0) v;
      INSERT INTO ${s}.records (user_id, collection, record_id, content, metadata, token_count, search_vector)
        SELECT 'big', 'c', 'r' || q, 'big note ' || q, jsonb_build_object('rare', q % 500 = 0, 'few', q IN (7, 70, 700)), 3, to_tsvector('simple', 'big note ' || q)
        FROM generate_series(1, ${bigUser}) q;
      INSERT INTO ${s}.record_embeddings (user_id, collection, record_id, model_id, embedding)
        SELECT 'big', 'c', 'r' || q, 1, v.embedding
        FROM generate_series(1, ${bigUser}) q, LATERAL (SELECT array_agg(random() - 0.5)::vector AS embedding FROM generate_series(1, 32) WHERE q >= 0) v;
      ANALYZE ${s}.records; ANALYZE ${s}.record_embeddings;`);
    viaIndex = await createMemory({ database: opened.database, schema, scanOwnRowsBelow: 0 });
    exact = await createMemory({ database: opened.database, schema });
    // The first upsert under the model builds its HNSW index over the 75,000 vectors.
    await viaIndex.records.upsert({ userId: "setup", collection: "c", vectorModel: model, records: [{ id: "x", content: "x", vector: randomVector() }] });
  }, 300_000);
  afterAll(async () => {
    await viaIndex?.close();
    await exact?.close();
    await driver?.close();
    await opened?.close();
  });

  it("returns k results under selective filters on the HNSW path and the exact path", async () => {
    for (const memory of [viaIndex, exact]) {
      for (let query = 0; query < 10; query++) {
        const vector = randomVector();
        expect(await memory.records.query({ ...u0, vector, limit: 10 })).toHaveLength(10);
        const group = await memory.records.query({ ...u0, vector, limit: 10, filter: { key: "group", op: "==", value: query } });
        expect(group.map((hit) => hit.record.metadata.group)).toEqual(new Array(10).fill(query));
        const narrow = await memory.records.query({ ...u0, vector, limit: 10, scopePrefix: "/crew/agent1", categories: ["cat2", "cat9"], sourceIds: ["doc1"] });
        // q % 5 = 1, q % 3 = 2, q % 10 = 1: q ≡ 11 (mod 30), 7 of the 200.
        expect(narrow).toHaveLength(7);
      }
    }
  });

  it("uses the HNSW index for a large user and still returns k (or every match) under rare filters", async () => {
    const big = { userId: "big", collection: "c", vectorModel: model };
    const plan = await driver.transaction(async (transaction) => {
      await transaction.query("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)");
      const { rows } = await transaction.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT e.record_id FROM "${schema}".record_embeddings e JOIN "${schema}".records m
           ON m.user_id = e.user_id AND m.collection = e.collection AND m.record_id = e.record_id
         WHERE e.model_id = 1 AND e.user_id = 'big' AND e.collection = 'c' ORDER BY e.embedding::vector(32) <=> $1::vector(32) LIMIT 10`,
        [JSON.stringify(randomVector())],
      );
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("record_embeddings_model_1");
    for (let query = 0; query < 5; query++) {
      const vector = randomVector();
      const rare = await exact.records.query({ ...big, vector, limit: 10, filter: { key: "rare", op: "==", value: true } });
      expect(rare).toHaveLength(10);
      expect(rare.every((hit) => hit.record.metadata.rare === true)).toBe(true);
      expect(await exact.records.query({ ...big, vector, limit: 10, filter: { key: "few", op: "==", value: true } })).toHaveLength(3);
      expect(await exact.records.query({ ...big, vector, limit: 10 })).toHaveLength(10);
    }
  });

  it("finds the same nearest records on both paths, and hybrid and lexical work on the index path", async () => {
    const vector = randomVector();
    const [fromIndex, fromScan] = await Promise.all([viaIndex.records.query({ ...u0, vector, limit: 10 }), exact.records.query({ ...u0, vector, limit: 10 })]);
    const overlap = fromIndex.filter((hit) => fromScan.some((other) => other.record.id === hit.record.id)).length;
    expect(overlap).toBeGreaterThanOrEqual(8);
    const lexical = await viaIndex.records.query({ ...u0, text: "topic 3", limit: 200, filter: { key: "even", op: "==", value: true } });
    const expected = await exact.records.query({ ...u0, text: "topic 3", limit: 200, filter: { key: "even", op: "==", value: true } });
    expect(lexical.map((hit) => hit.record.id)).toEqual(expected.map((hit) => hit.record.id));
    expect(lexical.length).toBe(100);
    // Only r42 has the word 42: its lexical rank 1 outweighs any vector rank (weights 1 and 0.6).
    const hybrid = await viaIndex.records.query({ ...u0, text: "42", vector, limit: 5 });
    expect(hybrid[0]?.record.id).toBe("r42");
  });

  it("reads and writes a user's records through indexes only", async () => {
    const parts = (exactBelow: number) => ({
      store: new PostgresStore(recording(driver, statements), { schema }),
      prepare: { counter: createTiktokenCounter("o200k_base"), chunkTokens: 512, limits: defaultMessageLimits },
      search: {
        fusion: { lexicalWeight: 1, vectorWeight: 0.6, k: 5 },
        candidateFactor: 5,
        exactBelow,
        stopWords: [],
        bm25: { k1: 1.2, b: 0.3 },
        neighbourShare: 0,
      },
      summarizer: createExtractiveSummarizer(),
    });
    for (const memory of [new Memory(parts(0)), new Memory(parts(20_000))]) {
      const u7 = { userId: "u7", collection: "c", vectorModel: model };
      await memory.records.query({ ...u7, vector: randomVector(), text: "topic 2", limit: 10, filter: { key: "group", op: "<", value: 3 } });
      await memory.records.query({ ...u7, vector: randomVector(), limit: 5, mmr: { lambda: 0.5 }, includeVectors: true });
      await memory.records.get({ ...u7, id: "r5", includeVectors: true });
      await memory.records.list({ ...u7, scopePrefix: "/crew/agent2", limit: 20 });
      await memory.records.count({ ...u7, scopePrefix: "/crew" });
      await memory.records.scopes({ ...u7, parent: "/crew" });
      await memory.records.categories({ ...u7 });
      await memory.records.touch({ ...u7, ids: ["r1", "r2"] });
      await memory.records.upsert({
        ...u7,
        records: [
          { id: "r3", content: "rewritten", vector: randomVector() },
          { id: "new", content: "new" },
        ],
      });
    }
    const u8 = { userId: "u8", collection: "c" };
    const memory = new Memory(parts(20_000));
    expect(await memory.records.delete({ ...u8, sourceIds: ["doc3"] })).toBe(20);
    expect(await memory.records.delete({ ...u8, olderThan: new Date(Date.now() - 190 * 60_000) })).toBeGreaterThan(0);
    expect(await memory.records.reset({ ...u8, scopePrefix: "/crew/agent4" })).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const statement of statements.filter((candidate) => /records/.test(candidate.sql) && /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)/.test(candidate.sql))) {
      const { rows } = await driver.query<{ "QUERY PLAN": [{ Plan: Parameters<typeof seqScans>[0] }] }>(
        `EXPLAIN (FORMAT JSON) ${statement.sql}`,
        statement.params,
      );
      const scans = seqScans(rows[0]!["QUERY PLAN"][0].Plan).filter((name) => name === "records" || name === "record_embeddings");
      if (scans.length > 0) offenders.push(`${scans.join(",")}: ${statement.sql.replace(/\s+/g, " ").slice(0, 200)}`);
    }
    expect(offenders).toEqual([]);

    expect(statements.length).toBeGreaterThan(25);
  });

  it("detects a sequential scan when there is one (the check above can fail)", async () => {
    const { rows } = await driver.query<{ "QUERY PLAN": [{ Plan: Parameters<typeof seqScans>[0] }] }>(
      `EXPLAIN (FORMAT JSON) SELECT count(*) FROM "${schema}".records WHERE content = $1`,
      ["x"],
    );
    expect(seqScans(rows[0]!["QUERY PLAN"][0].Plan)).toContain("records");
  });
});
