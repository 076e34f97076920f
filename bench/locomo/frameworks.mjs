// The other systems' legs for the LoCoMo benchmark: LangChain's and LlamaIndex's PGVectorStore over
// the PostgreSQL server, with the same embedder as Mnemo (wrapped by the adapters' MnemoEmbeddings and
// MnemoEmbedding). One document per turn, "speaker: text" (as the BM25 baseline), metadata
// { sample_id, dia_id }; a question searches its own sample through a metadata filter. No vector index
// is built: on 2,760 turns both stores then search exactly, their best case (with LangChain's HNSW the
// filter would be applied after the approximate scan and drop results).
import { performance } from "node:perf_hooks";
import { PGVectorStore as LangChainVectorStore } from "@langchain/community/vectorstores/pgvector";
import { Document } from "@langchain/core/documents";
import { TextNode } from "@llamaindex/core/schema";
import { PGVectorStore as LlamaVectorStore } from "@llamaindex/postgres";
import { MnemoEmbeddings } from "@mnemo/langchain-memory";
import { MnemoEmbedding } from "@mnemo/llamaindex-store";
import pg from "pg";

const turnText = (turn) => `${turn.name}: ${turn.content}`;
const unique = (ids) => [...new Set(ids)];

/** Drops and recreates the schema a leg owns. */
async function freshSchema(pool, schema) {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
}

/** LangChain `PGVectorStore`: `addDocuments`, then `similaritySearch(question, limit, { sample_id })`. Returns `{ retriever, close, ingestSeconds }`. */
export async function langchainLeg(samples, { embedder, limit, url }) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await freshSchema(pool, "bench_locomo_langchain");
  const store = await LangChainVectorStore.initialize(new MnemoEmbeddings({ embedder }), {
    pool,
    schemaName: "bench_locomo_langchain",
    tableName: "documents",
    dimensions: embedder.dimensions,
    distanceStrategy: "cosine",
  });
  const started = performance.now();
  for (const sample of samples) {
    await store.addDocuments(
      sample.turns.map((turn) => new Document({ pageContent: turnText(turn), metadata: { sample_id: sample.sampleId, dia_id: turn.id } })),
    );
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const retriever = {
    async retrieve(question) {
      const searchStarted = performance.now();
      const documents = await store.similaritySearch(question.question, limit, { sample_id: question.sampleId });
      return { ids: unique(documents.map((document) => document.metadata.dia_id)), searchMs: performance.now() - searchStarted };
    },
  };
  return { retriever, ingestSeconds, close: () => store.end() };
}

/** LlamaIndex `@llamaindex/postgres` `PGVectorStore`: `add` of embedded nodes, then `query` with a `sample_id ==` filter. */
export async function llamaIndexLeg(samples, { embedder, limit, url }) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await freshSchema(pool, "bench_locomo_llamaindex");
  const embedModel = new MnemoEmbedding(embedder);
  const store = new LlamaVectorStore({ client: pool, schemaName: "bench_locomo_llamaindex", dimensions: embedder.dimensions, embedModel });
  const started = performance.now();
  for (const sample of samples) {
    const nodes = sample.turns.map((turn) => new TextNode({ text: turnText(turn), metadata: { sample_id: sample.sampleId, dia_id: turn.id } }));
    const vectors = await embedModel.getTextEmbeddingsBatch(nodes.map((node) => node.getContent()));
    nodes.forEach((node, index) => {
      node.embedding = vectors[index];
    });
    await store.add(nodes);
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  const retriever = {
    async retrieve(question) {
      const searchStarted = performance.now();
      const queryEmbedding = await embedModel.getQueryEmbedding({ type: "text", text: question.question });
      const result = await store.query({
        queryEmbedding,
        similarityTopK: limit,
        mode: "default",
        filters: { filters: [{ key: "sample_id", value: question.sampleId, operator: "==" }] },
      });
      return { ids: unique(result.nodes.map((node) => node.metadata.dia_id)), searchMs: performance.now() - searchStarted };
    },
  };
  return { retriever, ingestSeconds, close: () => pool.end() };
}
