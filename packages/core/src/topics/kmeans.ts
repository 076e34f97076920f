import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";

/** The outcome of {@link kmeans}. */
export interface KMeansResult {
  /** Clusters found: the requested `k`, or fewer when there are fewer distinct directions among the vectors. */
  k: number;
  /** The cluster of each vector, in [0, k), in input order. */
  assignments: number[];
  /** Unit-length centre of each cluster. */
  centroids: number[][];
  /** Sum over vectors of the cosine distance (1 − cosine similarity) to their own centroid; lower is tighter. */
  inertia: number;
}

/** Options for {@link kmeans}. */
export interface KMeansOptions {
  /** Clusters wanted; a positive integer, lowered to the number of vectors. */
  k: number;
  /** Seed of the pseudo-random initialisation; the same seed gives the same result. @default 0 */
  seed?: number;
  /** Assignment rounds at most; it stops earlier once no vector changes cluster. @default 100 */
  maxIterations?: number;
}

/** Options for {@link estimateK}. */
export interface EstimateKOptions {
  /** Largest k to try. @default min(10, floor(sqrt(n))), at least 2 */
  maxK?: number;
  /** Seed passed to every {@link kmeans} run. @default 0 */
  seed?: number;
}

type Unit = readonly number[];

// Below this, a cosine distance is rounding noise: a vector and its own normalised copy differ by ~1e-16.
const sameDirection = 1e-10;

/**
 * Spherical k-means: clusters vectors by direction (cosine similarity), as suits embeddings of
 * conversations. Vectors are normalised; centroids start by k-means++ from a seeded generator, so
 * the result is deterministic; a cluster left empty is re-seeded with the vector farthest from its
 * centroid; it stops when no vector changes cluster. Each round costs O(n·k·d).
 *
 * @throws {InvalidInputError} when `vectors` is empty, holds a vector that is all zeros, of another
 * length than the first or with a non-finite number, or when `k` or `maxIterations` is not a positive integer.
 * @example
 * ```ts
 * const { assignments, centroids } = kmeans(conversationVectors, { k: 5, seed: 42 });
 * ```
 */
export function kmeans(vectors: readonly (readonly number[])[], options: KMeansOptions): KMeansResult {
  const { k, seed = 0, maxIterations = 100 } = options;
  const issues: InputIssue[] = [];
  if (!Number.isInteger(k) || k < 1) issues.push({ path: "options.k", message: "must be a positive integer" });
  if (!Number.isInteger(maxIterations) || maxIterations < 1) issues.push({ path: "options.maxIterations", message: "must be a positive integer" });
  if (!Number.isFinite(seed)) issues.push({ path: "options.seed", message: "must be a finite number" });
  const units = checkedUnits(vectors, issues);
  return cluster(units, Math.min(k, units.length), seed, maxIterations);
}

/**
 * Estimates how many topics a set of vectors holds: the k in 2..`maxK` whose {@link kmeans} clustering
 * has the best mean silhouette under cosine distance (ties go to the smaller k). Returns 1 when there
 * are fewer than 3 vectors, when they all point the same way, or when `maxK` is 1. The silhouette is
 * exact yet O(n·k·d), from per-cluster sums of unit vectors.
 *
 * @throws {InvalidInputError} for the same invalid vectors as {@link kmeans}, or a `maxK` that is not a positive integer.
 * @example
 * ```ts
 * const k = estimateK(conversationVectors, { seed: 42 });
 * const topics = kmeans(conversationVectors, { k, seed: 42 });
 * ```
 */
