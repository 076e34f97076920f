import { MnemoError, type MnemoErrorOptions } from "../errors/mnemo-error.js";

/** The token figures behind a {@link ContextBudgetError}. */
export interface ContextBudgetDetails {
  /** Tokens the mandatory part costs: the system prompt's message (if any) and the newest turn, with chat overhead. */
  needed: number;
  /** Tokens the prompt may use: `maxTokens − reserve`. */
  available: number;
}

/**
 * The mandatory part of a context (the system prompt and the newest turn) does not fit in
 * `maxTokens − reserve`, so no prompt can be built. The caller can act: raise `maxTokens`, lower
 * `reserve`, or shorten the system prompt (or the newest turn).
 */
export class ContextBudgetError extends MnemoError {
  override readonly name = "ContextBudgetError";
  /** Tokens the system prompt's message and the newest turn cost together, exactly as counted. */
  readonly needed: number;
  /** Tokens the prompt may use: `maxTokens − reserve`. */
  readonly available: number;
  /** `needed − available`: how many tokens are missing. Always at least 1. */
  readonly shortBy: number;

  constructor(details: ContextBudgetDetails, options: MnemoErrorOptions = {}) {
    const shortBy = details.needed - details.available;
    super(
      "budget_exceeded",
      `The system prompt and the newest turn need ${details.needed} tokens but maxTokens − reserve leaves ${details.available}: ` +
        `short by ${shortBy}. Raise maxTokens by at least ${shortBy}, lower reserve, or shorten the system prompt.`,
      options,
    );
    this.needed = details.needed;
    this.available = details.available;
    this.shortBy = shortBy;
  }

  /** True for a ContextBudgetError, even one thrown by a second installed copy of this package. */
  static override isInstance(error: unknown): error is ContextBudgetError {
    return MnemoError.isInstance(error) && error.code === "budget_exceeded";
  }
}
