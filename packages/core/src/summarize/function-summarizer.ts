import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { capToTokens } from "./cap-to-tokens.js";
import { checkSummaryRequest, hasSummaryInput } from "./check-summary-request.js";
import type { Summarizer, SummaryRequest } from "./summarizer.js";

/** Options for {@link summarizerFromFunction}. */
export interface FunctionSummarizerOptions {
  /** The summarizer's `id`; name the model behind the function. @default "function" */
  id?: string;
}

/**
 * Wraps a plain function, such as a call to your own LLM client, as a {@link Summarizer}.
 *
 * The function receives the checked request (including `signal`) and returns the new summary,
 * which is trimmed and cut with {@link capToTokens} so that the token cap always holds. With
 * nothing to fold, `""` is returned without calling it. Errors it throws reach the caller unchanged.
 *
 * @param fn - Returns the summary, or a promise of it.
 * @param options - The summarizer's `id`.
 * @throws InvalidInputError when `fn` is not a function or `id` is blank (here); from `summarize`,
 * for a malformed request or when `fn` returns something other than a non-blank string.
 * @throws MnemoError with code `budget_exceeded` when `maxTokens` cannot hold even the summary's first character.
 *
 * @example
 * ```ts
 * const summarizer = summarizerFromFunction(
 *   async ({ previousSummary, messages }) => myLlm.summarize(previousSummary, messages),
 *   { id: "my-llm:v2" },
 * );
 * ```
 */
export function summarizerFromFunction(fn: (request: SummaryRequest) => Promise<string> | string, options: FunctionSummarizerOptions = {}): Summarizer {
  if (typeof fn !== "function") throw new InvalidInputError("summarizerFromFunction: fn must be a function that returns the summary.");
  const id = options.id ?? "function";
  if (typeof id !== "string" || id.trim() === "") throw new InvalidInputError("summarizerFromFunction: options.id must be a non-blank string.");
  return {
    id,
    async summarize(request: SummaryRequest): Promise<string> {
      checkSummaryRequest(request, `summarizer ${id}`);
      if (!hasSummaryInput(request)) return "";
      const text: unknown = await fn(request);
      if (typeof text !== "string" || text.trim() === "") {
        const got = typeof text === "string" ? "a blank string" : text === null ? "null" : typeof text;
        throw new InvalidInputError(`summarizer ${id}: the function returned ${got}; it must return the summary as a non-blank string.`);
      }
      const summary = capToTokens(text, request.counter, request.maxTokens);
      if (summary === "")
        throw new MnemoError("budget_exceeded", `summarizer ${id}: maxTokens (${request.maxTokens}) cannot hold even the summary's first character.`);
      return summary;
    },
  };
}
