// Benchmark: per-user top-10 search at 1,000,000 pieces over 10,000 users. Mnemo (hybrid; vector on its
// exact path and on its HNSW path) vs LangChain's PGVectorStore with a user filter, on the same server,
// same texts and vectors, same run, the systems alternating. Query embedding is excluded from search
// times (the benchmark's embedder hands back precomputed vectors) and measured on its own with the
// shared Universal Sentence Encoder Lite.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/search-speed.mjs [--small] [--reuse] [--only=mnemoHybrid,…]
//
// Writes bench/results/search-speed[-small].json and prints Markdown for bench/RESULTS.md. The data is
// left in schemas bench_search, bench_search_langchain and bench_search_data; --reuse measures again on
// it when it was generated with the same configuration (loading and index builds are most of a full run).
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { PGVectorStore } from "@langchain/community/vectorstores/pgvector";
import { PGVectorStore as LlamaVectorStore } from "@llamaindex/postgres";
import { createHuggingFaceEmbedder, createMemory } from "@mnemo/core";
import pg from "pg";
import { createBuildingBlocks, pieceKeysSql, pieceTextJoinsSql, pieceVectorSql, queryVectors, queryWords } from "./lib/search-corpus.mjs";
import { packageVersion as version } from "./lib/versions.mjs";
import { percentile, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const reuse = process.argv.includes("--reuse");
const url = process.env.DATABASE_URL;
if (!url) throw new Error("Set DATABASE_URL to a PostgreSQL server with pgvector (see scripts/setup-postgres.sh).");
const corpus = small
  ? { users: 200, conversationsPerUser: 1, piecesPerConversation: 100, dimensions: 512, bases: 2_000, fragments: 5_000 }
  : { users: 10_000, conversationsPerUser: 1, piecesPerConversation: 100, dimensions: 512, bases: 2_000, fragments: 50_000 };
const config = { ...corpus, limit: 10, ...(small ? { samples: 100, warmup: 20, embedQuestions: 20 } : { samples: 1_000, warmup: 100, embedQuestions: 200 }) };
const totalPieces = corpus.users * corpus.conversationsPerUser * corpus.piecesPerConversation;
const schemas = { mnemo: "bench_search", langchain: "bench_search_langchain", llamaindex: "bench_search_llamaindex", data: "bench_search_data" };
// LlamaIndex's PGVectorStore creates no vector index (only B-trees on external_id and collection), so every
// filtered query reads the table: it answers one query in LlamaIndex's turn of every `llamaEvery`.
const llamaEvery = small ? 1 : 10;
const noEmbedModel = { getTextEmbeddingsBatch: async () => [], getQueryEmbedding: async () => null };
const langchainTable = { schemaName: schemas.langchain, tableName: "documents", dimensions: corpus.dimensions, distanceStrategy: "cosine" };
const embedderId = `bench:random:${corpus.dimensions}`;
const fingerprint = JSON.stringify({ generator: 1, ...corpus });
// Both HNSW indexes are built at the same time, one core each, with room for the whole graph in memory;
// a build whose client went away stops within a second instead of running on.
const buildOptions = "-c maintenance_work_mem=4GB -c max_parallel_maintenance_workers=0 -c client_connection_check_interval=1000";
const pool = new pg.Pool({ connectionString: url, max: 4 });
const seconds = (since) => Math.round((performance.now() - since) / 100) / 10;
// The benchmark passes vectors itself; LangChain's store never embeds here.
const noEmbeddings = { embedDocuments: async () => [], embedQuery: async () => [] };

// Mnemo's embedder for the benchmark: query vectors are made before timing, so embedding costs nothing.
const vectorOfText = new Map();
const embedder = {
  id: embedderId,
  dimensions: corpus.dimensions,
  embedDocuments: async () => {
    throw new Error("The search benchmark stores its vectors in SQL; nothing is embedded at ingest.");
  },
  embedQuery: async (text) => vectorOfText.get(text),
};

console.log(`search: ${totalPieces.toLocaleString()} pieces over ${corpus.users.toLocaleString()} users, ${corpus.dimensions}-d vectors`);
const stored = reuse
  ? (await pool.query("SELECT obj_description($1::regnamespace, 'pg_namespace') AS note", [schemas.data]).catch(() => ({ rows: [] }))).rows[0]?.note
  : undefined;
const generation = stored === fingerprint ? { reused: true } : await generate();
if (generation.reused) console.log("reusing the data of an earlier run with the same configuration");

// Queries: a random user, a few content words for the lexical leg, and a vector about one of the
// user's own topics (the main base of one of their pieces, plus two random bases), made before timing.
const random = seededRandom(42);
const pick = (count) => Math.floor(random() * count);
const texts = new Set();
const queries = Array.from({ length: config.warmup + config.samples }, () => {
  const [user, conversation, turn] = [pick(corpus.users), pick(corpus.conversationsPerUser), pick(corpus.piecesPerConversation)];
  let text;
  do {
    text = Array.from({ length: 3 + pick(3) }, () => queryWords[pick(queryWords.length)]).join(" ");
  } while (texts.has(text));
  texts.add(text);
  const piece = (user * corpus.conversationsPerUser + conversation) * corpus.piecesPerConversation + turn;
  return { userId: `u${user + 1}`, text, piece, others: [pick(corpus.bases), pick(corpus.bases)] };
});
const vectors = await queryVectors(
  pool,
  schemas.data,
  corpus,
  queries.map((query) => query.piece),
  queries.map((query) => query.others),
);
for (const [index, query] of queries.entries()) {
  query.vector = vectors[index];
  vectorOfText.set(query.text, query.vector);
}

const exactMemory = await createMemory({ database: url, schema: schemas.mnemo, embedder });
const indexMemory = await createMemory({ database: url, schema: schemas.mnemo, embedder, scanOwnRowsBelow: 0 });
const langchainPool = new pg.Pool({ connectionString: url, max: 10 });
let lastLangChainQuery;
const recordingPool = {
  query: (text, values) => {
    lastLangChainQuery = { text, values };
    return langchainPool.query(text, values);
  },
  connect: () => langchainPool.connect(),
  end: () => langchainPool.end(),
};
const langchain = await PGVectorStore.initialize(noEmbeddings, { pool: recordingPool, ...langchainTable });
const llamaPool = new pg.Pool({ connectionString: url, max: 4 });
const llamaindex = new LlamaVectorStore({ client: llamaPool, schemaName: schemas.llamaindex, dimensions: corpus.dimensions, embedModel: noEmbedModel });

const search = (memory, mode) => async (query) => (await memory.search({ userId: query.userId, query: query.text, limit: config.limit, mode })).length;
const systems = {
  mnemoHybrid: search(exactMemory, "hybrid"),
  mnemoVector: search(exactMemory, "vector"),
  mnemoVectorHnsw: search(indexMemory, "vector"),
  langchain: async (query) => (await langchain.similaritySearchVectorWithScore(query.vector, config.limit, { user_id: query.userId })).length,
  llamaindex: async (query) =>
    (
      await llamaindex.query({
        queryEmbedding: query.vector,
        similarityTopK: config.limit,
        mode: "default",
        filters: { filters: [{ key: "user_id", value: query.userId, operator: "==" }] },
      })
    ).nodes.length,
};
// --only=mnemoHybrid,langchain measures some systems (with --reuse, to compare a change quickly).
const only = process.argv
  .find((argument) => argument.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const names = Object.keys(systems).filter((name) => !only || only.includes(name));
const measured = Object.fromEntries(names.map((name) => [name, { ms: [], counts: [] }]));
const scansBefore = await hnswScans();
let started = performance.now();
for (const [index, query] of queries.entries()) {
  const order = [...names.slice(index % names.length), ...names.slice(0, index % names.length)];
  for (const name of order) {
    if (name === "llamaindex" && index % llamaEvery !== 0) continue;
    const start = performance.now();
    const count = await systems[name](query);
    const elapsed = performance.now() - start;
    if (index >= config.warmup) {
      measured[name].ms.push(elapsed);
      measured[name].counts.push(count);
    }
  }
}
const searchSeconds = seconds(started);
await sleep(11_000); // PostgreSQL flushes an idle backend's statistics within 10 s
const scansAfter = await hnswScans();
const searchResult = Object.fromEntries(
  names.map((name) => {
    const { ms, counts } = measured[name];
    return [
      name,
      {
        p50: percentile(ms, 50),
        p95: percentile(ms, 95),
        p99: percentile(ms, 99),
        allResults: counts.filter((count) => count === config.limit).length / counts.length,
        noResults: counts.filter((count) => count === 0).length / counts.length,
        medianCount: percentile(counts, 50),
        meanCount: counts.reduce((sum, count) => sum + count, 0) / counts.length,
      },
    ];
  }),
);
// How each HNSW index was used, per query (warm-up included): scans and index tuples read.
const hnswUse = Object.fromEntries(
  Object.keys(scansAfter).map((name) => [
    name,
    {
      scansPerQuery: (scansAfter[name].scans - (scansBefore[name]?.scans ?? 0)) / queries.length,
      tuplesPerQuery: (scansAfter[name].tuples - (scansBefore[name]?.tuples ?? 0)) / queries.length,
    },
  ]),
);
const langchainPlan = names.includes("langchain")
  ? describePlan((await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${lastLangChainQuery.text}`, lastLangChainQuery.values)).rows[0]["QUERY PLAN"][0].Plan)
  : undefined;
await Promise.all([exactMemory.close(), indexMemory.close(), langchain.end(), llamaPool.end()]);

started = performance.now();
const queryEmbedding = await measureQueryEmbedding();
const sizes = (
  await pool.query(
    `SELECT c.oid::regclass::text AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
     WHERE c.oid = ANY($1::regclass[]) OR (c.relnamespace = ANY($2::regnamespace[]) AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'hnsw'))`,
    [
      [
        `${schemas.mnemo}.conversation_log`,
        `${schemas.mnemo}.log_embeddings`,
        `${schemas.langchain}.${langchainTable.tableName}`,
        `${schemas.llamaindex}.llamaindex_embedding`,
      ],
      [schemas.mnemo, schemas.langchain],
    ],
  )
).rows.map((row) => ({ name: row.name, megabytes: Math.round(Number(row.bytes) / 2 ** 20) }));

const result = {
  date: new Date().toISOString(),
  mode: small ? "small" : "full",
  config,
  machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
  versions: {
    "@langchain/community": version("@langchain/community"),
    "@langchain/core": version("@langchain/core"),
    "@llamaindex/postgres": `${version("@llamaindex/postgres")} (deprecated on npm: "no longer maintained")`,
    pg: version("pg"),
    postgres: (await pool.query("SHOW server_version")).rows[0].server_version,
    pgvector: (await pool.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).rows[0].extversion,
  },
  generation,
  searchSeconds,
  search: searchResult,
  hnswUse,
  langchainPlan,
  queryEmbedding,
  sizes,
};
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL(`./results/search-speed${small ? "-small" : ""}${only ? "-only" : ""}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await pool.end();
printMarkdown(result);

/** Loads both systems' tables in SQL, side by side, then builds each one's HNSW index the documented way. */
async function generate() {
  const total = performance.now();
  const steps = {};
  const step = async (name, work) => {
    const start = performance.now();
    const value = await work();
    steps[name] = seconds(start);
    console.log(`  ${name}: ${steps[name]} s`);
    return value;
  };
  await pool.query(
    `DROP SCHEMA IF EXISTS ${schemas.mnemo} CASCADE; DROP SCHEMA IF EXISTS ${schemas.langchain} CASCADE; DROP SCHEMA IF EXISTS ${schemas.data} CASCADE;
     DROP SCHEMA IF EXISTS ${schemas.llamaindex} CASCADE; CREATE SCHEMA ${schemas.langchain}; CREATE SCHEMA ${schemas.data}`,
  );
  // Each system creates its own tables, as a user's first start would.
  await (await createMemory({ database: url, schema: schemas.mnemo })).close();
  const modelId = (
    await pool.query(`INSERT INTO ${schemas.mnemo}.embedding_models (name, dimensions) VALUES ($1, $2) RETURNING model_id`, [embedderId, corpus.dimensions])
  ).rows[0].model_id;
  const langchainBuildPool = new pg.Pool({ connectionString: url, max: 2, options: buildOptions });
  const langchainBuilder = await PGVectorStore.initialize(noEmbeddings, { pool: langchainBuildPool, ...langchainTable });
  await step("bases and fragments", () => withSession((client) => createBuildingBlocks(client, schemas.data, corpus)));

  const progress = setInterval(reportIndexProgress, small ? 5_000 : 60_000);
  const s = schemas.mnemo;
  const keys = pieceKeysSql(corpus);
  const mnemo = withSession(async (client) => {
    // Secondary indexes are dropped for the load and rebuilt from their own definitions afterwards.
    const { rows: secondary } = await client.query(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
       WHERE i.indrelid = ANY($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
      [[`${s}.conversation_log`, `${s}.log_embeddings`]],
    );
    for (const index of secondary) await client.query(`DROP INDEX ${index.name}`);
    await step("Mnemo pieces", () =>
      client.query(`INSERT INTO ${s}.conversation_log (user_id, conversation_id, seq, chunk_index, chunk_count, response_id, role, content,
          token_count, message_token_count, tokenizer, content_sha256, created_at, search_vector)
        SELECT 'u' || u, 'c' || c, q, 0, 1, 'm' || q, CASE WHEN q % 2 = 1 THEN 'user' ELSE 'assistant' END, content, words, words, 'o200k_base',
          sha256(convert_to(content, 'UTF8')), now() - ((c - 1) * 1440 + ${corpus.piecesPerConversation} - q) * interval '1 minute', tsv
        FROM ${keys}
          ${pieceTextJoinsSql(schemas.data, corpus)},
          LATERAL (SELECT f1.t || ' ' || f2.t || ' ' || f3.t, f1.w + f2.w + f3.w, f1.v || f2.v || f3.v) piece_text(content, words, tsv)`),
    );
    await step("Mnemo vectors", () =>
      client.query(`INSERT INTO ${s}.log_embeddings (user_id, conversation_id, seq, chunk_index, model_id, embedding)
        SELECT 'u' || u, 'c' || c, q, 0, ${modelId}, ${pieceVectorSql(schemas.data, corpus)} FROM ${keys}`),
    );
    await step("Mnemo users, conversations, indexes", async () => {
      await client.query(`INSERT INTO ${s}.users (user_id) SELECT DISTINCT user_id FROM ${s}.conversation_log;
        INSERT INTO ${s}.conversations (user_id, conversation_id, last_seq, message_count, token_count, piece_count, piece_tokens, created_at, updated_at)
          SELECT user_id, conversation_id, max(seq), count(*), sum(message_token_count), count(*), sum(token_count), min(created_at), max(created_at)
          FROM ${s}.conversation_log GROUP BY user_id, conversation_id`);
      for (const index of secondary) await client.query(index.definition);
    });
    await step("Mnemo VACUUM ANALYZE", async () => {
      for (const table of ["conversation_log", "log_embeddings", "conversations", "users"]) await client.query(`VACUUM ANALYZE ${s}.${table}`);
    });
    // createMemory registers the embedder and builds its partial HNSW index, exactly as a user's would.
    const buildPool = new pg.Pool({ connectionString: url, max: 2, options: buildOptions });
    await step("Mnemo HNSW index (createMemory)", async () => (await createMemory({ database: buildPool, schema: s, embedder })).close());
    await buildPool.end();
  });
  const langchainLoad = withSession(async (client) => {
    const table = `${schemas.langchain}.${langchainTable.tableName}`;
    await step("LangChain rows", () =>
      client.query(`INSERT INTO ${table} (text, metadata, embedding)
        SELECT f1.t || ' ' || f2.t || ' ' || f3.t, jsonb_build_object('user_id', 'u' || u), ${pieceVectorSql(schemas.data, corpus)}
        FROM ${keys}
          ${pieceTextJoinsSql(schemas.data, corpus)}`),
    );
    await step("LangChain VACUUM ANALYZE", () => client.query(`VACUUM ANALYZE ${table}`));
    // LlamaIndex creates its own table (and its B-tree indexes) on first use; same texts, user ids and vectors.
    const llamaSetupPool = new pg.Pool({ connectionString: url, max: 1 });
    await new LlamaVectorStore({ client: llamaSetupPool, schemaName: schemas.llamaindex, dimensions: corpus.dimensions, embedModel: noEmbedModel }).client();
    await llamaSetupPool.end();
    await step("LlamaIndex rows", () =>
      client.query(`INSERT INTO ${schemas.llamaindex}.llamaindex_embedding (external_id, collection, document, metadata, embeddings)
        SELECT '', 'data', text, metadata, embedding FROM ${table}`),
    );
    await step("LlamaIndex VACUUM ANALYZE", () => client.query(`VACUUM ANALYZE ${schemas.llamaindex}.llamaindex_embedding`));
    await step("LangChain HNSW index (createHnswIndex)", () => langchainBuilder.createHnswIndex({ dimensions: corpus.dimensions }));
    await langchainBuilder.end();
  });
  await Promise.all([mnemo, langchainLoad]).finally(() => clearInterval(progress));
  const hnsw = await hnswScans();
  if (Object.keys(hnsw).length !== 2) throw new Error(`Expected one HNSW index per system, found ${JSON.stringify(Object.keys(hnsw))}`);
  await checkSameData();
  await pool.query(`COMMENT ON SCHEMA ${schemas.data} IS '${fingerprint}'`);
  return { seconds: seconds(total), steps, method: "SQL; hashed Zipf-like words in 3 of the fragments, vectors normalise(A + B/2 + C/4) of hashed bases" };
}

/** Runs work on one connection with room for sorts and hashes (and no wait for the WAL flush at commit). */
async function withSession(work) {
  const client = await pool.connect();
  try {
    await client.query("SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET synchronous_commit = off");
    return await work(client);
  } finally {
    client.release();
  }
}

async function reportIndexProgress() {
  const { rows } = await pool
    .query(
      `SELECT relid::regclass::text AS name, phase, tuples_done, tuples_total FROM pg_stat_progress_create_index
       WHERE relid IN (SELECT oid FROM pg_class WHERE relnamespace = ANY($1::regnamespace[]))`,
      [[schemas.mnemo, schemas.langchain]],
    )
    .catch(() => ({ rows: [] }));
  for (const row of rows) console.log(`    building on ${row.name}: ${row.phase}, ${row.tuples_done} of ${row.tuples_total} tuples`);
}

/** Both systems hold the same texts and vectors (checked for one user), and tsvectors match the texts. */
async function checkSameData() {
  const user = `u${Math.ceil(corpus.users / 2)}`;
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM ${schemas.langchain}.${langchainTable.tableName} d
             JOIN ${schemas.mnemo}.conversation_log l ON l.user_id = $1 AND l.content = d.text
             JOIN ${schemas.mnemo}.log_embeddings e USING (user_id, conversation_id, seq, chunk_index)
             WHERE d.metadata->>'user_id' = $1 AND e.embedding = d.embedding) AS same,
            (SELECT count(*) FROM ${schemas.mnemo}.conversation_log WHERE user_id = $1 AND search_vector <> to_tsvector('simple', content)) AS different`,
    [user],
  );
  const expected = corpus.conversationsPerUser * corpus.piecesPerConversation;
  if (Number(rows[0].same) !== expected || Number(rows[0].different) !== 0) {
    throw new Error(`Generated data differs between systems for ${user}: ${JSON.stringify(rows[0])}, expected ${expected} same`);
  }
}

/** Scans and tuples read so far, per HNSW index in the benchmark's schemas. */
async function hnswScans() {
  const { rows } = await pool.query(
    `SELECT s.indexrelid::regclass::text AS name, s.idx_scan AS scans, s.idx_tup_read AS tuples FROM pg_stat_user_indexes s
     JOIN pg_class c ON c.oid = s.indexrelid WHERE s.schemaname = ANY($1) AND c.relam = (SELECT oid FROM pg_am WHERE amname = 'hnsw')`,
    [[schemas.mnemo, schemas.langchain]],
  );
  return Object.fromEntries(rows.map((row) => [row.name, { scans: Number(row.scans), tuples: Number(row.tuples) }]));
}

/** "Limit (rows 0) → Index Scan using … (rows 0, 40 removed by filter)" */
function describePlan(node) {
  const index = node["Index Name"] ? ` using ${node["Index Name"]}` : "";
  const removed = node["Rows Removed by Filter"] ? `, ${node["Rows Removed by Filter"]} removed by filter` : "";
  const own = `${node["Node Type"]}${index} (rows ${node["Actual Rows"]}${removed})`;
  return [own, ...(node.Plans ?? []).map(describePlan)].join(" → ");
}

/** The real model's query embedding, on its own: LoCoMo questions through the shared USE-lite (fp32). */
async function measureQueryEmbedding() {
  const model = fileURLToPath(new URL("../../shared/models/universal-sentence-encoder-lite-onnx", import.meta.url));
  const data = fileURLToPath(new URL("../../shared/data/locomo-dev.json", import.meta.url));
  if (!existsSync(model) || !existsSync(data)) {
    if (!small || process.env.CI === "true") throw new Error(`Query embedding needs ${model} and ${data}.`);
    console.log(`notice: ${model} or ${data} not found; query embedding not measured`);
    return { skipped: "model or questions not found" };
  }
  const embedder = await createHuggingFaceEmbedder({ model, dtype: "fp32" });
  const warmup = 20;
  const questions = JSON.parse(await readFile(data, "utf8"))
    .flatMap((sample) => sample.qa.map((qa) => qa.question))
    .slice(0, warmup + config.embedQuestions);
  const ms = [];
  for (const [index, question] of questions.entries()) {
    const start = performance.now();
    await embedder.embedQuery(question);
    if (index >= warmup) ms.push(performance.now() - start);
  }
  return { model: "universal-sentence-encoder-lite-onnx (fp32)", questions: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

function printMarkdown({ search: rows, queryEmbedding, generation: made, hnswUse: use, langchainPlan: plan }) {
  const ms = (value) => `${value.toFixed(2)} ms`;
  const percent = (value) => `${(value * 100).toFixed(1)} %`;
  const labels = {
    mnemoHybrid: "Mnemo `search` hybrid (BM25 + exact vector scan of the user's pieces)",
    mnemoVector: "Mnemo `search` vector, exact path (default for users ≤ 20,000 pieces)",
    mnemoVectorHnsw: "Mnemo `search` vector, HNSW path (`scanOwnRowsBelow: 0`)",
    langchain: "LangChain `PGVectorStore` + HNSW, filter `{ user_id }`",
    llamaindex: `LlamaIndex \`PGVectorStore\` (no vector index), metadata filter \`user_id ==\`${llamaEvery > 1 ? ` (1 query in ${llamaEvery})` : ""}`,
  };
  const table = Object.entries(labels)
    .filter(([name]) => rows[name])
    .map(([name, label]) => {
      const row = rows[name];
      return `| ${label} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${percent(row.allResults)} | ${row.medianCount} |`;
    });
  const embedding = queryEmbedding.skipped ? `not measured (${queryEmbedding.skipped})` : `${ms(queryEmbedding.p50)} p50, ${ms(queryEmbedding.p95)} p95`;
  const steps = made.reused ? "" : Object.entries(made.steps).map(([step, value]) => `${step} ${value} s`);
  const data = made.reused ? "reused from an earlier run" : `generated and indexed in ${made.seconds} s (${steps.join("; ")})`;
  const scans = Object.entries(use).map(([name, value]) => `${name} ${value.scansPerQuery.toFixed(2)} scans, ${value.tuplesPerQuery.toFixed(1)} tuples`);
  console.log(`
| Top-${config.limit} for a random user (${totalPieces.toLocaleString()} pieces, ${corpus.users.toLocaleString()} users), query embedding excluded | p50 | p95 | p99 | all ${config.limit} returned | median returned |
| --- | ---: | ---: | ---: | ---: | ---: |
${table.join("\n")}

Query embedding alone (${queryEmbedding.model ?? "USE-lite"}, ${queryEmbedding.questions ?? 0} LoCoMo questions): ${embedding}.
Data: ${data}.
HNSW use per query (warm-up included): ${scans.join("; ")}.
LangChain's plan (last query, EXPLAIN ANALYZE): ${plan}.
`);
}
