import { ConflictError } from "../errors/conflict-error.js";
import type { VectorModel } from "../search/search-messages.js";
import { vectorType } from "../search/search-messages.js";
import type { PostgresStore } from "../store/postgres-store.js";
import { EmbeddingDimensionError } from "./embedding-dimension-error.js";

/** A model's stored row, or undefined when no vectors were ever stored under that name. */
export async function findVectorModel(store: PostgresStore, name: string): Promise<VectorModel | undefined> {
  const { rows } = await store.driver.query<{ model_id: number; dimensions: number }>(
    `SELECT model_id, dimensions FROM ${store.s}.embedding_models WHERE name = $1`,
    [name],
  );
  const row = rows[0];
  return row && { modelId: row.model_id, dimensions: row.dimensions };
}

/**
 * Registers a model for record vectors: its catalogue row and a partial HNSW index of
 * `record_embeddings` for it (halfvec above 2,000 dimensions), under a lock of that index alone.
 * @throws EmbeddingDimensionError when the name is stored with other dimensions.
 */
export async function registerRecordModel(store: PostgresStore, name: string, dimensions: number): Promise<VectorModel> {
  let model: VectorModel;
  try {
    model = await store.registerEmbeddingModel(name, dimensions);
  } catch (error) {
    const stored = ConflictError.isInstance(error) ? await findVectorModel(store, name) : undefined;
    if (!stored) throw error;
    throw new EmbeddingDimensionError({ expected: stored.dimensions, actual: dimensions, model: name, path: "vectorModel.dimensions" }, { cause: error });
  }
  const index = `record_embeddings_model_${model.modelId}`;
  // CREATE INDEX takes a lock that blocks writers even when the index exists: look first.
  const { rows } = await store.driver.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [`${store.s}.${index}`]);
  if (rows[0]?.present) return model;
  const operators = dimensions > 2_000 ? "halfvec_cosine_ops" : "vector_cosine_ops";
  await store.createIndexOnce(
    index,
    `ON ${store.s}.record_embeddings USING hnsw ((embedding::${vectorType(dimensions)}) ${operators}) WHERE model_id = ${model.modelId}`,
  );
  return model;
}

/**
 * Throws {@link EmbeddingDimensionError} for the first vector whose length is not `expected`.
 * `vectors` pairs each vector with its input path (`records.3.vector`).
 */
export function checkDimensions(vectors: readonly { path: string; vector: readonly number[] }[], expected: number, model: string): void {
  const wrong = vectors.find((entry) => entry.vector.length !== expected);
  if (wrong) throw new EmbeddingDimensionError({ expected, actual: wrong.vector.length, model, path: wrong.path });
}
