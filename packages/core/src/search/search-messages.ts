import type { Driver, Queryable } from "../driver/driver.js";
import { type Bm25Options, bm25Params, bm25Ranking, bm25Terms } from "./bm25-sql.js";
import { filterSql, type SearchFilters } from "./search-filters.js";
import { withoutNestedLoops } from "./without-nested-loops.js";

/** A ranked piece: its key and the leg's score (BM25, or cosine similarity). */
export interface PieceHit {
  conversationId: string;
  seq: number;
  chunkIndex: number;
  score: number;
}

/**
 * Okapi BM25 over one user's conversation pieces, in one statement. `ts_rank` has no inverse
 * document frequency; here document frequencies are counted over the user's own pieces (the
 * matching candidates are exactly the pieces that contain a term), N and the average length
 * come from the per-conversation totals, and the document length is the piece's token count.
 * Filters restrict what is returned, not the statistics.
 */
export async function lexicalSearch(
  db: Queryable,
  s: string,
  request: {
    userId: string;
    query: string;
    limit: number;
    searchConfig: string;
    stopWords: readonly string[];
    filters: SearchFilters;
    /** Read the user's own rows first (small users), rather than intersecting with the GIN index. */
    scanOwnRows: boolean;
  },
  bm25: Bm25Options = { k1: 1.2, b: 0.75 },
): Promise<PieceHit[]> {
  const params = bm25Params(request, bm25);
  const filters = filterSql(request.filters, params, s);
  const { rows } = await db.query<{ conversation_id: string; seq: number; chunk_index: number; score: number }>(
    `WITH ${bm25Terms},
     corpus AS (
       SELECT greatest(sum(piece_count), 1)::float8 AS n,
              greatest(sum(piece_tokens)::float8 / greatest(sum(piece_count), 1), 1) AS avgdl
       FROM ${s}.conversations WHERE user_id = $1),
     ${
       // The query terms are computed in this statement, so the planner cannot estimate how many
       // pieces they match; for a small user, reading their own rows first is fast and predictable,
       // where a bitmap AND with the global GIN index can visit hundreds of thousands of entries.
       request.scanOwnRows
         ? `own AS MATERIALIZED (
              SELECT l.conversation_id, l.seq, l.chunk_index, l.token_count, l.search_vector, (true ${filters}) AS wanted
              FROM ${s}.conversation_log l WHERE l.user_id = $1),
            candidates AS (SELECT * FROM own WHERE search_vector @@ (SELECT q FROM query)),`
         : `candidates AS (
              SELECT l.conversation_id, l.seq, l.chunk_index, l.token_count, l.search_vector, (true ${filters}) AS wanted
              FROM ${s}.conversation_log l
              WHERE l.user_id = $1 AND l.search_vector @@ (SELECT q FROM query)),`
     }
     ${bm25Ranking(["conversation_id", "seq", "chunk_index"])}`,
    params,
  );
  return rows.map(toHit);
}

/** The embedding model a vector search runs on. */
export interface VectorModel {
  modelId: number;
  dimensions: number;
}

/** The pgvector type and cast for a model: `halfvec` above 2,000 dimensions (HNSW's `vector` limit). */
export function vectorType(dimensions: number): string {
  return `${dimensions > 2_000 ? "halfvec" : "vector"}(${dimensions})`;
}

/**
 * Cosine similarity over one user's pieces for one model. Users with few pieces get an exact scan
 * (their rows, by primary key); larger ones use the model's HNSW index with pgvector's iterative
 * scan, so filters never leave fewer than `limit` results while that many match — and if the
 * index still comes back short, the exact scan answers.
 */
export async function vectorSearch(
  db: Driver,
  s: string,
  request: { userId: string; vector: readonly number[]; limit: number; filters: SearchFilters; exact: boolean },
  model: VectorModel,
): Promise<PieceHit[]> {
  if (request.exact) return exactVectorSearch(db, s, request, model);
  const params: unknown[] = [request.userId, JSON.stringify(request.vector), request.limit];
  const filters = filterSql(request.filters, params, s);
  const type = vectorType(model.dimensions);
  const hits = await db.transaction(async (transaction) => {
    await transaction.query("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)");
    const { rows } = await transaction.query<{ conversation_id: string; seq: number; chunk_index: number; score: number }>(
      `SELECT e.conversation_id, e.seq, e.chunk_index, 1 - (e.embedding::${type} <=> $2::${type}) AS score
       FROM ${s}.log_embeddings e
       JOIN ${s}.conversation_log l ON l.user_id = e.user_id AND l.conversation_id = e.conversation_id AND l.seq = e.seq AND l.chunk_index = e.chunk_index
       WHERE e.model_id = ${model.modelId} AND e.user_id = $1 ${filters}
       ORDER BY e.embedding::${type} <=> $2::${type}
       LIMIT $3`,
      params,
    );
    return rows.map(toHit);
  });
  // Relaxed order: re-sort; and an index scan that gave up early is answered exactly instead.
  if (hits.length < request.limit) return exactVectorSearch(db, s, request, model);
  return hits.sort((a, b) => b.score - a.score);
}

async function exactVectorSearch(
  db: Driver,
  s: string,
  request: { userId: string; vector: readonly number[]; limit: number; filters: SearchFilters },
  model: VectorModel,
) {
  const params: unknown[] = [request.userId, JSON.stringify(request.vector), request.limit];
  const filters = filterSql(request.filters, params, s);
  const type = vectorType(model.dimensions);
  // MATERIALIZED keeps the planner from using the HNSW index: this is the exact answer.
  const { rows } = await withoutNestedLoops(db, (transaction) =>
    transaction.query<{ conversation_id: string; seq: number; chunk_index: number; score: number }>(
      `WITH mine AS MATERIALIZED (
       SELECT e.conversation_id, e.seq, e.chunk_index, 1 - (e.embedding::${type} <=> $2::${type}) AS score
       FROM ${s}.log_embeddings e
       JOIN ${s}.conversation_log l ON l.user_id = e.user_id AND l.conversation_id = e.conversation_id AND l.seq = e.seq AND l.chunk_index = e.chunk_index
       WHERE e.model_id = ${model.modelId} AND e.user_id = $1 ${filters})
     SELECT * FROM mine ORDER BY score DESC, conversation_id, seq, chunk_index LIMIT $3`,
      params,
    ),
  );
  return rows.map(toHit);
}

function toHit(row: { conversation_id: string; seq: number; chunk_index: number; score: number }): PieceHit {
  return { conversationId: row.conversation_id, seq: Number(row.seq), chunkIndex: row.chunk_index, score: Number(row.score) };
}
