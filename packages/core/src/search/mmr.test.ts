import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { cosineSimilarity, maximalMarginalRelevance } from "./mmr.js";

// Items are points on a line; similarity falls off with distance, so nearby points are near duplicates.
const near = (a: number, b: number): number => 1 / (1 + Math.abs(a - b));
const points = [
  { item: 0, relevance: 0.9 },
  { item: 0.1, relevance: 0.85 },
  { item: 5, relevance: 0.6 },
  { item: 10, relevance: 0.5 },
];

describe("maximalMarginalRelevance", () => {
  it("orders by relevance with lambda 1, breaking ties by input order", () => {
    const tied = [
      { item: "a", relevance: 0.5 },
      { item: "b", relevance: 0.9 },
      { item: "c", relevance: 0.5 },
      { item: "d", relevance: 0.9 },
    ];
    expect(maximalMarginalRelevance(tied, () => 1, { lambda: 1, limit: 4 })).toEqual(["b", "d", "a", "c"]);
  });

  it("starts with the most relevant item and then skips near duplicates", () => {
    expect(maximalMarginalRelevance(points, near, { lambda: 1, limit: 3 })).toEqual([0, 0.1, 5]);
    expect(maximalMarginalRelevance(points, near, { lambda: 0.5, limit: 3 })).toEqual([0, 5, 10]);
    // With lambda 0 only novelty counts after the first pick, which is still the most relevant.
    expect(maximalMarginalRelevance(points, near, { lambda: 0, limit: 2 })).toEqual([0, 10]);
  });

  it("returns at most limit items and all of them when limit is larger", () => {
    expect(maximalMarginalRelevance(points, near, { lambda: 0.5, limit: 0 })).toEqual([]);
    expect(maximalMarginalRelevance([], near, { lambda: 0.5, limit: 3 })).toEqual([]);
    expect(maximalMarginalRelevance(points, near, { lambda: 0.3, limit: 10 }).sort()).toEqual([0, 0.1, 10, 5]);
  });

  it("calls similarity only between a candidate and a picked item", () => {
    const pairs: string[] = [];
    const similarity = (a: number, b: number): number => {
      pairs.push(`${a}-${b}`);
      return near(a, b);
    };
    maximalMarginalRelevance(points, similarity, { lambda: 0.5, limit: 2 });
    expect(pairs).toEqual(["0.1-0", "5-0", "10-0"]);
  });

  it("rejects lambda outside [0, 1], a bad limit and non-finite relevance", () => {
    const attempt = () => maximalMarginalRelevance([{ item: 1, relevance: Number.NaN }], near, { lambda: 1.5, limit: -1 });
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(/options\.lambda/);
    const error = (() => {
      try {
        attempt();
      } catch (caught) {
        return caught as InvalidInputError;
      }
    })();
    expect(error?.issues.map((issue) => issue.path)).toEqual(["options.lambda", "options.limit", "candidates.0.relevance"]);
    expect(() => maximalMarginalRelevance(points, near, { lambda: Number.NaN, limit: 1 })).toThrow(InvalidInputError);
    expect(() => maximalMarginalRelevance(points, near, { lambda: 0.5, limit: 1.5 })).toThrow(InvalidInputError);
  });

  it("always returns distinct candidates, the most relevant first", () => {
    const candidates = fc.array(fc.record({ item: fc.integer({ min: -50, max: 50 }), relevance: fc.double({ min: -1, max: 1, noNaN: true }) }), {
      maxLength: 20,
    });
    fc.assert(
      fc.property(candidates, fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(25), (list, lambda, limit) => {
        const indexed = list.map((candidate, index) => ({ item: index, relevance: candidate.relevance }));
        const picked = maximalMarginalRelevance(indexed, (a, b) => near(list[a]!.item, list[b]!.item), { lambda, limit });
        expect(picked).toHaveLength(Math.min(limit, list.length));
        expect(new Set(picked).size).toBe(picked.length);
        // Compared with === because the generator may produce both 0 and -0.
        if (picked.length > 0) expect(list[picked[0]!]!.relevance === Math.max(...list.map((candidate) => candidate.relevance))).toBe(true);
      }),
    );
  });
});

describe("cosineSimilarity", () => {
  it("measures the angle between vectors, ignoring their length", () => {
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(cosineSimilarity([2, 4], [1, 2])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-3, 0])).toBe(-1);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
  });

  it("returns 0 for a zero vector and rejects vectors of different lengths", () => {
    expect(cosineSimilarity([0, 0], [1, 2])).toBe(0);
    expect(cosineSimilarity([], [])).toBe(0);
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(InvalidInputError);
  });

  it("stays within [-1, 1]", () => {
    const vector = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(vector, vector, (a, b) => {
        const similarity = cosineSimilarity(a, b);
        expect(similarity).toBeGreaterThanOrEqual(-1);
        expect(similarity).toBeLessThanOrEqual(1);
      }),
    );
  });
});
