import type { Queryable } from "../driver/driver.js";

/** A stored record. */
export interface StoredRecord {
  /** The caller's id, unique within the user's collection. */
  id: string;
  collection: string;
  /** The text; may be empty (a record kept for its vector and metadata). */
  content: string;
  metadata: Record<string, unknown>;
  /** The source it came from (a LlamaIndex ref doc id, a CrewAI source), if any. */
  sourceId: string | undefined;
  /** A path such as `/` or `/crew/researcher`. */
  scope: string;
  categories: string[];
  /** 0 to 1. */
  importance: number;
  private: boolean;
  /** Tokens of `content`, counted with the memory's tokenizer. */
  tokenCount: number;
  createdAt: Date;
  updatedAt: Date;
  lastAccessedAt: Date | undefined;
  /** With `includeVectors`: the stored vector (of the call's model), if the record has one. */
  vector?: number[] | undefined;
}

/** A query result: the record and its score (cosine similarity, BM25 or the fused score, by mode). */
export interface RecordHit {
  record: StoredRecord;
  score: number;
}

/** A row of the records table. */
export interface RecordRow {
  record_id: string;
  collection: string;
  content: string;
  metadata: Record<string, unknown>;
  source_id: string | null;
  scope: string;
  categories: string[];
  importance: number;
  private: boolean;
  token_count: number;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date | null;
}

/** The columns of {@link RecordRow}, on alias `r`. */
export const recordColumns =
  "r.record_id, r.collection, r.content, r.metadata, r.source_id, r.scope, r.categories, r.importance, r.private, r.token_count, r.created_at, r.updated_at, r.last_accessed_at";

/** A row as the API returns it. */
export function toRecord(row: RecordRow, vector?: number[]): StoredRecord {
  return {
    id: row.record_id,
    collection: row.collection,
    content: row.content,
    metadata: row.metadata,
    sourceId: row.source_id ?? undefined,
    scope: row.scope,
    categories: row.categories,
    importance: Number(row.importance),
    private: row.private,
    tokenCount: row.token_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastAccessedAt: row.last_accessed_at ?? undefined,
    ...(vector === undefined ? {} : { vector }),
  };
}

/** Records by id, keyed by id. */
export async function readRecords(
  db: Queryable,
  s: string,
  key: { userId: string; collection: string },
  ids: readonly string[],
): Promise<Map<string, RecordRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<RecordRow>(
    `SELECT ${recordColumns} FROM ${s}.records r WHERE r.user_id = $1 AND r.collection = $2 AND r.record_id = ANY($3::text[])`,
    [key.userId, key.collection, ids],
  );
  return new Map(rows.map((row) => [row.record_id, row]));
}

/**
 * Stored vectors of records, keyed by id: of `modelId`, or (when undefined) of the first model
 * each record has a vector of.
 */
export async function readVectors(
  db: Queryable,
  s: string,
  key: { userId: string; collection: string },
  ids: readonly string[],
  modelId: number | undefined,
): Promise<Map<string, number[]>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ record_id: string; embedding: string }>(
    `SELECT DISTINCT ON (record_id) record_id, embedding::text AS embedding FROM ${s}.record_embeddings
     WHERE user_id = $1 AND collection = $2 AND record_id = ANY($3::text[]) AND ($4::int4 IS NULL OR model_id = $4)
     ORDER BY record_id, model_id`,
    [key.userId, key.collection, ids, modelId ?? null],
  );
  return new Map(rows.map((row) => [row.record_id, JSON.parse(row.embedding) as number[]]));
}
