// Benchmark (issue 9): batch ingest, Mnemo vs LangChain vs LlamaIndex, on the same PostgreSQL server,
// same messages, same run, the systems alternating, each one through its own batch API.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/ingest-speed.mjs [--small]
//
// Two variants, each repeated (`rounds`, fresh tables every round, the order of the systems rotating):
// - text: 100,000 messages (10 % over 512 tokens), no embeddings. Mnemo `appendMany` (batches of 1,000;
//   token counts, splitting, full-text vectors, GIN index and keywords included) vs LangChain
//   `PostgresChatMessageHistory.addMessages` (one call per conversation). LlamaIndex.TS has no Postgres
//   store for plain messages (its PGVectorStore needs a vector per node), so it has no row here.
// - embeddings: a fixed subset (2,000 messages) (the real q8 model on 2 cores makes 100,000 messages far too long for the
//   suite's 30 minutes) through the same model: Mnemo `appendMany` with `createHuggingFaceEmbedder`;
//   LangChain `addMessages` + `PGVectorStore.addDocuments` (split with RecursiveCharacterTextSplitter's
//   defaults, embedded by `MnemoEmbeddings`, its HNSW index created first with `createHnswIndex`);
//   LlamaIndex `SentenceSplitter` (defaults) + `MnemoEmbedding` + `@llamaindex/postgres` `PGVectorStore.add`.
// The first batch of each round is a warm-up (tokenizer and model loaded, statements prepared) and is not timed.
// Writes bench/results/ingest-speed[-small].json and prints Markdown.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { PostgresChatMessageHistory } from "@langchain/community/stores/message/postgres";
import { PGVectorStore as LangChainVectorStore } from "@langchain/community/vectorstores/pgvector";
import { Document as LangChainDocument } from "@langchain/core/documents";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { SentenceSplitter } from "@llamaindex/core/node-parser";
import { Document as LlamaDocument, MetadataMode } from "@llamaindex/core/schema";
import { PGVectorStore as LlamaVectorStore } from "@llamaindex/postgres";
import { createHuggingFaceEmbedder, createMemory } from "@mnemo/core";
import { MnemoEmbeddings } from "@mnemo/langchain-memory";
import { MnemoEmbedding } from "@mnemo/llamaindex-store";
import pg from "pg";
import { packageVersion as version } from "./lib/versions.mjs";
import { generateMessages, median, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const url = process.env.DATABASE_URL;
if (!url) throw new Error("Set DATABASE_URL to a PostgreSQL server with pgvector (see scripts/setup-postgres.sh).");
const config = small
  ? { textMessages: 3_000, textBatch: 500, embeddingMessages: 300, embeddingBatch: 100, rounds: 2 }
  : { textMessages: 100_000, textBatch: 1_000, embeddingMessages: 2_000, embeddingBatch: 250, rounds: 3 };
const only = process.argv.find((argument) => argument.startsWith("--only="))?.slice("--only=".length);
const rounds = process.argv.find((argument) => argument.startsWith("--rounds="))?.slice("--rounds=".length);
if (rounds) config.rounds = Number(rounds);
const modelPath = fileURLToPath(new URL("../../shared/models/universal-sentence-encoder-lite-onnx", import.meta.url));
const schemas = { mnemo: "bench_ingest_mnemo", langchain: "bench_ingest_langchain", llamaindex: "bench_ingest_llamaindex" };
const pool = new pg.Pool({ connectionString: url, max: 4 });

const messages = generateMessages(config.textMessages, seededRandom(7));
const batches = (list, size) => Array.from({ length: Math.ceil(list.length / size) }, (_, index) => list.slice(index * size, (index + 1) * size));
const bySession = (list) => {
  const sessions = new Map();
  for (const message of list) {
    const id = `${message.userId}:${message.conversationId}`;
    if (!sessions.has(id)) sessions.set(id, []);
    sessions.get(id).push(message);
  }
  return sessions;
};
const toMnemo = ({ long, ...message }) => message;
const toLangChain = (message) => (message.role === "user" ? new HumanMessage(message.content) : new AIMessage(message.content));
if (!existsSync(modelPath)) throw new Error(`The embedding variant needs the shared model at ${modelPath}.`);
const embedder = await createHuggingFaceEmbedder({ model: modelPath, dtype: "q8" });

async function freshSchemas() {
  await pool.query(
    Object.values(schemas)
      .map((schema) => `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`)
      .join(" "),
  );
  await pool.query(`DROP SCHEMA ${schemas.mnemo}`); // createMemory makes its own
}

/** One system's ingest of `list`: `setup` (untimed, fresh tables), then every batch; the first is a warm-up. */
async function timeIngest(setup, writeBatch, list, size) {
  const system = await setup();
  const [warmup, ...rest] = batches(list, size);
  await writeBatch(system, warmup);
  const started = performance.now();
  for (const batch of rest) await writeBatch(system, batch);
  const seconds = (performance.now() - started) / 1000;
  const counted = rest.reduce((sum, batch) => sum + batch.length, 0);
  const stored = await system.count();
  await system.close();
  return { seconds, messages: counted, messagesPerSecond: counted / seconds, stored };
}

const mnemoSystem = (withEmbedder) => async () => {
  const memory = await createMemory({ database: url, schema: schemas.mnemo, ...(withEmbedder ? { embedder } : {}) });
  return {
    memory,
    count: async () => (await pool.query(`SELECT count(*)::int AS n FROM ${schemas.mnemo}.conversation_log`)).rows[0].n,
    close: () => memory.close(),
  };
};
const writeMnemo = (system, batch) => system.memory.appendMany(batch.map(toMnemo));

const langchainHistory = async () => {
  const historyPool = new pg.Pool({ connectionString: url, max: 2 });
  const tableName = `${schemas.langchain}.langchain_chat_histories`;
  await new PostgresChatMessageHistory({ pool: historyPool, sessionId: "setup", tableName }).ensureTable();
  return {
    historyPool,
    history: (sessionId) => new PostgresChatMessageHistory({ pool: historyPool, sessionId, tableName }),
    count: async () => (await pool.query(`SELECT count(*)::int AS n FROM ${tableName}`)).rows[0].n,
    close: () => historyPool.end(),
  };
};
const writeLangChainHistory = async (system, batch) => {
  for (const [sessionId, list] of bySession(batch)) await system.history(sessionId).addMessages(list.map(toLangChain));
};

const langchainWithVectors = async () => {
  const system = await langchainHistory();
  const store = await LangChainVectorStore.initialize(new MnemoEmbeddings({ embedder }), {
    pool: system.historyPool,
    schemaName: schemas.langchain,
    tableName: "documents",
    dimensions: embedder.dimensions,
    distanceStrategy: "cosine",
  });
  await store.createHnswIndex({ dimensions: embedder.dimensions });
  const splitter = new RecursiveCharacterTextSplitter();
  const historyCount = system.count;
  return {
    ...system,
    store,
    splitter,
    close: () => store.end(), // releases the client it holds and ends the pool
    count: async () => ({
      messages: await historyCount(),
      documents: (await pool.query(`SELECT count(*)::int AS n FROM ${schemas.langchain}.documents`)).rows[0].n,
    }),
  };
};
const writeLangChainWithVectors = async (system, batch) => {
  await writeLangChainHistory(system, batch);
  const documents = batch.map(
    (message) =>
      new LangChainDocument({ pageContent: message.content, metadata: { user_id: message.userId, session_id: message.conversationId, role: message.role } }),
  );
  await system.store.addDocuments(await system.splitter.splitDocuments(documents));
};

const llamaIndexSystem = async () => {
  const llamaPool = new pg.Pool({ connectionString: url, max: 2 });
  const embedModel = new MnemoEmbedding(embedder);
  const store = new LlamaVectorStore({ client: llamaPool, schemaName: schemas.llamaindex, dimensions: embedder.dimensions, embedModel });
  await store.client(); // creates its table and indexes, as its first use would
  return {
    store,
    splitter: new SentenceSplitter(),
    embedModel,
    count: async () => (await pool.query(`SELECT count(*)::int AS n FROM ${schemas.llamaindex}.llamaindex_embedding`)).rows[0].n,
    close: () => llamaPool.end(),
  };
};
const writeLlamaIndex = async (system, batch) => {
  const documents = batch.map(
    (message) => new LlamaDocument({ text: message.content, metadata: { user_id: message.userId, session_id: message.conversationId, role: message.role } }),
  );
  const nodes = system.splitter.getNodesFromDocuments(documents);
  const vectors = await system.embedModel.getTextEmbeddingsBatch(nodes.map((node) => node.getContent(MetadataMode.EMBED)));
  nodes.forEach((node, index) => {
    node.embedding = vectors[index];
  });
  await system.store.add(nodes);
};

const variants = {
  text: {
    list: messages,
    batch: config.textBatch,
    systems: {
      mnemo: [mnemoSystem(false), writeMnemo],
      langchain: [langchainHistory, writeLangChainHistory],
    },
  },
  embeddings: {
    list: messages.slice(0, config.embeddingMessages),
    batch: config.embeddingBatch,
    systems: {
      mnemo: [mnemoSystem(true), writeMnemo],
      langchain: [langchainWithVectors, writeLangChainWithVectors],
      llamaindex: [llamaIndexSystem, writeLlamaIndex],
    },
  },
};

const results = {};
for (const [variant, { list, batch, systems }] of Object.entries(variants)) {
  if (only && only !== variant) continue;
  const names = Object.keys(systems);
  const rounds = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < config.rounds; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      await freshSchemas();
      const [setup, write] = systems[name];
      const outcome = await timeIngest(setup, write, list, batch);
      rounds[name].push(outcome);
      console.log(
        `  ${variant} round ${round + 1}: ${name} ${Math.round(outcome.messagesPerSecond).toLocaleString()} messages/s (${outcome.seconds.toFixed(1)} s)`,
      );
    }
  }
  results[variant] = {
    date: new Date().toISOString(),
    messages: list.length,
    batch,
    timedMessages: list.length - Math.min(list.length, batch),
    longMessages: list.filter((message) => message.long).length,
    systems: Object.fromEntries(
      names.map((name) => [
        name,
        {
          messagesPerSecond: median(rounds[name].map((round) => round.messagesPerSecond)),
          seconds: median(rounds[name].map((round) => round.seconds)),
          rounds: rounds[name],
        },
      ]),
    ),
  };
}
await embedder.close?.();

