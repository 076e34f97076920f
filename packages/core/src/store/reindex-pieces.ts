import type { Driver } from "../driver/driver.js";

/** A stored piece that has no vector yet for a model. */
export interface UnembeddedPiece {
  userId: string;
  conversationId: string;
  seq: number;
  chunkIndex: number;
  name: string | undefined;
  content: string;
}

/** Counts pieces without a vector for `modelId` (of one user, or all). */
export async function countUnembedded(driver: Driver, s: string, modelId: number, userId?: string): Promise<number> {
  const { rows } = await driver.query<{ n: number }>(
    `SELECT count(*)::int8 AS n FROM ${s}.conversation_log l
     WHERE ($1::text IS NULL OR l.user_id = $1) AND NOT EXISTS (
       SELECT 1 FROM ${s}.log_embeddings e
       WHERE e.user_id = l.user_id AND e.conversation_id = l.conversation_id AND e.seq = l.seq AND e.chunk_index = l.chunk_index AND e.model_id = ${modelId})`,
    [userId ?? null],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The next pieces without a vector, in primary-key order after `after` (keyset paging). */
export async function nextUnembedded(
  driver: Driver,
  s: string,
  request: { modelId: number; userId?: string | undefined; limit: number; after?: UnembeddedPiece | undefined },
): Promise<UnembeddedPiece[]> {
  const after = request.after;
  const { rows } = await driver.query<{ user_id: string; conversation_id: string; seq: number; chunk_index: number; name: string | null; content: string }>(
    `SELECT l.user_id, l.conversation_id, l.seq, l.chunk_index, l.name, l.content FROM ${s}.conversation_log l
     WHERE ($1::text IS NULL OR l.user_id = $1)
       AND ($3::text IS NULL OR (l.user_id, l.conversation_id, l.seq, l.chunk_index) > ($3, $4, $5, $6))
       AND NOT EXISTS (
         SELECT 1 FROM ${s}.log_embeddings e
         WHERE e.user_id = l.user_id AND e.conversation_id = l.conversation_id AND e.seq = l.seq AND e.chunk_index = l.chunk_index AND e.model_id = ${request.modelId})
     ORDER BY l.user_id, l.conversation_id, l.seq, l.chunk_index LIMIT $2`,
    [request.userId ?? null, request.limit, after?.userId ?? null, after?.conversationId ?? null, after?.seq ?? null, after?.chunkIndex ?? null],
  );
  return rows.map((row) => ({
    userId: row.user_id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    chunkIndex: row.chunk_index,
    name: row.name ?? undefined,
    content: row.content,
  }));
}

/** Stores vectors for pieces; a piece that got its vector meanwhile keeps it. */
export async function storeVectors(
  driver: Driver,
  s: string,
  modelId: number,
  pieces: readonly UnembeddedPiece[],
  vectors: readonly number[][],
): Promise<void> {
  await driver.query(
    `INSERT INTO ${s}.log_embeddings (user_id, conversation_id, seq, chunk_index, model_id, embedding)
     SELECT u, c, q, i, ${modelId}, v::vector FROM unnest($1::text[], $2::text[], $3::int8[], $4::int4[], $5::text[]) AS t(u, c, q, i, v)
     ON CONFLICT DO NOTHING`,
    [
      pieces.map((piece) => piece.userId),
      pieces.map((piece) => piece.conversationId),
      pieces.map((piece) => piece.seq),
      pieces.map((piece) => piece.chunkIndex),
      vectors.map((vector) => JSON.stringify(vector)),
    ],
  );
}

/** Fills search vectors that are missing (rows written before lexical search existed). */
export async function fillSearchVectors(driver: Driver, s: string, searchConfig: string, userId?: string): Promise<number> {
  const { affectedRows } = await driver.query(
    `UPDATE ${s}.conversation_log SET search_vector = to_tsvector($1::regconfig, coalesce(name || ': ', '') || content)
     WHERE search_vector IS NULL AND ($2::text IS NULL OR user_id = $2)`,
    [searchConfig, userId ?? null],
  );
  return affectedRows;
}
