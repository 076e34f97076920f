import { MnemoError, type MnemoErrorOptions } from "./mnemo-error.js";

/** The database schema does not match this version of Mnemo (an applied migration changed, or the schema is newer). */
export class MigrationError extends MnemoError {
  override readonly name = "MigrationError";

  constructor(message: string, options: MnemoErrorOptions = {}) {
    super("migration_mismatch", message, options);
  }

  /** True for a MigrationError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is MigrationError {
    return MnemoError.isInstance(error) && error.code === "migration_mismatch";
  }
}