export function estimateK(vectors: readonly (readonly number[])[], options: EstimateKOptions = {}): number {
  const { seed = 0 } = options;
  const issues: InputIssue[] = [];
  if (options.maxK !== undefined && (!Number.isInteger(options.maxK) || options.maxK < 1)) {
    issues.push({ path: "options.maxK", message: "must be a positive integer" });
  }
  if (!Number.isFinite(seed)) issues.push({ path: "options.seed", message: "must be a finite number" });
  const units = checkedUnits(vectors, issues);
  const n = units.length;
  // With k = n every cluster is a singleton and the silhouette is 0 by definition, so n − 1 is the useful limit.
  const maxK = Math.min(options.maxK ?? Math.max(2, Math.min(10, Math.floor(Math.sqrt(n)))), n - 1);
  let best = { k: 1, silhouette: Number.NEGATIVE_INFINITY };
  for (let k = 2; k <= maxK; k += 1) {
    const result = cluster(units, k, seed, 100);
    // Fewer clusters than asked means fewer distinct directions than k; a larger k cannot do better.
    if (result.k < k) break;
    const score = meanSilhouette(units, result.assignments, k);
    if (score > best.silhouette) best = { k, silhouette: score };
  }
  return best.k;
}

function cluster(units: readonly Unit[], k: number, seed: number, maxIterations: number): KMeansResult {
  const centroids = initialCentroids(units, k, mulberry32(seed));
  let assignments = new Array<number>(units.length).fill(-1);
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    const next = units.map((unit) => nearest(unit, centroids).index);
    reseedEmptyClusters(units, next, centroids);
    const changed = next.some((cluster, index) => cluster !== assignments[index]);
    assignments = next;
    if (!changed) break;
    updateCentroids(units, assignments, centroids);
  }
  const inertia = units.reduce((sum, unit, index) => sum + distance(unit, centroids[assignments[index]!]!), 0);
  return { k: centroids.length, assignments, centroids: centroids.map((centroid) => [...centroid]), inertia };
}

/** k-means++: each next centroid is a vector drawn with probability proportional to its squared distance to the nearest centroid so far. */
function initialCentroids(units: readonly Unit[], k: number, random: () => number): number[][] {
  const centroids = [[...units[Math.floor(random() * units.length)]!]];
  const closest = units.map((unit) => distance(unit, centroids[0]!));
  while (centroids.length < k) {
    const total = closest.reduce((sum, value) => sum + value * value, 0);
    // Every vector coincides with a centroid: there are fewer distinct directions than k.
    if (total === 0) break;
    let target = random() * total;
    let chosen = closest.findIndex((value) => value > 0);
    for (let index = 0; index < units.length; index += 1) {
      target -= closest[index]! * closest[index]!;
      if (target < 0 && closest[index]! > 0) {
        chosen = index;
        break;
      }
    }
    const centroid = [...units[chosen]!];
    centroids.push(centroid);
    units.forEach((unit, index) => {
      closest[index] = Math.min(closest[index]!, distance(unit, centroid));
    });
  }
  return centroids;
}

/** Gives each empty cluster the vector farthest from its own centroid, taken from a cluster that keeps at least one vector. */
function reseedEmptyClusters(units: readonly Unit[], assignments: number[], centroids: number[][]): void {
  const sizes = new Array<number>(centroids.length).fill(0);
  for (const cluster of assignments) sizes[cluster]! += 1;
  sizes.forEach((size, empty) => {
    if (size > 0) return;
    let farthest = -1;
    let farthestDistance = Number.NEGATIVE_INFINITY;
    units.forEach((unit, index) => {
      const cluster = assignments[index]!;
      const gap = distance(unit, centroids[cluster]!);
      if (sizes[cluster]! > 1 && gap > farthestDistance) [farthest, farthestDistance] = [index, gap];
    });
    if (farthest < 0) return;
    sizes[assignments[farthest]!]! -= 1;
    sizes[empty] = 1;
    assignments[farthest] = empty;
    centroids[empty] = [...units[farthest]!];
  });
}

function updateCentroids(units: readonly Unit[], assignments: readonly number[], centroids: number[][]): void {
  const sums = clusterSums(units, assignments, centroids.length);
  sums.forEach((sum, cluster) => {
    const length = norm(sum);
    // Vectors that cancel out (e.g. two opposite ones) have no mean direction; keep the old centroid.
    if (length > 0) centroids[cluster] = sum.map((value) => value / length);
  });
}

/**
 * Mean silhouette under cosine distance. For unit vectors the mean distance from x to the members of a
 * cluster C is 1 − x·ΣC/|C| (excluding x itself: (|C| − x·ΣC)/(|C| − 1)), so no pairwise distances are needed.
 */
