import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";

/** An item offered to {@link maximalMarginalRelevance}, with how relevant it is (higher is better). */
export interface RelevanceCandidate<T> {
  item: T;
  /** Relevance on any scale, e.g. cosine similarity to the query; must be a finite number. */
  relevance: number;
}

/** Options for {@link maximalMarginalRelevance}. */
export interface MmrOptions {
  /**
   * Trade-off in [0, 1] between relevance and novelty: 1 ranks by relevance alone, 0 by novelty alone
   * (after the first, most relevant, pick).
   */
  lambda: number;
  /** How many items to pick at most; a non-negative integer. */
  limit: number;
}

/**
 * Picks up to `limit` items that are relevant and unlike each other (Maximal Marginal Relevance).
 *
 * Greedy: the first pick is the most relevant item; each next pick maximises
 * `λ·relevance − (1 − λ)·(highest similarity to an item already picked)`. Ties go to the item that
 * comes first in `candidates`, so the result is deterministic, and `lambda: 1` gives plain relevance order.
 * `similarity` is called O(candidates × limit) times.
 *
 * @throws {InvalidInputError} when `lambda` is outside [0, 1], `limit` is not a non-negative integer, or a relevance is not finite.
 * @example
 * ```ts
 * const picked = maximalMarginalRelevance(
 *   hits.map((hit) => ({ item: hit, relevance: hit.score })),
 *   (a, b) => cosineSimilarity(a.vector, b.vector),
 *   { lambda: 0.5, limit: 5 },
 * );
 * ```
 */
export function maximalMarginalRelevance<T>(candidates: readonly RelevanceCandidate<T>[], similarity: (a: T, b: T) => number, options: MmrOptions): T[] {
  checkMmrInput(candidates, options);
  const { lambda } = options;
  const remaining = [...candidates.keys()];
  // The highest similarity of each candidate to any pick so far, updated after every pick.
  const closest = new Array<number>(candidates.length).fill(Number.NEGATIVE_INFINITY);
  const picked: T[] = [];
  while (picked.length < options.limit && remaining.length > 0) {
    const score = (index: number): number => {
      const relevance = candidates[index]!.relevance;
      return picked.length === 0 ? relevance : lambda * relevance - (1 - lambda) * closest[index]!;
    };
    let best = 0;
    for (let position = 1; position < remaining.length; position += 1) {
      if (score(remaining[position]!) > score(remaining[best]!)) best = position;
    }
    const [chosen] = remaining.splice(best, 1);
    const item = candidates[chosen!]!.item;
    picked.push(item);
    if (picked.length === options.limit) break;
    for (const index of remaining) closest[index] = Math.max(closest[index]!, similarity(candidates[index]!.item, item));
  }
  return picked;
}

/**
 * Cosine similarity of two vectors of equal length, in [-1, 1]; 0 when either vector is all zeros.
 *
 * @throws {InvalidInputError} when the vectors differ in length.
 * @example
 * ```ts
 * cosineSimilarity([1, 0], [1, 1]); // ≈ 0.7071
 * ```
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new InvalidInputError(`cosineSimilarity: the vectors differ in length (${a.length} and ${b.length}).`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index]!;
    const right = b[index]!;
    dot += left * right;
    normA += left * left;
    normB += right * right;
  }
  if (normA === 0 || normB === 0) return 0;
  // Rounding can push the ratio of parallel vectors just past ±1.
  return Math.min(1, Math.max(-1, dot / (Math.sqrt(normA) * Math.sqrt(normB))));
}

function checkMmrInput(candidates: readonly RelevanceCandidate<unknown>[], options: MmrOptions): void {
  const issues: InputIssue[] = [];
  const { lambda, limit } = options;
  if (typeof lambda !== "number" || !(lambda >= 0 && lambda <= 1)) issues.push({ path: "options.lambda", message: "must be a number from 0 to 1" });
  if (!Number.isInteger(limit) || limit < 0) issues.push({ path: "options.limit", message: "must be a non-negative integer" });
  const unscored = candidates.findIndex((candidate) => typeof candidate.relevance !== "number" || !Number.isFinite(candidate.relevance));
  if (unscored >= 0) issues.push({ path: `candidates.${unscored}.relevance`, message: "must be a finite number" });
  const first = issues[0];
  if (first !== undefined) throw new InvalidInputError(`Invalid MMR input at ${first.path}: it ${first.message}.`, { issues });
}
