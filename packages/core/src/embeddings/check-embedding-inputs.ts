import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";

/**
 * Throws {@link InvalidInputError} unless `texts` is an array of strings that each hold some
 * non-whitespace text. Embedders call it before any model or request sees the texts: an empty
 * string gives a NaN vector from some local models and an HTTP 400 from most servers.
 *
 * Issues name the position (`texts.3`), never the text itself.
 */
export function checkEmbeddingInputs(texts: readonly string[]): void {
  if (!Array.isArray(texts)) {
    throw new InvalidInputError("texts: must be an array of strings.", { issues: [{ path: "texts", message: "must be an array of strings" }] });
  }
  const issues: InputIssue[] = [];
  texts.forEach((text: unknown, index) => {
    const problem = textProblem(text);
    if (problem !== undefined) issues.push({ path: `texts.${index}`, message: problem });
  });
  const first = issues[0];
  if (first !== undefined) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new InvalidInputError(`Cannot embed ${first.path}: it ${first.message}${more}.`, { issues });
  }
}

/** Throws {@link InvalidInputError} unless `text` holds some non-whitespace text (for `embedQuery`). */
export function checkEmbeddingQuery(text: string): void {
  const problem = textProblem(text);
  if (problem !== undefined) throw new InvalidInputError(`Cannot embed the query: it ${problem}.`, { issues: [{ path: "text", message: problem }] });
}

function textProblem(text: unknown): string | undefined {
  if (typeof text !== "string") return "must be a string";
  if (text.trim() === "") return "must contain some non-whitespace text";
  return undefined;
}
