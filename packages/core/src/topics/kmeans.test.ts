import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { estimateK, kmeans } from "./kmeans.js";

/** A small LCG so the fixtures are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Three blobs of 20 vectors around orthogonal directions in 6 dimensions, interleaved, with their true labels. */
function threeBlobs(): { vectors: number[][]; labels: number[] } {
  const next = random(7);
  const vectors: number[][] = [];
  const labels: number[] = [];
  for (let index = 0; index < 60; index += 1) {
    const label = index % 3;
    // Scaled differently on purpose: spherical k-means must only care about direction.
    const scale = 1 + 9 * next();
    vectors.push(Array.from({ length: 6 }, (_, dimension) => scale * ((dimension === label * 2 ? 1 : 0) + 0.15 * (next() - 0.5))));
    labels.push(label);
  }
  return { vectors, labels };
}

/** Renames cluster labels by order of first appearance, so two partitions compare equal whatever their label numbers. */
const canonical = (labels: readonly number[]): number[] => {
  const names = new Map<number, number>();
  return labels.map((label) => names.get(label) ?? names.set(label, names.size).get(label)!);
};

const length = (vector: readonly number[]): number => Math.hypot(...vector);

describe("kmeans", () => {
  it("recovers three well-separated blobs, whatever their labels", () => {
    const { vectors, labels } = threeBlobs();
    const result = kmeans(vectors, { k: 3, seed: 1 });
    expect(result.k).toBe(3);
    expect(canonical(result.assignments)).toEqual(canonical(labels));
    expect(result.centroids).toHaveLength(3);
    for (const centroid of result.centroids) expect(length(centroid)).toBeCloseTo(1, 12);
    expect(result.inertia).toBeGreaterThan(0);
    expect(result.inertia).toBeLessThan(60 * 0.05);
  });

  it("gives the same result for the same seed and the same partition for other seeds on clear data", () => {
    const { vectors, labels } = threeBlobs();
    expect(kmeans(vectors, { k: 3, seed: 42 })).toEqual(kmeans(vectors, { k: 3, seed: 42 }));
    for (const seed of [0, 2, 3, 99]) expect(canonical(kmeans(vectors, { k: 3, seed }).assignments)).toEqual(canonical(labels));
  });

  it("lowers k to the number of vectors", () => {
    const result = kmeans(
      [
        [1, 0],
        [0, 1],
        [-1, 0],
      ],
      { k: 5 },
    );
    expect(result.k).toBe(3);
    expect([...result.assignments].sort()).toEqual([0, 1, 2]);
    expect(result.inertia).toBe(0);
  });

  it("finds one cluster in vectors that all point the same way", () => {
    const result = kmeans(
      [
        [1, 2],
        [2, 4],
        [1, 2],
        [0.5, 1],
      ],
      { k: 3, seed: 5 },
    );
    expect(result.k).toBe(1);
    expect(result.assignments).toEqual([0, 0, 0, 0]);
    expect(result.centroids[0]![0]).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(result.inertia).toBe(0);
  });

  it("puts a single vector in a single cluster, and stops after maxIterations", () => {
    expect(kmeans([[3, 4]], { k: 1 })).toEqual({ k: 1, assignments: [0], centroids: [[0.6, 0.8]], inertia: 0 });
    const { vectors } = threeBlobs();
    expect(kmeans(vectors, { k: 3, seed: 1, maxIterations: 1 }).assignments).toHaveLength(60);
  });

  it("rejects empty input, bad vectors and bad options, listing every issue", () => {
    expect(() => kmeans([], { k: 2 })).toThrow(InvalidInputError);
    const attempt = () => kmeans([[1, 0], [1], [Number.NaN, 1], [0, 0], [1, Number.POSITIVE_INFINITY]], { k: 1.5, maxIterations: 0 });
    expect(attempt).toThrow(/options\.k/);
    const error = (() => {
      try {
        attempt();
      } catch (caught) {
        return caught as InvalidInputError;
      }
    })();
    expect(error?.issues.map((issue) => issue.path)).toEqual(["options.k", "options.maxIterations", "vectors.1", "vectors.2", "vectors.3", "vectors.4"]);
    expect(() => kmeans([[1, 0]], { k: 0 })).toThrow(InvalidInputError);
    expect(() => kmeans([[1, 0]], { k: 1, seed: Number.NaN })).toThrow(/options\.seed/);
    expect(() => kmeans([[]], { k: 1 })).toThrow(/vectors\.0/);
  });

  it("always assigns every vector to a cluster in [0, k) around unit-length centroids", () => {
    const vector = (dimensions: number) =>
      fc.array(fc.integer({ min: -4, max: 4 }), { minLength: dimensions, maxLength: dimensions }).filter((values) => values.some((value) => value !== 0));
    const input = fc.integer({ min: 1, max: 4 }).chain((dimensions) => fc.array(vector(dimensions), { minLength: 1, maxLength: 25 }));
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 8 }), fc.integer(), (vectors, k, seed) => {
        const result = kmeans(vectors, { k, seed });
        expect(result.k).toBeGreaterThanOrEqual(1);
        expect(result.k).toBeLessThanOrEqual(Math.min(k, vectors.length));
        expect(result.assignments).toHaveLength(vectors.length);
        for (const cluster of result.assignments) expect(cluster >= 0 && cluster < result.k && Number.isInteger(cluster)).toBe(true);
        expect(result.centroids).toHaveLength(result.k);
        for (const centroid of result.centroids) expect(length(centroid)).toBeCloseTo(1, 9);
        expect(result.inertia).toBeGreaterThanOrEqual(0);
        expect(estimateK(vectors, { seed })).toBeLessThanOrEqual(Math.max(1, vectors.length - 1));
      }),
    );
  });
});

describe("estimateK", () => {
  it("finds three topics in three blobs", () => {
    const { vectors } = threeBlobs();
    expect(estimateK(vectors)).toBe(3);
    expect(estimateK(vectors, { maxK: 10, seed: 3 })).toBe(3);
    expect(estimateK(vectors, { maxK: 2 })).toBe(2);
  });

  it("returns 1 for fewer than 3 vectors, for vectors that all point the same way, and for maxK 1", () => {
    expect(estimateK([[1, 0]])).toBe(1);
    expect(
      estimateK([
        [1, 0],
        [0, 1],
      ]),
    ).toBe(1);
    expect(
      estimateK([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
      ]),
    ).toBe(1);
    expect(estimateK(threeBlobs().vectors, { maxK: 1 })).toBe(1);
  });

  it("tries k = 2 even for three vectors", () => {
    expect(
      estimateK([
        [1, 0],
        [0.99, 0.01],
        [0, 1],
      ]),
    ).toBe(2);
  });

  it("rejects a bad maxK and invalid vectors", () => {
    expect(() => estimateK(threeBlobs().vectors, { maxK: 0 })).toThrow(/options\.maxK/);
    expect(() => estimateK([])).toThrow(InvalidInputError);
  });
});
