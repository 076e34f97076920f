import { MnemoError, type MnemoErrorOptions } from "./mnemo-error.js";

/** The write contradicts what is stored (e.g. a message id reused with other content). */
export class ConflictError extends MnemoError {
  override readonly name = "ConflictError";

  constructor(message: string, options: MnemoErrorOptions = {}) {
    super("conflict", message, options);
  }

  /** True for a ConflictError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is ConflictError {
    return MnemoError.isInstance(error) && error.code === "conflict";
  }
}
