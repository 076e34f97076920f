import { MnemoError, type MnemoErrorOptions } from "./mnemo-error.js";

/** One problem found in a caller's input. */
export interface InputIssue {
  /** Where the problem is, e.g. `messages.3.content`. */
  path: string;
  /** What is wrong and what to do about it. */
  message: string;
}

/** The caller's input was rejected; nothing was written. `issues` lists every problem found. */
export class InvalidInputError extends MnemoError {
  override readonly name = "InvalidInputError";
  readonly issues: readonly InputIssue[];

  constructor(message: string, options: MnemoErrorOptions & { issues?: InputIssue[] } = {}) {
    super("invalid_input", message, options);
    this.issues = options.issues ?? [];
  }

  /** True for an InvalidInputError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is InvalidInputError {
    return MnemoError.isInstance(error) && error.code === "invalid_input";
  }
}
