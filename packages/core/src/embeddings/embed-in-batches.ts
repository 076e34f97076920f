import { checkEmbeddingInputs } from "./check-embedding-inputs.js";

/** Checks `texts` (none empty), then embeds them `batchSize` at a time; vectors come back in input order. */
export async function embedInBatches(texts: readonly string[], batchSize: number, embedBatch: (batch: string[]) => Promise<number[][]>): Promise<number[][]> {
  checkEmbeddingInputs(texts);
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    vectors.push(...(await embedBatch(texts.slice(start, start + batchSize))));
  }
  return vectors;
}
