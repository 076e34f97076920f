import { createHash } from "node:crypto";
import type { Embedder } from "../embeddings/embedder.js";

/**
 * A deterministic bag-of-words embedder for tests: each lower-cased word adds 1 to a bucket chosen by
 * its hash, and the vector is normalised. Texts that share words are close; it needs no model.
 */
export function createHashingEmbedder(dimensions = 64, id = `test:hashing:${dimensions}`): Embedder & { calls: number } {
  const embed = (text: string): number[] => {
    const vector = new Array<number>(dimensions).fill(0);
    for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
      const bucket = createHash("sha1").update(word).digest().readUInt32BE(0) % dimensions;
      vector[bucket] = (vector[bucket] ?? 0) + 1;
    }
    const norm = Math.hypot(...vector) || 1;
    return vector.map((value) => (value === 0 && norm === 1 ? 1 / Math.sqrt(dimensions) : value / norm));
  };
  const embedder = {
    id,
    dimensions,
    calls: 0,
    async embedDocuments(texts: readonly string[]) {
      embedder.calls += 1;
      return texts.map(embed);
    },
    async embedQuery(text: string) {
      return embed(text);
    },
  };
  return embedder;
}
