import { InvalidInputError } from "../errors/invalid-input-error.js";
import { splitByTokensWithCounts } from "../ingest/split-by-tokens.js";
import type { TokenCounter } from "../tokens/token-counter.js";

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });

/**
 * Returns `text`, trimmed, or its longest start that fits in `maxTokens` tokens of `counter`,
 * ending at a sentence end, else at a word end, else wherever the budget runs out.
 *
 * The result always satisfies `counter.count(result) <= maxTokens`: every candidate is measured.
 * A sentence end is used only when it keeps at least half of what fits, so one short first
 * sentence does not swallow the budget. The result is empty for blank text, a budget of 0, or
 * a budget too small for the first character.
 *
 * @param text - The text to shorten, such as a model's answer.
 * @param counter - The tokenizer that defines the budget.
 * @param maxTokens - The largest token count allowed, a non-negative integer.
 * @throws InvalidInputError when `text` is not a string or `maxTokens` is not a non-negative integer.
 *
 * @example
 * ```ts
 * const counter = createTiktokenCounter("o200k_base");
 * capToTokens("Ada drinks tea. She lives in Paris and works on engines.", counter, 8); // "Ada drinks tea."
 * ```
 */
export function capToTokens(text: string, counter: TokenCounter, maxTokens: number): string {
  if (typeof text !== "string") throw new InvalidInputError("capToTokens: text must be a string.");
  if (!Number.isInteger(maxTokens) || maxTokens < 0) throw new InvalidInputError("capToTokens: maxTokens must be a non-negative integer.");
  const trimmed = text.trim();
  if (trimmed === "" || maxTokens === 0) return "";
  const [first] = splitByTokensWithCounts(trimmed, counter, maxTokens);
  // Only a single code point that alone exceeds the budget comes back over it.
  if (first === undefined || first.tokenCount > maxTokens) return "";
  if (first.content.length === trimmed.length) return trimmed;
  const fits = first.content.length;
  const candidates = [sentenceEnd(trimmed, fits), wordEnd(trimmed, fits), fits].map((end) => (end === undefined ? "" : trimmed.slice(0, end).trimEnd()));
  // Counts need not shrink with the text (BPE merges), so each shorter candidate is measured again.
  return candidates.find((candidate) => candidate !== "" && counter.count(candidate) <= maxTokens) ?? first.content;
}

/** The last sentence end at or before `limit`, if it keeps at least half of it. */
function sentenceEnd(text: string, limit: number): number | undefined {
  let best: number | undefined;
  // Segments are computed lazily, so a long text is only segmented up to the limit.
  for (const { index, segment } of sentenceSegmenter.segment(text)) {
    const end = index + segment.length;
    if (end > limit) break;
    best = end;
  }
  return best !== undefined && best >= limit / 2 ? best : undefined;
}

/** `limit` when a word ends there, else the start of the space before the word cut at `limit`, if it keeps at least half. */
function wordEnd(text: string, limit: number): number | undefined {
  if (/\s/.test(text.charAt(limit))) return limit;
  const space = text.slice(0, limit).search(/\s+\S*$/);
  return space >= limit / 2 ? space : undefined;
}
