// Benchmark (issue 9, item 5): the embedded engine at 100,000 messages — ingest, start-up, history,
// search and buildContext on PGlite in a file-backed data directory, and the process's peak RSS.
//
//   node bench/pglite-speed.mjs [--small]          # no server needed
//
// Data: the server corpus' shape (context-speed, search-speed): users × one conversation of 100 turns of
// 6–60 words of bench/lib/search-corpus.mjs's vocabulary, written through `appendMany`, one call per
// conversation — that is the ingest measurement. Two corpora, each in a new data directory:
// - 100,000 messages (1,000 users) without vectors: lexical search, BM25 retrieval in contexts;
// - 5,000 messages (50 users) with 512-d vectors from a stand-in embedder (a hash of the text: model time
//   is not PGlite's; bench/ingest-speed.mjs measures the real model): hybrid and vector search. Every
//   vector also goes into the model's HNSW index, which in PGlite's WebAssembly build costs ~15 ms a
//   message: 100,000 messages with vectors would take about 25 minutes, too long for the suite.
// Then, on each: start-up (open the existing directory and answer a first history read; median of 3),
// history (last 50 of a random conversation), search (top 10 for a random user) and buildContext
// (bench/lib/measure-context.mjs), 1,000 calls each after 100 warm-up ones; and the peak RSS.
// Writes bench/results/pglite-speed[-small].json and prints Markdown.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createMemory } from "@mnemo/core";
import { contextTable, measureContext } from "./lib/measure-context.mjs";
import { queryWords } from "./lib/search-corpus.mjs";
import { median, percentile, randomUnitVector, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const config = small
  ? { users: 50, vectorUsers: 10, samples: 200, warmup: 20, rounds: 1 }
  : { users: 1_000, vectorUsers: 50, samples: 1_000, warmup: 100, rounds: 3 };
const dimensions = 512;
const random = seededRandom(11);

/** A deterministic unit vector for a text (a stand-in for an embedding model). */
const vectorFor = (text) => randomUnitVector(createHash("sha256").update(text).digest().readUInt32LE(0), dimensions);
const embedder = {
  id: `bench:hash:${dimensions}`,
  dimensions,
  embedDocuments: async (texts) => texts.map(vectorFor),
  embedQuery: async (text) => vectorFor(text),
};
const timed = async (work) => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};
const summary = (ms) => ({ p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99) });

