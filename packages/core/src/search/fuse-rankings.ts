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

/** An item of either ranking with its fused score and its rank in each leg. */
export interface Fused<T> {
  item: T;
  score: number;
  lexicalRank: number | undefined;
  vectorRank: number | undefined;
}

/**
 * Weighted reciprocal rank fusion of any two rankings (best first): score = Σ weight / (k + rank).
 * Ranks, not raw scores, are combined, because BM25 and cosine similarity live on unrelated scales.
 * Items are matched by `keyOf`; ties keep the order in which items were first seen (lexical first).
 * @example
 * fuseRanked(lexicalHits, vectorHits, (hit) => hit.memoryId, { lexicalWeight: 1, vectorWeight: 0.6, k: 5 });
 */
export function fuseRanked<T>(lexical: readonly T[], vector: readonly T[], keyOf: (item: T) => string, options: FusionOptions): Fused<T>[] {
  const fused = new Map<string, Fused<T>>();
  const add = (items: readonly T[], weight: number, leg: "lexicalRank" | "vectorRank") => {
    items.forEach((item, index) => {
      const key = keyOf(item);
      const entry = fused.get(key) ?? { item, score: 0, lexicalRank: undefined, vectorRank: undefined };
      entry.score += weight / (options.k + index + 1);
      entry[leg] = index + 1;
      fused.set(key, entry);
    });
  };
  add(lexical, options.lexicalWeight, "lexicalRank");
  add(vector, options.vectorWeight, "vectorRank");
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/** {@link fuseRanked} for conversation pieces, ties broken by (conversation, seq, chunk). */
export function fuseRankings(lexical: readonly PieceHit[], vector: readonly PieceHit[], options: FusionOptions): FusedHit[] {
  return fuseRanked(lexical, vector, (hit) => `${hit.conversationId}\u0000${hit.seq}\u0000${hit.chunkIndex}`, options)
    .map(({ item, score, lexicalRank, vectorRank }) => ({ ...item, score, lexicalRank, vectorRank }))
    .sort((a, b) => b.score - a.score || compareKeys(a, b));
}

function compareKeys(a: PieceHit, b: PieceHit): number {
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : a.seq - b.seq || a.chunkIndex - b.chunkIndex;
}
