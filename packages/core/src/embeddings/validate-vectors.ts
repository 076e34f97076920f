import { MnemoError } from "../errors/mnemo-error.js";

/** What {@link validateVectors} expects of a model's output. */
export interface VectorExpectation {
  /** How many vectors: one per input text. */
  count: number;
  /** Length of every vector; when undefined, the first vector's length is used (to probe a model). */
  dimensions?: number | undefined;
  /** Who produced the vectors, named in error messages, e.g. `embedder hf:all-MiniLM-L6-v2:fp32:mean`. */
  source: string;
}

/**
 * Checks a model's output before it is stored: one vector per input, every vector of the same
 * length, and only finite numbers. Typed arrays (e.g. `Float32Array`) are copied to plain arrays.
 *
 * A mismatch means the model, server or wrapped library misbehaved, not the caller, so it throws
 * {@link MnemoError} with code `internal`; the message names positions, never the input texts.
 */
export function validateVectors(vectors: unknown, expected: VectorExpectation): number[][] {
  const { count, source } = expected;
  if (!Array.isArray(vectors)) throw invalidOutput(`${source} returned ${describe(vectors)} where an array of vectors was expected`);
  if (vectors.length !== count) throw invalidOutput(`${source} returned ${vectors.length} vectors for ${count} inputs`);
  const dimensions = expected.dimensions ?? numbersOf(vectors[0])?.length;
  if (vectors.length > 0 && (dimensions === undefined || dimensions === 0)) {
    throw invalidOutput(`${source} returned ${describe(vectors[0])} where a non-empty vector of numbers was expected`);
  }
  return vectors.map((vector: unknown, index) => checkedVector(vector, index, dimensions ?? 0, source));
}

function checkedVector(vector: unknown, index: number, dimensions: number, source: string): number[] {
  const values = numbersOf(vector);
  if (values === undefined) throw invalidOutput(`${source} returned ${describe(vector)} at position ${index} where a vector of numbers was expected`);
  if (values.length !== dimensions) {
    throw invalidOutput(`${source} returned a vector of ${values.length} dimensions at position ${index}; expected ${dimensions}`);
  }
  for (const value of values) {
    // NaN is what a local model gives for input it cannot represent; it would poison every distance.
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw invalidOutput(`${source} returned a vector with a value that is not a finite number (NaN, Infinity or non-numeric) at position ${index}`);
    }
  }
  return values as number[];
}

function numbersOf(vector: unknown): unknown[] | undefined {
  if (Array.isArray(vector)) return vector;
  if (vector instanceof Float32Array || vector instanceof Float64Array) return Array.from(vector);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array) return `an array of ${value.length} values`;
  return `a value of type ${typeof value}`;
}

function invalidOutput(message: string): MnemoError {
  return new MnemoError("internal", `${message}.`);
}
