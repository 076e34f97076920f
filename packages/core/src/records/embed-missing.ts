import type { Embedder } from "../embeddings/embedder.js";
import { validateVectors } from "../embeddings/validate-vectors.js";
import type { PostgresStore } from "../store/postgres-store.js";
import type { PreparedRecord } from "./write-records.js";

/**
 * Gives a vector, made by `embedder`, to each record that has text but no vector and whose stored
 * text has no vector of the embedder's model (`modelId`) yet: re-upserting embeds nothing.
 */
export async function embedMissing(
  store: PostgresStore,
  key: { userId: string; collection: string },
  records: PreparedRecord[],
  embedder: Embedder,
  modelId: number | undefined,
): Promise<void> {
  const { rows } = await store.driver.query<{ record_id: string }>(
    `SELECT r.record_id FROM ${store.s}.records r JOIN unnest($3::text[], $4::text[]) AS x(id, content) ON r.record_id = x.id AND r.content = x.content
     WHERE r.user_id = $1 AND r.collection = $2 AND EXISTS (SELECT 1 FROM ${store.s}.record_embeddings e
       WHERE e.user_id = r.user_id AND e.collection = r.collection AND e.record_id = r.record_id AND e.model_id = $5)`,
    [key.userId, key.collection, records.map((record) => record.id), records.map((record) => record.content), modelId ?? -1],
  );
  const embedded = new Set(rows.map((row) => row.record_id));
  const missing = records.filter((record) => record.vector === undefined && record.content.trim() !== "" && !embedded.has(record.id));
  if (missing.length === 0) return;
  const texts = missing.map((record) => record.content);
  const vectors = validateVectors(await embedder.embedDocuments(texts), {
    count: texts.length,
    dimensions: embedder.dimensions,
    source: `embedder ${embedder.id}`,
  });
  missing.forEach((record, index) => {
    record.vector = vectors[index];
  });
}
