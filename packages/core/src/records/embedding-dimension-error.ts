import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError, type MnemoErrorOptions } from "../errors/mnemo-error.js";

/**
 * A vector's length differs from the dimensions its embedding model is stored with (or from the
 * other vectors of the call). Nothing was written. `code` stays `invalid_input` (it is invalid input,
 * and every handler of {@link InvalidInputError} still catches it); `reason` is `dimension_mismatch`.
 * @example
 * try { await memory.records.upsert(request); } catch (error) {
 *   if (EmbeddingDimensionError.isInstance(error)) console.log(error.expected, error.actual);
 * }
 */
export class EmbeddingDimensionError extends InvalidInputError {
  // The base class types its name as a literal; at run time this error names itself.
  override readonly name = "EmbeddingDimensionError" as "InvalidInputError";
  /** Always `dimension_mismatch`: tells this error apart from other invalid input. */
  readonly reason = "dimension_mismatch";
  /** The dimensions of the model's stored vectors. */
  readonly expected: number;
  /** The dimensions of the vector that was given. */
  readonly actual: number;
  /** The embedding model's name. */
  readonly model: string;

  constructor(details: { expected: number; actual: number; model: string; path: string }, options: MnemoErrorOptions = {}) {
    const message = `Invalid ${details.path}: it has ${details.actual} dimensions; embedding model ${JSON.stringify(details.model)} stores ${details.expected}.`;
    super(message, { ...options, issues: [{ path: details.path, message: `must have ${details.expected} dimensions, not ${details.actual}` }] });
    this.expected = details.expected;
    this.actual = details.actual;
    this.model = details.model;
  }

  /** True for an EmbeddingDimensionError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is EmbeddingDimensionError {
    return MnemoError.isInstance(error) && (error as { reason?: unknown }).reason === "dimension_mismatch";
  }
}
