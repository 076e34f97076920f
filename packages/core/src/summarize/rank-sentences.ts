/** The centrality of each sentence, and how alike two sentences are. */
export interface SentenceRanking {
  /** LexRank score per sentence, in input order; they sum to 1. */
  scores: number[];
  /** Cosine similarity of the TF-IDF vectors of sentences `left` and `right` (0 when they share no term). */
  similarity(left: number, right: number): number;
}

// LexRank (Erkan & Radev, 2004), continuous variant: a random walk over the sentence-similarity graph.
const damping = 0.85;
const maxIterations = 100;
const tolerance = 1e-10;
// Below this, a sentence's total similarity to the others is rounding error: it has no neighbour.
const isolatedBelow = 1e-9;

/** A unit-length TF-IDF vector: term → weight. */
type Vector = Map<string, number>;

/**
 * Ranks sentences, each given as its list of terms, by continuous LexRank: TF-IDF cosine
 * similarity between every pair, then the stationary distribution of a damped random walk over
 * that graph. A sentence that says what many others say ranks high; an off-topic one ranks low.
 * Deterministic: the same input gives the same scores.
 *
 * @example
 * ```ts
 * rankSentences([["japan", "trip"], ["cat", "vase"], ["trip", "japan", "april"]]).scores; // the cat ranks last
 * ```
 */
export function rankSentences(termLists: readonly (readonly string[])[]): SentenceRanking {
  const vectors = tfIdfVectors(termLists);
  return {
    scores: centrality(vectors),
    similarity: (left, right) => (left === right ? 1 : dot(vectors[left], vectors[right])),
  };
}

/** Unit-length TF-IDF vectors; idf is smoothed, `log(1 + n / df)`, so a term in every sentence still counts a little. */
function tfIdfVectors(termLists: readonly (readonly string[])[]): Vector[] {
  const documentFrequency = new Map<string, number>();
  for (const terms of termLists) for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  return termLists.map((terms) => {
    const vector: Vector = new Map();
    for (const term of terms) vector.set(term, (vector.get(term) ?? 0) + 1);
    let norm = 0;
    for (const [term, frequency] of vector) {
      const weight = frequency * Math.log(1 + termLists.length / (documentFrequency.get(term) ?? 1));
      vector.set(term, weight);
      norm += weight * weight;
    }
    for (const [term, weight] of vector) vector.set(term, weight / Math.sqrt(norm));
    return vector;
  });
}

function dot(left: Vector | undefined, right: Vector | undefined): number {
  if (left === undefined || right === undefined) return 0;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  let sum = 0;
  for (const [term, weight] of small) sum += weight * (large.get(term) ?? 0);
  return sum;
}

/** `Σ scale(i) · vectors[i]`, one sparse vector. */
function weightedSum(vectors: readonly Vector[], scale: (sentence: number) => number): Vector {
  const sum: Vector = new Map();
  vectors.forEach((vector, sentence) => {
    const factor = scale(sentence);
    if (factor !== 0) for (const [term, weight] of vector) sum.set(term, (sum.get(term) ?? 0) + factor * weight);
  });
  return sum;
}

/**
 * The stationary distribution of the damped walk, where a step from sentence i goes to j ≠ i with
 * probability `sim(i, j) / Σₖ sim(i, k)`, and a sentence with no neighbour jumps anywhere.
 *
 * The similarity matrix is never built: with unit vectors, `Σᵢ qᵢ·sim(i, j) = (Σᵢ qᵢ·vᵢ)·vⱼ − qⱼ`,
 * so one iteration costs one pass over the vectors instead of one per pair of sentences (a
 * transcript where every sentence shares a word with every other would otherwise be quadratic).
 */
function centrality(vectors: readonly Vector[]): number[] {
  const count = vectors.length;
  const total = weightedSum(vectors, () => 1);
  const rowSums = vectors.map((vector) => dot(vector, total) - (vector.size > 0 ? 1 : 0));
  const hasNeighbour = rowSums.map((sum) => sum >= isolatedBelow);
  let scores = new Array<number>(count).fill(1 / count);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const current = scores;
    const share = (sentence: number) => (hasNeighbour[sentence] ? (current[sentence] ?? 0) / (rowSums[sentence] ?? 1) : 0);
    const isolated = current.reduce((sum, score, sentence) => (hasNeighbour[sentence] ? sum : sum + score), 0);
    const flow = weightedSum(vectors, share);
    const base = (1 - damping + damping * isolated) / count;
    scores = vectors.map((vector, sentence) => base + damping * Math.max(0, dot(vector, flow) - share(sentence)));
    const change = scores.reduce((sum, score, sentence) => sum + Math.abs(score - (current[sentence] ?? 0)), 0);
    if (change < tolerance) break;
  }
  return scores;
}
