// Mnemo under test: open a store on one engine, ingest LoCoMo through the public API, load the
// embedder. Everything is reached through `@mnemo/core`'s exports; what a build lacks is detected
// here (a namespace import, so a missing export is `undefined` instead of a link error).
import { performance } from "node:perf_hooks";
import * as core from "@mnemo/core";
import pg from "pg";
import { latency } from "./metrics.mjs";

/** The PostgreSQL schema the benchmark owns (dropped and recreated on every run). */
export const schema = "bench_locomo";

/**
 * The embedder for the vector and hybrid legs: `{ embedder }`, or `{ skipped }` when this build of
 * core has none. A build that has one but fails to load it throws: that is a failure, not a skip.
 */
export async function loadEmbedder(modelPath) {
  if (typeof core.createHuggingFaceEmbedder !== "function") return { skipped: "no embedder in this build" };
  try {
    return { embedder: await core.createHuggingFaceEmbedder({ model: modelPath, dtype: "fp32" }) };
  } catch (error) {
    throw new Error(`createHuggingFaceEmbedder could not load ${modelPath}`, { cause: error });
  }
}

/** Opens a fresh Mnemo store: in-memory PGlite, or the `bench_locomo` schema of `DATABASE_URL`, dropped first. */
export async function openMemory(engine, { embedder, searchLanguage, bm25, fusion } = {}) {
  let database = { dataDir: "memory://" };
  let serverVersion;
  if (engine === "postgres") {
    database = process.env.DATABASE_URL;
    if (!database) throw new Error("--engine postgres needs DATABASE_URL (a PostgreSQL server with pgvector).");
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      serverVersion = (await client.query("SHOW server_version")).rows[0].server_version;
    } finally {
      await client.end();
    }
  }
  const options = { database, schema, tokenizer: "o200k_base" };
  if (embedder) options.embedder = embedder;
  if (searchLanguage) options.searchLanguage = searchLanguage;
  if (bm25) options.bm25 = bm25;
  if (fusion) options.fusion = fusion;
  const memory = await core.createMemory(options);
  return { memory, serverVersion };
}

/** The messages of one session, as `appendMany` takes them. */
export function sessionMessages(sample, session) {
  return session.turns.map((turn) => ({
    userId: sample.sampleId,
    conversationId: session.conversationId,
    role: turn.role,
    name: turn.name,
    content: turn.content,
    createdAt: turn.createdAt,
    metadata: { dia_id: turn.id },
    dedupe: "id",
    id: turn.id,
  }));
}

/**
 * Ingests every sample, one `appendMany` per session in session order, and checks that each user
 * ends up with every turn. Returns the timing.
 */
export async function ingest(memory, samples) {
  const batchMs = [];
  let turns = 0;
  const started = performance.now();
  for (const sample of samples) {
    for (const session of sample.sessions) {
      const batchStarted = performance.now();
      await memory.appendMany(sessionMessages(sample, session));
      batchMs.push(performance.now() - batchStarted);
      turns += session.turns.length;
    }
  }
  const totalMs = performance.now() - started;
  for (const sample of samples) {
    const stats = await memory.stats({ userId: sample.sampleId });
    if (stats.messages !== sample.turns.length) throw new Error(`${sample.sampleId}: stored ${stats.messages} messages, expected ${sample.turns.length}`);
  }
  return { turns, batches: batchMs.length, seconds: totalMs / 1000, perTurnMs: totalMs / turns, batchMs: latency(batchMs) };
}