/** Ingest, start-up, history, search and context on a new data directory of `users` × 100 turns. */
async function measureCorpus({ users, withVectors }) {
  const open = (dataDir) => createMemory({ database: { dataDir }, ...(withVectors ? { embedder } : {}) });
  const dataDir = await mkdtemp(join(tmpdir(), "mnemo-pglite-speed-"));
  try {
    // Ingest: the server corpus' shape (bench/lib/search-corpus.mjs), one appendMany per conversation.
    const messages = [];
    for (let user = 1; user <= users; user++) {
      for (let turn = 0; turn < 100; turn++) {
        messages.push({
          userId: `u${user}`,
          conversationId: "c1",
          role: turn % 2 === 0 ? "user" : "assistant",
          content: Array.from({ length: 6 + Math.floor(random() * 55) }, () => queryWords[Math.floor(random() * queryWords.length)]).join(" "),
          createdAt: new Date(Date.UTC(2025, 0, 1) + (user * 100 + turn) * 60_000),
        });
      }
    }
    let memory;
    const createMs = await timed(async () => {
      memory = await open(dataDir);
    });
    const ingestMs = await timed(async () => {
      for (let start = 0; start < messages.length; start += 100) await memory.appendMany(messages.slice(start, start + 100));
    });
    await memory.close();
    console.log(
      `pglite: ${messages.length.toLocaleString()} messages ${withVectors ? "with" : "without"} vectors ingested in ${(ingestMs / 1000).toFixed(1)} s`,
    );

    // Start-up of the existing directory, to a first answer.
    const conversations = Array.from({ length: users }, (_, index) => ({ userId: `u${index + 1}`, conversationId: "c1" }));
    const startupMs = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      startupMs.push(
        await timed(async () => {
          const reopened = await open(dataDir);
          await reopened.history({ ...conversations[attempt], last: 50 });
          await reopened.close();
        }),
      );
    }
    memory = await open(dataDir);

    // Picks, made before timing: a random conversation, and for search 3–5 words of one of its messages.
    const picks = Array.from({ length: config.warmup + config.samples }, () => conversations[Math.floor(random() * conversations.length)]);
    const queries = picks.map(({ userId }) => {
      const user = Number(userId.slice(1)) - 1;
      const words = messages[user * 100 + Math.floor(random() * 100)].content.match(/[a-z]{4,}/g) ?? ["memory"];
      return { userId, query: Array.from({ length: 3 + Math.floor(random() * 3) }, () => words[Math.floor(random() * words.length)]).join(" ") };
    });
    const measure = async (call) => {
      const ms = [];
      const counts = [];
      for (const [index, argument] of call.arguments.entries()) {
        let count = 0;
        const elapsed = await timed(async () => {
          count = await call.run(argument);
        });
        if (index < config.warmup) continue;
        ms.push(elapsed);
        counts.push(count);
      }
      return { ...summary(ms), allResults: counts.filter((count) => count === call.expect).length / counts.length };
    };
    const history = await measure({ arguments: picks, expect: 50, run: async (pick) => (await memory.history({ ...pick, last: 50 })).length });
    const search = {};
    for (const mode of withVectors ? ["hybrid", "vector"] : ["lexical"]) {
      search[mode] = await measure({ arguments: queries, expect: 10, run: async (query) => (await memory.search({ ...query, limit: 10, mode })).length });
    }
    const context = await measureContext(memory, picks, { warmup: config.warmup, rounds: config.rounds });
    await memory.close();
    return {
      corpus: { messages: messages.length, users, conversations: users, vectors: withVectors ? `${dimensions}-d, stand-in embedder` : "none" },
      createSeconds: Number((createMs / 1000).toFixed(2)),
      ingest: { seconds: Number((ingestMs / 1000).toFixed(1)), messagesPerSecond: Math.round(messages.length / (ingestMs / 1000)) },
      startupMs: { median: median(startupMs), runs: startupMs },
      history,
      search,
      context,
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const text = await measureCorpus({ users: config.users, withVectors: false });
const vectors = await measureCorpus({ users: config.vectorUsers, withVectors: true });
const result = {
  date: new Date().toISOString(),
  mode: small ? "small" : "full",
  samples: config.samples,
  warmup: config.warmup,
  text,
  vectors,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
};
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL(`./results/pglite-speed${small ? "-small" : ""}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
const ms = (value) => `${value.toFixed(2)} ms`;
const row = (label, value) => `| ${label} | ${ms(value.p50)} | ${ms(value.p95)} | ${ms(value.p99)} | ${(value.allResults * 100).toFixed(1)} % |`;
for (const part of [text, vectors]) {
  console.log(`
Embedded PGlite, ${part.corpus.messages.toLocaleString()} messages (${part.corpus.users.toLocaleString()} users), vectors: ${part.corpus.vectors}.
New store ${part.createSeconds} s; ingest ${part.ingest.seconds} s = ${part.ingest.messagesPerSecond.toLocaleString()} messages/s; start-up of the existing directory to a first answer ${ms(part.startupMs.median)} (median of 3).

| call (${config.samples} samples) | p50 | p95 | p99 | complete answers |
| --- | ---: | ---: | ---: | ---: |
${row("`history({ last: 50 })`", part.history)}
${Object.entries(part.search)
  .map(([mode, value]) => row(`\`search\` ${mode}, top 10`, value))
  .join("\n")}

buildContext, median of ${config.rounds} round(s):

${contextTable(part.context)}`);
}
console.log(`\nPeak RSS of the process: ${result.peakRssMiB} MiB.`);
