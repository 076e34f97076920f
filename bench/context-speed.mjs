// Benchmark: buildContext latency on the PostgreSQL server. Query embedding is excluded (the embedder
// hands back vectors made before timing); everything else a real call does is timed: settings, the
// conversation's state, model memory, hybrid retrieval over the user's pieces, and exact token packing.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/context-speed.mjs [--small]
//
// On the search-speed corpus (1,000,000 messages over 10,000 users; run bench/search-speed.mjs first).
// The embedded engine is measured by bench/pglite-speed.mjs. Two budgets (bench/lib/measure-context.mjs):
// 16,384 tokens (all 100 turns fit, no summary needed) and 4,096 tokens with summarising off (the packer
// drops older turns; no writes, so the corpus stays as search-speed left it).
// Writes bench/results/context-speed-postgres[-small].json and prints a Markdown table.
import { mkdir, writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { createMemory } from "@mnemo/core";
import pg from "pg";
import { contextTable, measureContext } from "./lib/measure-context.mjs";
import { randomUnitVector, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const samples = small ? 100 : 1_000;
const warmup = small ? 20 : 100;
const rounds = small ? 1 : 3;
const dimensions = 512;
const random = seededRandom(7);

const vectorFor = (seed) => randomUnitVector(seed, dimensions);
const queryVectors = new Map();
const embedder = {
  id: `bench:random:${dimensions}`,
  dimensions,
  embedDocuments: async (texts) => texts.map((_, index) => vectorFor(index + 1)),
  embedQuery: async (text) => {
    const vector = queryVectors.get(text);
    if (!vector) throw new Error("query vectors are made before timing");
    return vector;
  },
};

const url = process.env.DATABASE_URL;
if (!url) throw new Error("Set DATABASE_URL to the PostgreSQL server (the embedded engine: bench/pglite-speed.mjs).");
const setupStart = performance.now();
const pool = new pg.Pool({ connectionString: url, max: 1 });
const note = (await pool.query("SELECT obj_description('bench_search_data'::regnamespace, 'pg_namespace') AS note").catch(() => ({ rows: [] }))).rows[0]?.note;
await pool.end();
if (!note) throw new Error("No search corpus: run bench/search-speed.mjs (with the same --small) first.");
const users = JSON.parse(note).users;
const memory = await createMemory({ database: url, schema: "bench_search", embedder, maxConnections: 4 });
const setupSeconds = Math.round((performance.now() - setupStart) / 100) / 10;
await memory.settings.set({ key: "system_prompt", value: "You are a helpful assistant with a long memory. Answer briefly." });

// Samples: random users; their newest user turn is the query, embedded (here: made up) before timing.
const picks = await Promise.all(
  Array.from({ length: warmup + samples }, async () => {
    const userId = `u${1 + Math.floor(random() * users)}`;
    const turns = await memory.history({ userId, conversationId: "c1", last: 2 });
    const query = [...turns].reverse().find((turn) => turn.role === "user")?.content ?? turns.at(-1)?.content;
    queryVectors.set(query, vectorFor(queryVectors.size + 1000));
    return { userId, conversationId: "c1" };
  }),
);
const results = await measureContext(memory, picks, { warmup, rounds });
await memory.close();

const result = {
  date: new Date().toISOString(),
  engine: "postgres",
  mode: small ? "small" : "full",
  corpus: { users, messagesPerUser: 100, messages: users * 100 },
  samples,
  warmup,
  rounds,
  setupSeconds,
  results,
};
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL(`./results/context-speed-postgres${small ? "-small" : ""}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `\nbuildContext on postgres, ${result.corpus.messages.toLocaleString()} messages over ${users.toLocaleString()} users, ${samples} samples, median of ${rounds} round(s):\n`,
);
console.log(contextTable(results));
