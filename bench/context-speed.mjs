// Benchmark: buildContext latency. Query embedding is excluded (the embedder hands back vectors made
// before timing); everything else a real call does is timed: settings, the conversation's state, model
// memory, hybrid retrieval over the user's pieces, and exact token packing.
//
//   Server (1,000,000 messages over 10,000 users, the search-speed corpus; run bench/search-speed.mjs first):
//     DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/context-speed.mjs [--small]
//   Embedded PGlite (100,000 messages over 1,000 users, generated here):
//     node bench/context-speed.mjs --pglite [--small]
//
// Two budgets: 16,384 tokens (all 100 turns fit, no summary needed) and 4,096 tokens with summarising
// off (the packer drops older turns; no writes, so the corpus stays as search-speed left it).
// Writes bench/results/context-speed-<engine>[-small].json and prints a Markdown table.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createMemory } from "@mnemo/core";
import pg from "pg";
import { queryWords } from "./lib/search-corpus.mjs";
import { percentile, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const onPGlite = process.argv.includes("--pglite");
const engine = onPGlite ? "pglite" : "postgres";
const samples = small ? 100 : 1_000;
const warmup = small ? 20 : 100;
const dimensions = 512;
const random = seededRandom(7);

/** A deterministic unit vector per text: stands in for a real embedding, made before timing. */
function vectorFor(seed) {
  const next = seededRandom(seed);
  const vector = Array.from({ length: dimensions }, () => next() - 0.5);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}
const queryVectors = new Map();
const embedderId = `bench:random:${dimensions}`;
const embedder = {
  id: embedderId,
  dimensions,
  embedDocuments: async (texts) => texts.map((_, index) => vectorFor(index + 1)),
  embedQuery: async (text) => {
    const vector = queryVectors.get(text);
    if (!vector) throw new Error("query vectors are made before timing");
    return vector;
  },
};

let memory;
let users;
let cleanup = async () => {};
const setupStart = performance.now();
if (onPGlite) {
  // 1,000 users × 1 conversation × 100 messages (6–60 words of the search corpus' vocabulary).
  users = small ? 100 : 1_000;
  const dataDir = await mkdtemp(join(tmpdir(), "mnemo-context-"));
  cleanup = () => rm(dataDir, { recursive: true, force: true });
  memory = await createMemory({ database: { dataDir }, embedder });
  for (let user = 1; user <= users; user++) {
    await memory.appendMany(
      Array.from({ length: 100 }, (_, turn) => ({
        userId: `u${user}`,
        conversationId: "c1",
        role: turn % 2 === 0 ? "user" : "assistant",
        content: Array.from({ length: 6 + Math.floor(random() * 55) }, () => queryWords[Math.floor(random() * queryWords.length)]).join(" "),
        createdAt: new Date(Date.UTC(2025, 0, 1) + (user * 100 + turn) * 60_000),
      })),
    );
  }
} else {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("Set DATABASE_URL, or pass --pglite.");
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const note = (await pool.query("SELECT obj_description('bench_search_data'::regnamespace, 'pg_namespace') AS note").catch(() => ({ rows: [] }))).rows[0]
    ?.note;
  await pool.end();
  if (!note) throw new Error("No search corpus: run bench/search-speed.mjs (with the same --small) first.");
  users = JSON.parse(note).users;
  memory = await createMemory({ database: url, schema: "bench_search", embedder, maxConnections: 4 });
}
const setupSeconds = Math.round((performance.now() - setupStart) / 100) / 10;
await memory.settings.set({ key: "system_prompt", value: "You are a helpful assistant with a long memory. Answer briefly." });

// Samples: random users; their newest user turn is the query, embedded (here: made up) before timing.
const picks = await Promise.all(
  Array.from({ length: warmup + samples }, async () => {
    const userId = `u${1 + Math.floor(random() * users)}`;
    const turns = await memory.history({ userId, conversationId: "c1", last: 2 });
    const query = [...turns].reverse().find((turn) => turn.role === "user")?.content ?? turns.at(-1)?.content;
    queryVectors.set(query, vectorFor(queryVectors.size + 1000));
    return userId;
  }),
);

const budgets = [
  { name: "16k", options: { maxTokens: 16_384, reserve: 1_024 } },
  { name: "4k-no-summary", options: { maxTokens: 4_096, reserve: 512, summarize: false } },
];
const results = {};
for (const budget of budgets) {
  const ms = [];
  const report = { summaries: 0, recentTurns: [], retrieved: [], tokens: [] };
  for (const [index, userId] of picks.entries()) {
    const start = performance.now();
    const context = await memory.buildContext({ userId, conversationId: "c1", ...budget.options });
    const elapsed = performance.now() - start;
    if (index < warmup) continue;
    ms.push(elapsed);
    if (context.summary.status === "summarized") report.summaries += 1;
    report.recentTurns.push(context.sections.recent.included.length);
    report.retrieved.push(context.sections.retrieved.included.length);
    report.tokens.push(context.tokenCount);
  }
  results[budget.name] = {
    ...budget.options,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    summariesWritten: report.summaries,
    medianRecentTurns: percentile(report.recentTurns, 50),
    medianRetrievedPieces: percentile(report.retrieved, 50),
    medianTokens: percentile(report.tokens, 50),
  };
}
await memory.close();
await cleanup();

const result = {
  date: new Date().toISOString(),
  engine,
  mode: small ? "small" : "full",
  corpus: { users, messagesPerUser: 100, messages: users * 100 },
  samples,
  warmup,
  setupSeconds,
  rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  results,
};
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL(`./results/context-speed-${engine}${small ? "-small" : ""}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nbuildContext on ${engine}, ${result.corpus.messages.toLocaleString()} messages over ${users.toLocaleString()} users, ${samples} samples:\n`);
console.log("| budget | p50 ms | p95 ms | p99 ms | recent turns (median) | retrieved pieces (median) | tokens (median) |");
console.log("|---|---|---|---|---|---|---|");
for (const [name, row] of Object.entries(results)) {
  console.log(
    `| ${name} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.medianRecentTurns} | ${row.medianRetrievedPieces} | ${row.medianTokens} |`,
  );
}