function meanSilhouette(units: readonly Unit[], assignments: readonly number[], k: number): number {
  const sums = clusterSums(units, assignments, k);
  const sizes = new Array<number>(k).fill(0);
  for (const cluster of assignments) sizes[cluster]! += 1;
  let total = 0;
  units.forEach((unit, index) => {
    const own = assignments[index]!;
    const size = sizes[own]!;
    // A vector alone in its cluster has silhouette 0 by convention.
    if (size === 1) return;
    const within = Math.max(0, (size - dot(unit, sums[own]!)) / (size - 1));
    let between = Number.POSITIVE_INFINITY;
    sums.forEach((sum, cluster) => {
      if (cluster !== own && sizes[cluster]! > 0) between = Math.min(between, Math.max(0, 1 - dot(unit, sum) / sizes[cluster]!));
    });
    const spread = Math.max(within, between);
    if (spread > 0 && Number.isFinite(between)) total += (between - within) / spread;
  });
  return total / units.length;
}

function clusterSums(units: readonly Unit[], assignments: readonly number[], k: number): number[][] {
  const dimensions = units[0]!.length;
  const sums = Array.from({ length: k }, () => new Array<number>(dimensions).fill(0));
  units.forEach((unit, index) => {
    const sum = sums[assignments[index]!]!;
    for (let dimension = 0; dimension < dimensions; dimension += 1) sum[dimension]! += unit[dimension]!;
  });
  return sums;
}

function nearest(unit: Unit, centroids: readonly Unit[]): { index: number; distance: number } {
  let best = { index: 0, distance: Number.POSITIVE_INFINITY };
  centroids.forEach((centroid, index) => {
    const gap = distance(unit, centroid);
    if (gap < best.distance) best = { index, distance: gap };
  });
  return best;
}

/** Cosine distance of two unit vectors, with rounding noise snapped to 0. */
function distance(a: Unit, b: Unit): number {
  const gap = 1 - dot(a, b);
  return gap < sameDirection ? 0 : gap;
}

function dot(a: Unit, b: Unit): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index]! * b[index]!;
  return sum;
}

/** Euclidean length, scaled first so that very large or very small values neither overflow nor underflow. */
function norm(vector: Unit): number {
  let largest = 0;
  for (const value of vector) largest = Math.max(largest, Math.abs(value));
  if (largest === 0) return 0;
  let sum = 0;
  for (const value of vector) sum += (value / largest) ** 2;
  return largest * Math.sqrt(sum);
}

/** Checks the vectors (adding to `issues`), throws if anything was wrong, and returns them scaled to unit length. */
function checkedUnits(vectors: readonly (readonly number[])[], issues: InputIssue[]): Unit[] {
  if (!Array.isArray(vectors) || vectors.length === 0) issues.push({ path: "vectors", message: "must be a non-empty array of vectors" });
  const list: readonly (readonly number[])[] = Array.isArray(vectors) ? vectors : [];
  const dimensions = Array.isArray(list[0]) ? list[0].length : 0;
  const units = list.map((vector, index) => {
    const problem = vectorProblem(vector, dimensions);
    if (problem !== undefined) {
      issues.push({ path: `vectors.${index}`, message: problem });
      return [];
    }
    const length = norm(vector);
    return vector.map((value) => value / length);
  });
  const first = issues[0];
  if (first !== undefined) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new InvalidInputError(`Cannot cluster: ${first.path} ${first.message}${more}.`, { issues });
  }
  return units;
}

function vectorProblem(vector: unknown, dimensions: number): string | undefined {
  if (!Array.isArray(vector) || vector.length === 0) return "must be a non-empty array of numbers";
  if (vector.length !== dimensions) return `must have ${dimensions} dimensions, like the first vector`;
  if (!vector.every((value) => typeof value === "number" && Number.isFinite(value))) return "must hold only finite numbers";
  if (norm(vector) === 0) return "must not be all zeros: it has no direction";
  return undefined;
}

/** mulberry32: a tiny, fast 32-bit PRNG, good enough to pick starting centroids; returns numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
