const marker = Symbol.for("mnemo.error");

/** Stable machine-readable error codes. */
export type MnemoErrorCode = "invalid_input" | "not_found" | "conflict" | "unavailable" | "migration_mismatch" | "budget_exceeded" | "internal";

/** Options shared by every Mnemo error. */
export interface MnemoErrorOptions {
  /** The underlying error, kept so nothing is lost when wrapping. */
  cause?: unknown;
}

/**
 * Base class of every error Mnemo throws. `code` is stable across releases;
 * messages never contain user content or SQL parameters.
 */
export class MnemoError extends Error {
  readonly [marker] = true;
  override readonly name: string = "MnemoError";
  readonly code: MnemoErrorCode;

  constructor(code: MnemoErrorCode, message: string, options: MnemoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** True for any Mnemo error, even one thrown by a second installed copy of this package. */
  static isInstance(error: unknown): error is MnemoError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
