import { checkEmbeddingInputs } from "./check-embedding-inputs.js";

/**
 * Checks `texts` (none empty), then embeds them `batchSize` at a time; vectors come back in input order.
 * Texts are batched by length, shortest first: a model pads every text of a batch to the longest one,
 * so a batch mixing a 500-token piece with short turns would compute mostly padding.
 */
export async function embedInBatches(texts: readonly string[], batchSize: number, embedBatch: (batch: string[]) => Promise<number[][]>): Promise<number[][]> {
  checkEmbeddingInputs(texts);
  const order = texts.map((_, index) => index).sort((a, b) => (texts[a] as string).length - (texts[b] as string).length || a - b);
  const vectors = new Array<number[]>(texts.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const embedded = await embedBatch(batch.map((index) => texts[index] as string));
    batch.forEach((index, position) => {
      vectors[index] = embedded[position] as number[];
    });
  }
  return vectors;
}
