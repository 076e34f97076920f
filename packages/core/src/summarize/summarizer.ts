import type { MessageRole } from "../ingest/message-input.js";
import type { TokenCounter } from "../tokens/token-counter.js";

/** One conversation turn to fold into a summary. */
export interface SummaryMessage {
  role: MessageRole;
  /** The speaker or tool name; shown instead of the role when set. */
  name?: string | undefined;
  content: string;
  /** When the turn was said; model-backed summarizers pass it on so that "yesterday" keeps its meaning. */
  createdAt?: Date | undefined;
}

/** What to summarize, and within how many tokens. */
export interface SummaryRequest {
  /** The running summary so far, folded into the new one. */
  previousSummary?: string | undefined;
  /** The turns to fold in, oldest first. */
  messages: readonly SummaryMessage[];
  /** Hard cap on the summary's token count, measured with `counter`; a positive integer. */
  maxTokens: number;
  /** The tokenizer that defines `maxTokens`. */
  counter: TokenCounter;
  /** Cancels the work; the summarizer then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Folds conversation turns into a running summary. Mnemo calls it when history overflows its
 * token budget or a conversation goes idle, and stores the result in place of the turns.
 *
 * Every implementation promises:
 * - `counter.count(summary) <= maxTokens`, measured on the exact string returned;
 * - an empty string when there is nothing to fold (no previous summary and no message with
 *   content), and otherwise a summary with text in it;
 * - an {@link InvalidInputError} for a malformed request, before any work is done.
 */
export interface Summarizer {
  /** Stable identity of the method and model, e.g. `extractive` or `openai-compatible:gpt-4o-mini`. */
  readonly id: string;
  /** Returns the new running summary: the previous one with `messages` folded in. */
  summarize(request: SummaryRequest): Promise<string>;
}
