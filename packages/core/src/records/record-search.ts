import type { Driver } from "../driver/driver.js";
import type { MemoryParts } from "../memory/memory.js";
import { bm25OverOwnRows, bm25Params, bm25Ranking, bm25Terms } from "../search/bm25-sql.js";
import { type VectorModel, vectorType } from "../search/search-messages.js";
import { vectorOverOwnRows } from "../search/vector-over-own-rows.js";
import { withoutNestedLoops } from "../search/without-nested-loops.js";
import { selectionSql } from "./record-conditions.js";
import type { RecordSelection } from "./record-schemas.js";
import { SqlParams } from "./sql-params.js";

/** A record ranked by one leg. */
export interface RankedRecord {
  record_id: string;
  score: number;
}

interface LegRequest {
  userId: string;
  collection: string;
  selection: RecordSelection;
  limit: number;
  /** Through the indexes (a large collection), rather than reading the collection's rows. */
  indexed: boolean;
}

/**
 * Whether a user's collection holds more than `exactBelow` records: then both legs go through the
 * indexes (GIN, HNSW) instead of reading the collection's rows.
 */
export async function isLargeCollection(parts: MemoryParts, key: { userId: string; collection: string }): Promise<boolean> {
  const { store, search } = parts;
  const { rows } = await store.driver.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${store.s}.records WHERE user_id = $1 AND collection = $2 LIMIT $3) mine`,
    [key.userId, key.collection, search.exactBelow + 1],
  );
  return Number(rows[0]?.n ?? 0) > search.exactBelow;
}

/**
 * BM25 over one user's collection: the collection is the corpus (N, average length, document
 * frequencies); the selection restricts what is returned. A large collection's candidates come
 * from the GIN index instead of its rows.
 */
export async function lexicalRecords(parts: MemoryParts, request: LegRequest & { text: string }): Promise<RankedRecord[]> {
  const { store, search } = parts;
  const params = new SqlParams(8);
  const collection = params.add(request.collection);
  const where = selectionSql(request.selection, "r", params);
  const own = { userId: request.userId, query: request.text, searchConfig: store.searchConfig, stopWords: search.stopWords, limit: request.limit };
  if (request.indexed) {
    const { rows } = await store.driver.query<RankedRecord>(
      `WITH ${bm25Terms},
       corpus AS (SELECT greatest(count(*), 1)::float8 AS n, greatest(avg(token_count), 1)::float8 AS avgdl
                  FROM ${store.s}.records WHERE user_id = $1 AND collection = ${collection}),
       candidates AS (
         SELECT r.record_id, r.token_count, r.search_vector, (true ${where}) AS wanted FROM ${store.s}.records r
         WHERE r.user_id = $1 AND r.collection = ${collection} AND r.search_vector @@ (SELECT q FROM query)),
       ${bm25Ranking(["record_id"])}`,
      [...bm25Params(own, search.bm25), ...params.values],
    );
    return rows.map((row) => ({ record_id: row.record_id, score: Number(row.score) }));
  }
  // bm25OverOwnRows reads `table r WHERE r.user_id = $1`: a subquery on the collection makes the collection the corpus.
  const table = `(SELECT * FROM ${store.s}.records WHERE collection = ${collection})`;
  const hits = await bm25OverOwnRows(store.driver, { ...own, table, keys: ["record_id"], where, extraParams: params.values }, search.bm25);
  return hits.map((hit) => ({ record_id: String(hit.record_id), score: hit.score }));
}

/**
 * Cosine similarity over one user's collection for one model, best first, `min(limit, matches)` of
 * them. Small collections are scanned exactly; large ones go through the model's HNSW index with
 * pgvector's iterative scan, and an index scan that comes back short is answered by the exact scan
 * instead, so a selective filter never returns fewer than it should.
 */
export async function vectorRecords(parts: MemoryParts, request: LegRequest & { vector: readonly number[]; model: VectorModel }): Promise<RankedRecord[]> {
  const { store } = parts;
  if (request.indexed) {
    const hits = await indexedVectorRecords(store.driver, store.s, request);
    if (hits.length >= request.limit) return hits.sort((a, b) => b.score - a.score || (a.record_id < b.record_id ? -1 : 1));
  }
  const params = new SqlParams(4);
  const collection = params.add(request.collection);
  const conditions = selectionSql(request.selection, "m", params);
  const hits = await withoutNestedLoops(store.driver, (transaction) =>
    vectorOverOwnRows(
      transaction,
      {
        table: `${store.s}.record_embeddings`,
        keys: ["record_id"],
        userId: request.userId,
        vector: request.vector,
        limit: request.limit,
        where: `AND r.collection = ${collection} AND EXISTS (SELECT 1 FROM ${store.s}.records m
               WHERE m.user_id = r.user_id AND m.collection = r.collection AND m.record_id = r.record_id ${conditions})`,
        extraParams: params.values,
      },
      request.model,
    ),
  );
  return hits.map((hit) => ({ record_id: String(hit.record_id), score: hit.score }));
}

async function indexedVectorRecords(db: Driver, s: string, request: LegRequest & { vector: readonly number[]; model: VectorModel }): Promise<RankedRecord[]> {
  const params = new SqlParams(4);
  const collection = params.add(request.collection);
  const conditions = selectionSql(request.selection, "m", params);
  const type = vectorType(request.model.dimensions);
  return db.transaction(async (transaction) => {
    await transaction.query("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)");
    const { rows } = await transaction.query<RankedRecord>(
      `SELECT e.record_id, 1 - (e.embedding::${type} <=> $2::${type}) AS score
       FROM ${s}.record_embeddings e
       JOIN ${s}.records m ON m.user_id = e.user_id AND m.collection = e.collection AND m.record_id = e.record_id
       WHERE e.model_id = ${request.model.modelId} AND e.user_id = $1 AND e.collection = ${collection} ${conditions}
       ORDER BY e.embedding::${type} <=> $2::${type}
       LIMIT $3`,
      [request.userId, JSON.stringify(request.vector), request.limit, ...params.values],
    );
    return rows.map((row) => ({ record_id: row.record_id, score: Number(row.score) }));
  });
}
