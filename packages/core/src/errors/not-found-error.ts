import { MnemoError, type MnemoErrorOptions } from "./mnemo-error.js";

/** The thing asked for does not exist (for this user). */
export class NotFoundError extends MnemoError {
  override readonly name = "NotFoundError";

  constructor(message: string, options: MnemoErrorOptions = {}) {
    super("not_found", message, options);
  }

  /** True for a NotFoundError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is NotFoundError {
    return MnemoError.isInstance(error) && error.code === "not_found";
  }
}
