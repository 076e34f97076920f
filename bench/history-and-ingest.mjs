// Benchmark (issues 2 and 9): history reads (batch import is in ingest-speed.mjs), Mnemo vs LangChain's PostgresChatMessageHistory,
// on the same PostgreSQL server, same data, same run, alternating the systems under test.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/history-and-ingest.mjs [--small]
//
// Writes bench/results/history-and-ingest.json and prints a Markdown table for bench/RESULTS.md.
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { PostgresChatMessageHistory } from "@langchain/community/stores/message/postgres";
import { createMemory } from "@mnemo/core";
import pg from "pg";
import { median, percentile, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const url = process.env.DATABASE_URL;
if (!url) throw new Error("Set DATABASE_URL to a PostgreSQL server with pgvector (see scripts/setup-postgres.sh).");
// Reads come in `rounds` (warm-up first, excluded); each system's p50/p95/p99 is the median over the rounds.
const config = small
  ? { users: 20, conversationsPerUser: 5, messagesPerConversation: 100, samples: 100, warmup: 20, rounds: 3 }
  : { users: 1_000, conversationsPerUser: 10, messagesPerConversation: 100, samples: 1_000, warmup: 100, rounds: 3 };
const conversations = config.users * config.conversationsPerUser;
const totalMessages = conversations * config.messagesPerConversation;
const random = seededRandom(42);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const version = (name) => createRequire(import.meta.url)(`${name}/package.json`).version;

console.log(`history: ${totalMessages.toLocaleString()} messages over ${conversations.toLocaleString()} conversations`);
await pool.query("DROP SCHEMA IF EXISTS bench_mnemo CASCADE; DROP SCHEMA IF EXISTS bench_langchain CASCADE; CREATE SCHEMA bench_langchain");
const memory = await createMemory({ database: url, schema: "bench_mnemo" });
const table = "bench_langchain.langchain_chat_histories";
const history = (sessionId) => new PostgresChatMessageHistory({ pool, sessionId, tableName: table });
await history("setup").ensureTable();

// Both tables get the same rows in the same interleaved order (turn by turn across conversations),
// generated in SQL, then vacuumed and analysed as autovacuum would have done in a running system.
// Content: 66–1,500 characters of varied text.
const started = performance.now();
await pool.query(
  `INSERT INTO bench_mnemo.users (user_id) SELECT 'u' || u FROM generate_series(1, $1) u;
   INSERT INTO bench_mnemo.conversations (user_id, conversation_id, last_seq, message_count, token_count)
     SELECT 'u' || u, 'c' || c, $3, $3, $3 * 40 FROM generate_series(1, $1) u, generate_series(1, $2) c`
    .replaceAll("$1", config.users)
    .replaceAll("$2", config.conversationsPerUser)
    .replaceAll("$3", config.messagesPerConversation),
);
const text = `repeat(md5(u::text || c::text || q::text) || ' ', 2 + (u * 7 + c * 13 + q * 31) % 45)`;
await pool.query(
  `
  INSERT INTO bench_mnemo.conversation_log (user_id, conversation_id, seq, chunk_index, chunk_count, response_id, role, content,
      token_count, message_token_count, tokenizer, content_sha256, created_at)
    SELECT 'u' || u, 'c' || c, q, 0, 1, md5(u || '-' || c || '-' || q), CASE WHEN q % 2 = 1 THEN 'user' ELSE 'assistant' END,
      ${text}, length(${text}) / 4, length(${text}) / 4, 'o200k_base', sha256(${text}::bytea), now() - ($3 - q) * interval '1 minute'
    FROM generate_series(1, ${config.messagesPerConversation}) q, generate_series(1, ${config.users}) u, generate_series(1, ${config.conversationsPerUser}) c;
  INSERT INTO ${table} (session_id, message)
    SELECT 'u' || u || ':c' || c, jsonb_build_object('type', CASE WHEN q % 2 = 1 THEN 'human' ELSE 'ai' END, 'content', ${text},
      'additional_kwargs', '{}'::jsonb, 'response_metadata', '{}'::jsonb)
    FROM generate_series(1, ${config.messagesPerConversation}) q, generate_series(1, ${config.users}) u, generate_series(1, ${config.conversationsPerUser}) c;
  `.replaceAll("$3", config.messagesPerConversation),
);
for (const name of ["bench_mnemo.conversation_log", "bench_mnemo.conversations", table]) await pool.query(`VACUUM ANALYZE ${name}`);
console.log(`generated both datasets in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// History: the last 50 messages of a random conversation. LangChain has no limit, so it loads
// the whole session and the caller keeps the last 50 (what its documented usage does).
const pick = () => [1 + Math.floor(random() * config.users), 1 + Math.floor(random() * config.conversationsPerUser)];
const systems = {
  mnemo: async ([u, c]) => (await memory.history({ userId: `u${u}`, conversationId: `c${c}`, last: 50 })).length,
  langchain: async ([u, c]) => (await history(`u${u}:c${c}`).getMessages()).slice(-50).length,
};
const timings = { mnemo: [], langchain: [] };
for (let index = 0; index < config.warmup + config.samples; index++) {
  const target = pick();
  const order = index % 2 === 0 ? ["mnemo", "langchain"] : ["langchain", "mnemo"];
  for (const name of order) {
    const start = performance.now();
    const count = await systems[name](target);
    const elapsed = performance.now() - start;
    if (count !== 50) throw new Error(`${name} returned ${count} messages, expected 50`);
    if (index >= config.warmup) timings[name].push(elapsed);
  }
}
const roundSize = Math.ceil(config.samples / config.rounds);
const historyResult = Object.fromEntries(
  Object.entries(timings).map(([name, list]) => {
    const rounds = Array.from({ length: config.rounds }, (_, round) => list.slice(round * roundSize, (round + 1) * roundSize)).map((part) => ({
      p50: percentile(part, 50),
      p95: percentile(part, 95),
      p99: percentile(part, 99),
    }));
    const of = (key) => median(rounds.map((round) => round[key]));
    return [
      name,
      { p50: of("p50"), p95: of("p95"), p99: of("p99"), pooled: { p50: percentile(list, 50), p95: percentile(list, 95), p99: percentile(list, 99) }, rounds },
    ];
  }),
);
await writeFile(new URL(`./results/history-samples${small ? "-small" : ""}.json`, import.meta.url), `${JSON.stringify(timings)}\n`);

// Batch import moved to ingest-speed.mjs (issue 9: against LangChain and LlamaIndex, with and without embeddings).
const result = {
  date: new Date().toISOString(),
  mode: small ? "small" : "full",
  config,
  versions: {
    "@langchain/community": version("@langchain/community"),
    pg: version("pg"),
    postgres: (await pool.query("SHOW server_version")).rows[0].server_version,
  },
  history: historyResult,
};
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL(`./results/history-and-ingest${small ? "-small" : ""}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
const ms = (value) => `${value.toFixed(2)} ms`;
console.log(`
| Last 50 messages of a random conversation (${totalMessages.toLocaleString()} rows) | p50 | p95 | p99 |
| --- | ---: | ---: | ---: |
| Mnemo \`history({ last: 50 })\` | ${ms(historyResult.mnemo.p50)} | ${ms(historyResult.mnemo.p95)} | ${ms(historyResult.mnemo.p99)} |
| LangChain \`PostgresChatMessageHistory.getMessages()\` | ${ms(historyResult.langchain.p50)} | ${ms(historyResult.langchain.p95)} | ${ms(historyResult.langchain.p99)} |
| ratio (LangChain / Mnemo) | ${(historyResult.langchain.p50 / historyResult.mnemo.p50).toFixed(0)}× | ${(historyResult.langchain.p95 / historyResult.mnemo.p95).toFixed(0)}× | ${(historyResult.langchain.p99 / historyResult.mnemo.p99).toFixed(0)}× |

`);
await memory.close();
await pool.end();
