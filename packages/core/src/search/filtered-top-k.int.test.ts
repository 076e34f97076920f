import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDriver } from "../driver/open-driver.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { PostgresStore } from "../store/postgres-store.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

const server = testEngines().find((engine) => engine.name === "postgres");

// LangChain's PGVectorStore returned 0 of 10 results in the median query of this setup: the HNSW
// index scan stops at ef_search candidates before the user filter. Mnemo must return min(k, matches).
describe.skipIf(!server?.available)("filtered top-k at 200,000 vectors for a user owning 0.1% (PostgreSQL server)", () => {
  let opened: OpenTestEngine;
  let viaIndex: Memory;
  let exact: Memory;
  const embedder = createHashingEmbedder(32, "test:topk:32");

  beforeAll(async () => {
    opened = await (server as NonNullable<typeof server>).open();
    const schema = opened.newSchema();
    const driver = await openDriver(opened.database);
    const store = new PostgresStore(driver, { schema });
    await store.migrate();
    const s = store.s;
    // 1,000 users × 200 pieces; user u0 owns 200 of 200,000 rows. Its even turns are assistant turns.
    await driver.script(`
      INSERT INTO ${s}.embedding_models (name, dimensions) VALUES ('test:topk:32', 32);
      INSERT INTO ${s}.conversations (user_id, conversation_id, last_seq, message_count, piece_count, piece_tokens)
        SELECT 'u' || u, 'c', 200, 200, 200, 2000 FROM generate_series(0, 999) u;
      INSERT INTO ${s}.conversation_log (user_id, conversation_id, seq, chunk_index, chunk_count, response_id, role, content,
          token_count, message_token_count, tokenizer, content_sha256)
        SELECT 'u' || u, 'c', q, 0, 1, 'm' || q, CASE WHEN q % 2 = 0 THEN 'assistant' ELSE 'user' END, 'piece ' || q, 10, 10, 'o200k_base', sha256(q::text::bytea)
        FROM generate_series(0, 999) u, generate_series(1, 200) q;
      INSERT INTO ${s}.log_embeddings (user_id, conversation_id, seq, chunk_index, model_id, embedding)
        SELECT 'u' || u, 'c', q, 0, 1, v.embedding
        FROM generate_series(0, 999) u, generate_series(1, 200) q,
          -- Correlated (u, q in WHERE), so every row gets its own random vector.
          LATERAL (SELECT array_agg(random() - 0.5)::vector AS embedding FROM generate_series(1, 32) WHERE u >= 0 AND q >= 0) v;
      ANALYZE ${s}.log_embeddings; ANALYZE ${s}.conversation_log; ANALYZE ${s}.conversations;`);
    await driver.close();
    // The HNSW index is built here, when the model is registered.
    viaIndex = await createMemory({ database: opened.database, schema, embedder, scanOwnRowsBelow: 0 });
    exact = await createMemory({ database: opened.database, schema, embedder });
  }, 300_000);
  afterAll(async () => {
    await viaIndex?.close();
    await exact?.close();
    await opened?.close();
  });

  it("returns all k results for the small user on the HNSW path and the exact path, with and without filters", async () => {
    for (const memory of [viaIndex, exact]) {
      for (let query = 0; query < 20; query++) {
        const text = `query ${query} about something`;
        expect(await memory.search({ userId: "u0", query: text, mode: "vector", limit: 10 })).toHaveLength(10);
        const assistants = await memory.search({ userId: "u0", query: text, mode: "vector", limit: 10, roles: ["assistant"] });
        expect(assistants).toHaveLength(10);
        expect(assistants.every((result) => result.role === "assistant")).toBe(true);
        const narrow = await memory.search({ userId: "u0", query: text, mode: "vector", limit: 10, metadata: {}, conversationIds: ["c"], after: new Date(0) });
        expect(narrow).toHaveLength(10);
      }
    }
  });

  it("returns every match when fewer than k match", async () => {
    const results = await viaIndex.search({ userId: "u0", query: "x", mode: "vector", limit: 500 });
    expect(results).toHaveLength(200);
    expect(new Set(results.map((result) => result.seq)).size).toBe(200);
  });

  it("finds the same nearest pieces on both paths", async () => {
    const [fromIndex, fromScan] = await Promise.all([
      viaIndex.search({ userId: "u0", query: "nearest neighbours", mode: "vector", limit: 10 }),
      exact.search({ userId: "u0", query: "nearest neighbours", mode: "vector", limit: 10 }),
    ]);
    const overlap = fromIndex.filter((result) => fromScan.some((other) => other.seq === result.seq)).length;
    expect(overlap).toBeGreaterThanOrEqual(8);
  });
});
