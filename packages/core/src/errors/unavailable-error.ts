import { MnemoError, type MnemoErrorOptions } from "./mnemo-error.js";

/** The database cannot be reached or refused the connection; retrying later may succeed. */
export class UnavailableError extends MnemoError {
  override readonly name = "UnavailableError";

  constructor(message: string, options: MnemoErrorOptions = {}) {
    super("unavailable", message, options);
  }

  /** True for a UnavailableError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is UnavailableError {
    return MnemoError.isInstance(error) && error.code === "unavailable";
  }
}
