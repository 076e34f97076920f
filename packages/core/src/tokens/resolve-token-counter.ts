import { InvalidInputError } from "../errors/invalid-input-error.js";
import { encodingForModel } from "./encoding-for-model.js";
import { createHuggingFaceTokenCounter } from "./huggingface-token-counter.js";
import { createTiktokenCounter, isTiktokenEncodingName, tiktokenEncodingNames } from "./tiktoken-counter.js";
import type { TokenCounter } from "./token-counter.js";

const accepted =
  `${tiktokenEncodingNames.join(", ")}, an OpenAI model name such as gpt-4o or gpt-4-0613, ` +
  "hf:<hub id or local folder> for a Hugging Face tokenizer, or an object with name, chatFormat and count(text)";

/**
 * Turns the `tokenizer` option into a {@link TokenCounter}.
 *
 * - `undefined`: `o200k_base`, the encoding of current OpenAI models.
 * - a {@link TokenCounter} object: used as is.
 * - `o200k_base` or `cl100k_base`: that tiktoken encoding.
 * - `hf:<hub id or folder path>`: a Hugging Face tokenizer, loaded offline (see {@link createHuggingFaceTokenCounter}).
 * - anything else: an OpenAI model name, mapped by {@link encodingForModel}.
 *
 * @param spec - The tokenizer option; `o200k_base` when omitted.
 * @throws InvalidInputError for an unknown name, a malformed counter object, or a Hugging Face tokenizer that cannot be loaded.
 *
 * @example
 * ```ts
 * const counter = await resolveTokenCounter("gpt-4o-mini");
 * counter.name; // "o200k_base"
 * ```
 */
export async function resolveTokenCounter(spec?: string | TokenCounter): Promise<TokenCounter> {
  if (spec === undefined) return createTiktokenCounter("o200k_base");
  if (typeof spec === "object" && spec !== null) return checkedCounter(spec);
  if (typeof spec !== "string") throw new InvalidInputError(`tokenizer: expected ${accepted}.`);
  const name = spec.trim();
  if (isTiktokenEncodingName(name)) return createTiktokenCounter(name);
  if (name.startsWith("hf:")) return createHuggingFaceTokenCounter(name.slice(3));
  const encoding = encodingForModel(name);
  if (encoding) return createTiktokenCounter(encoding);
  throw new InvalidInputError(`tokenizer: unknown tokenizer or model name; expected ${accepted}.`);
}

// A counter object comes from user code, often JavaScript: a wrong shape is reported here, at
// setup, rather than as a TypeError on the first message stored.
function checkedCounter(counter: TokenCounter): TokenCounter {
  const format = counter.chatFormat as Partial<TokenCounter["chatFormat"]> | undefined;
  const formatValid =
    typeof format === "object" &&
    format !== null &&
    [format.perMessage, format.perName, format.perReply].every((value) => Number.isInteger(value) && (value as number) >= 0);
  if (typeof counter.name !== "string" || counter.name === "" || typeof counter.count !== "function" || !formatValid) {
    throw new InvalidInputError(
      "tokenizer: a custom counter needs a non-empty name, count(text) returning a number, and chatFormat { perMessage, perName, perReply } of non-negative integers.",
    );
  }
  return counter;
}
