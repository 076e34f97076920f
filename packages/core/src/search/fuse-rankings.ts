import type { PieceHit } from "./search-messages.js";

/** A fused hit, with where it ranked in each leg (1-based). */
export interface FusedHit extends PieceHit {
  lexicalRank: number | undefined;
  vectorRank: number | undefined;
}

/** How two rankings are combined. */
export interface FusionOptions {
  /** Weight of the lexical ranking. @default 1 */
  lexicalWeight: number;
  /** Weight of the vector ranking. @default 1 */
  vectorWeight: number;
  /** The reciprocal-rank constant: larger flattens the head of each ranking. @default 60 */
  k: number;
}

/**
 * Weighted reciprocal rank fusion: score = Σ weight / (k + rank). Ranks, not raw scores, are
 * combined, because BM25 and cosine similarity live on unrelated scales.
 */
export function fuseRankings(lexical: readonly PieceHit[], vector: readonly PieceHit[], options: FusionOptions): FusedHit[] {
  const fused = new Map<string, FusedHit>();
  const add = (hits: readonly PieceHit[], weight: number, leg: "lexicalRank" | "vectorRank") => {
    hits.forEach((hit, index) => {
      const key = `${hit.conversationId}\u0000${hit.seq}\u0000${hit.chunkIndex}`;
      const entry = fused.get(key) ?? { ...hit, score: 0, lexicalRank: undefined, vectorRank: undefined };
      entry.score += weight / (options.k + index + 1);
      entry[leg] = index + 1;
      fused.set(key, entry);
    });
  };
  add(lexical, options.lexicalWeight, "lexicalRank");
  add(vector, options.vectorWeight, "vectorRank");
  return [...fused.values()].sort((a, b) => b.score - a.score || compareKeys(a, b));
}

function compareKeys(a: PieceHit, b: PieceHit): number {
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : a.seq - b.seq || a.chunkIndex - b.chunkIndex;
}
