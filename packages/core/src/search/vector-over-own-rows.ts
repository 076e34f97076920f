import type { Queryable } from "../driver/driver.js";
import { type VectorModel, vectorType } from "./search-messages.js";

/**
 * Exact cosine similarity over a small per-user table of vectors (model memory, reference chunks):
 * the user's rows for the model, by primary key, best first. `where` holds extra conditions on
 * alias `r` whose values were appended to `extraParams` (numbered from `$4`).
 * @example
 * await vectorOverOwnRows(db, { table: `${s}.memory_embeddings`, keys: ["memory_id"], userId, vector, limit: 20 }, model);
 */
export async function vectorOverOwnRows<Key extends string>(
  db: Queryable,
  request: { table: string; keys: readonly Key[]; userId: string; vector: readonly number[]; limit: number; where?: string; extraParams?: readonly unknown[] },
  model: VectorModel,
): Promise<(Record<Key, string | number> & { score: number })[]> {
  const type = vectorType(model.dimensions);
  const keys = request.keys.map((k) => `r.${k}`).join(", ");
  const { rows } = await db.query<Record<Key, string | number> & { score: number }>(
    `WITH mine AS MATERIALIZED (
       SELECT ${keys}, 1 - (r.embedding::${type} <=> $2::${type}) AS score
       FROM ${request.table} r WHERE r.user_id = $1 AND r.model_id = ${model.modelId} ${request.where ?? ""})
     SELECT * FROM mine ORDER BY score DESC, ${request.keys.join(", ")} LIMIT $3`,
    [request.userId, JSON.stringify(request.vector), request.limit, ...(request.extraParams ?? [])],
  );
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}