const result = {
  date: new Date().toISOString(),
  mode: small ? "small" : "full",
  config,
  machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAverageAtEnd: loadavg().map((value) => Number(value.toFixed(2))) },
  versions: {
    node: process.version,
    "@langchain/community": version("@langchain/community"),
    "@langchain/core": version("@langchain/core"),
    "@langchain/textsplitters": version("@langchain/textsplitters"),
    "@llamaindex/postgres": `${version("@llamaindex/postgres")} (deprecated on npm: "no longer maintained")`,
    "@llamaindex/core": version("@llamaindex/core"),
    pg: version("pg"),
    postgres: (await pool.query("SHOW server_version")).rows[0].server_version,
    pgvector: (await pool.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).rows[0].extversion,
  },
  embedder: { model: "universal-sentence-encoder-lite-onnx", dtype: "q8", dimensions: embedder.dimensions },
  results,
};
const file = new URL(`./results/ingest-speed${small ? "-small" : ""}.json`, import.meta.url);
// With --only, the other variant's figures of the last run are kept (each variant carries its date).
if (only && existsSync(file)) result.results = { ...JSON.parse(await readFile(file, "utf8")).results, ...results };
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
await pool.end();

const labels = {
  text: {
    mnemo: "Mnemo `appendMany` (search vectors, GIN index, keywords)",
    langchain: "LangChain `PostgresChatMessageHistory.addMessages`",
  },
  embeddings: {
    mnemo: "Mnemo `appendMany` with the embedder",
    langchain: "LangChain `addMessages` + `PGVectorStore.addDocuments`",
    llamaindex: "LlamaIndex `SentenceSplitter` + `PGVectorStore.add`",
  },
};
for (const [variant, row] of Object.entries(results)) {
  const mnemo = row.systems.mnemo.messagesPerSecond;
  console.log(`\n| Ingest, ${variant}: ${row.timedMessages.toLocaleString()} timed messages (${row.longMessages.toLocaleString()} of ${row.messages.toLocaleString()} over 512 tokens), median of ${config.rounds} rounds | messages/s | seconds | Mnemo ÷ system |
| --- | ---: | ---: | ---: |`);
  for (const [name, system] of Object.entries(row.systems)) {
    console.log(
      `| ${labels[variant][name]} | ${Math.round(system.messagesPerSecond).toLocaleString()} | ${system.seconds.toFixed(1)} | ${(mnemo / system.messagesPerSecond).toFixed(2)}× |`,
    );
  }
}
