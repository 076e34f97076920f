import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MnemoError } from "../errors/mnemo-error.js";
import { validateVectors } from "./validate-vectors.js";

const matrix = fc
  .integer({ min: 1, max: 16 })
  .chain((dimensions) =>
    fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: dimensions, maxLength: dimensions }), { maxLength: 8 }),
  );

describe("validateVectors", () => {
  it("accepts any well-formed matrix unchanged, with or without the dimensions given", () => {
    fc.assert(
      fc.property(matrix, (vectors) => {
        const dimensions = vectors[0]?.length;
        expect(validateVectors(vectors, { count: vectors.length, source: "test" })).toEqual(vectors);
        expect(validateVectors(vectors, { count: vectors.length, dimensions, source: "test" })).toEqual(vectors);
      }),
    );
  });

  it("rejects any matrix with one value made non-finite", () => {
    const spoiled = fc.tuple(
      matrix.filter((vectors) => vectors.length > 0),
      fc.nat(),
      fc.nat(),
      fc.constantFrom(Number.NaN, Infinity, -Infinity),
    );
    fc.assert(
      fc.property(spoiled, ([vectors, row, column, value]) => {
        const target = vectors[row % vectors.length] as number[];
        target[column % target.length] = value;
        expect(() => validateVectors(vectors, { count: vectors.length, source: "test" })).toThrow(/not a finite number/);
      }),
    );
  });

  it("names the source and the problem in an internal error", () => {
    const check = (vectors: unknown, count: number, dimensions?: number) => () => validateVectors(vectors, { count, dimensions, source: "embedder x" });
    expect(check([[1]], 2)).toThrow("embedder x returned 1 vectors for 2 inputs.");
    expect(check([[1, 2], [1]], 2)).toThrow("embedder x returned a vector of 1 dimensions at position 1; expected 2.");
    expect(check([[1, 2]], 1, 3)).toThrow(/expected 3/);
    expect(check([[]], 1)).toThrow("embedder x returned an array of 0 values where a non-empty vector of numbers was expected.");
    expect(check([["1"]], 1)).toThrow(/not a finite number/);
    expect(check([null], 1)).toThrow("embedder x returned null where a non-empty vector of numbers was expected.");
    expect(check([[1], null], 2)).toThrow("embedder x returned null at position 1 where a vector of numbers was expected.");
    expect(check({ data: [] }, 0)).toThrow(/type object where an array of vectors/);
    const error = (() => {
      try {
        check([[Number.NaN]], 1)();
      } catch (caught) {
        return caught;
      }
    })();
    expect(MnemoError.isInstance(error) && error.code).toBe("internal");
  });

  it("copies typed arrays into plain arrays", () => {
    const [vector] = validateVectors([Float32Array.of(1, 2)], { count: 1, source: "test" });
    expect(Array.isArray(vector)).toBe(true);
    expect(vector).toEqual([1, 2]);
    expect(validateVectors([], { count: 0, source: "test" })).toEqual([]);
  });
});
