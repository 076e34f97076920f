import type { Queryable } from "../driver/driver.js";

/** A validated record, with its token count and the vector to store (given or embedded), if any. */
export interface PreparedRecord {
  id: string;
  content: string;
  metadata?: Record<string, unknown> | undefined;
  sourceId?: string | null | undefined;
  scope: string;
  categories: string[];
  importance: number;
  private: boolean;
  createdAt?: Date | undefined;
  lastAccessedAt?: Date | null | undefined;
  tokenCount: number;
  vector?: readonly number[] | undefined;
}

/** What {@link Records.upsert} did: `unchanged` records matched what was stored, and nothing was written for them. */
export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The class key of the collection write locks below (the two-key advisory lock space, apart from migrations'). */
const collectionLockClass = 0x6d6e6f72;

/**
 * Takes the write lock of one user's collection until the transaction ends. Every write of records
 * (upsert, delete, touch) takes it first, so writers of a collection run one at a time. Row locks
 * alone were not enough: an upsert locks the rows it finds, then inserts the rest in id order, and a
 * row committed by a third writer in between is found by one writer's first step but only by the
 * other's second, so two overlapping batches could each hold what the other waited for (PostgreSQL
 * chose a deadlock victim; 20 bridge clients saving overlapping batches hit it).
 */
export async function lockCollection(db: Queryable, userId: string, collection: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock($1::int4, hashtext($2))", [collectionLockClass, JSON.stringify([userId, collection])]);
}

/**
 * Upserts records and their vectors (for `modelId`) inside the caller's transaction. A record whose
 * content changes loses its vectors of every model (they describe the old text) unless new ones come
 * with it; `created_at` is kept on update, `updated_at` is bumped only when something changed.
 */
export async function writeRecords(
  db: Queryable,
  s: string,
  request: { userId: string; collection: string; searchConfig: string; records: readonly PreparedRecord[]; modelId: number | undefined },
): Promise<UpsertResult> {
  if (request.records.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  await lockCollection(db, request.userId, request.collection);
  const records = [...request.records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const key = [request.userId, request.collection];
  await db.query(`INSERT INTO ${s}.users (user_id) VALUES ($1) ON CONFLICT DO NOTHING`, [request.userId]);
  const { rows: existing } = await db.query<{ record_id: string; content: string }>(
    `SELECT record_id, content FROM ${s}.records WHERE user_id = $1 AND collection = $2 AND record_id = ANY($3::text[])
     ORDER BY record_id COLLATE "C" FOR UPDATE`,
    [...key, records.map((record) => record.id)],
  );
  const before = new Map(existing.map((row) => [row.record_id, row.content]));
  const changed = await upsertRows(db, s, key, request.searchConfig, records);
  const rewritten = records.filter((record) => before.has(record.id) && before.get(record.id) !== record.content).map((record) => record.id);
  if (rewritten.length > 0) {
    await db.query(`DELETE FROM ${s}.record_embeddings WHERE user_id = $1 AND collection = $2 AND record_id = ANY($3::text[])`, [...key, rewritten]);
  }
  if (request.modelId !== undefined) {
    const revectored = await upsertVectors(db, s, key, request.modelId, records);
    const vectorOnly = revectored.filter((id) => before.has(id) && !changed.has(id));
    if (vectorOnly.length > 0) {
      await db.query(`UPDATE ${s}.records SET updated_at = now() WHERE user_id = $1 AND collection = $2 AND record_id = ANY($3::text[])`, [...key, vectorOnly]);
      for (const id of vectorOnly) changed.add(id);
    }
  }
  const inserted = records.filter((record) => !before.has(record.id)).length;
  const updated = [...changed].filter((id) => before.has(id)).length;
  return { inserted, updated, unchanged: records.length - inserted - updated };
}

/** Inserts new rows and rewrites the ones that differ; returns the ids of both. */
async function upsertRows(db: Queryable, s: string, key: string[], searchConfig: string, records: readonly PreparedRecord[]): Promise<Set<string>> {
  const { rows } = await db.query<{ record_id: string }>(
    `INSERT INTO ${s}.records AS t (user_id, collection, record_id, content, metadata, source_id, scope, categories, importance, private,
       token_count, search_vector, created_at, last_accessed_at)
     SELECT $1, $2, x.id, x.content, x.metadata::jsonb, x.source, x.scope, ARRAY(SELECT jsonb_array_elements_text(x.categories::jsonb)),
       x.importance, x.private, x.tokens, to_tsvector($3::regconfig, x.content), coalesce(x.created, now()), x.accessed
     FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::real[], $11::bool[], $12::int4[],
       $13::timestamptz[], $14::timestamptz[]) AS x(id, content, metadata, source, scope, categories, importance, private, tokens, created, accessed)
     ON CONFLICT (user_id, collection, record_id) DO UPDATE SET content = excluded.content, metadata = excluded.metadata,
       source_id = excluded.source_id, scope = excluded.scope, categories = excluded.categories, importance = excluded.importance,
       private = excluded.private, token_count = excluded.token_count, search_vector = excluded.search_vector,
       last_accessed_at = coalesce(excluded.last_accessed_at, t.last_accessed_at), updated_at = now()
     WHERE (t.content, t.metadata, t.source_id, t.scope, t.categories, t.importance, t.private)
             IS DISTINCT FROM (excluded.content, excluded.metadata, excluded.source_id, excluded.scope, excluded.categories, excluded.importance, excluded.private)
        OR (excluded.last_accessed_at IS NOT NULL AND excluded.last_accessed_at IS DISTINCT FROM t.last_accessed_at)
     RETURNING t.record_id`,
    [
      ...key,
      searchConfig,
      records.map((record) => record.id),
      records.map((record) => record.content),
      records.map((record) => JSON.stringify(record.metadata ?? {})),
      records.map((record) => record.sourceId ?? null),
      records.map((record) => record.scope),
      records.map((record) => JSON.stringify(record.categories)),
      records.map((record) => record.importance),
      records.map((record) => record.private),
      records.map((record) => record.tokenCount),
      records.map((record) => record.createdAt ?? null),
      records.map((record) => record.lastAccessedAt ?? null),
    ],
  );
  return new Set(rows.map((row) => row.record_id));
}

/** Stores the records' vectors for the model; returns the ids whose vector was new or different. */
async function upsertVectors(db: Queryable, s: string, key: string[], modelId: number, records: readonly PreparedRecord[]): Promise<string[]> {
  const withVectors = records.filter((record) => record.vector !== undefined);
  if (withVectors.length === 0) return [];
  const { rows } = await db.query<{ record_id: string }>(
    `INSERT INTO ${s}.record_embeddings AS t (user_id, collection, record_id, model_id, embedding)
     SELECT $1, $2, x.id, $3, x.v::vector FROM unnest($4::text[], $5::text[]) AS x(id, v)
     ON CONFLICT (user_id, collection, record_id, model_id) DO UPDATE SET embedding = excluded.embedding
     WHERE t.embedding IS DISTINCT FROM excluded.embedding
     RETURNING t.record_id`,
    [...key, modelId, withVectors.map((record) => record.id), withVectors.map((record) => JSON.stringify(record.vector))],
  );
  return rows.map((row) => row.record_id);
}
