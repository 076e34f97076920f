import { describe, expect, it } from "vitest";
import { rankSentences } from "./rank-sentences.js";

/** Continuous LexRank computed the textbook way, from the full similarity matrix. */
function matrixLexRank(termLists: string[][]): number[] {
  const { similarity } = rankSentences(termLists);
  const count = termLists.length;
  const matrix = termLists.map((_, row) => termLists.map((_, column) => (row === column ? 0 : similarity(row, column))));
  const rowSums = matrix.map((row) => row.reduce((sum, value) => sum + value, 0));
  let scores = new Array<number>(count).fill(1 / count);
  for (let iteration = 0; iteration < 500; iteration++) {
    const isolated = scores.reduce((sum, score, row) => ((rowSums[row] ?? 0) > 1e-9 ? sum : sum + score), 0);
    scores = scores.map(
      (_, column) =>
        (0.15 + 0.85 * isolated) / count +
        0.85 *
          matrix.reduce(
            (sum, row, index) => ((rowSums[index] ?? 0) > 1e-9 ? sum + ((scores[index] ?? 0) * (row[column] ?? 0)) / (rowSums[index] ?? 1) : sum),
            0,
          ),
    );
  }
  return scores;
}

describe("rankSentences", () => {
  const sentences = [["japan", "trip", "april"], ["cat", "vase"], ["kyoto", "hotel", "japan", "trip"], ["april", "japan", "kyoto"], ["tea"], []];

  it("ranks what many sentences share first and isolated sentences last", () => {
    const { scores } = rankSentences(sentences);
    expect(scores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 9);
    const best = scores.indexOf(Math.max(...scores));
    expect([0, 2, 3]).toContain(best);
    const connected = Math.min(scores[0] ?? 0, scores[2] ?? 0, scores[3] ?? 0);
    for (const isolated of [1, 4, 5]) expect(scores[isolated]).toBeLessThan(connected);
  });

  it("matches LexRank computed over the full similarity matrix", () => {
    const expected = matrixLexRank(sentences);
    for (const [index, score] of rankSentences(sentences).scores.entries()) expect(score).toBeCloseTo(expected[index] ?? Number.NaN, 8);
  });

  it("gives cosine similarities", () => {
    const { similarity } = rankSentences(sentences);
    expect(similarity(0, 0)).toBe(1);
    expect(similarity(0, 1)).toBe(0);
    expect(similarity(0, 3)).toBeGreaterThan(0);
    expect(similarity(0, 3)).toBeCloseTo(similarity(3, 0), 12);
    expect(similarity(0, 5)).toBe(0);
  });

  it("handles no sentences and stays fast on a dense transcript", () => {
    expect(rankSentences([]).scores).toEqual([]);
    const words = "memory summary token budget japan trip april kyoto hotel cat vase tea".split(" ");
    const dense = Array.from({ length: 5000 }, (_, index) => Array.from({ length: 12 }, (_, offset) => words[(index * 7 + offset * 5) % words.length] ?? ""));
    const started = performance.now();
    expect(rankSentences(dense).scores).toHaveLength(5000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
