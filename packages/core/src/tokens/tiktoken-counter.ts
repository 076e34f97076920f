import { Tiktoken } from "js-tiktoken/lite";
import cl100kBase from "js-tiktoken/ranks/cl100k_base";
import o200kBase from "js-tiktoken/ranks/o200k_base";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { ChatFormat, TokenCounter } from "./token-counter.js";

/** The OpenAI encodings Mnemo ships, both bundled with `js-tiktoken` so counting never needs a network. */
export type TiktokenEncodingName = "o200k_base" | "cl100k_base";

/** Every encoding {@link createTiktokenCounter} accepts, for validation and error messages. */
export const tiktokenEncodingNames: readonly TiktokenEncodingName[] = ["o200k_base", "cl100k_base"];

/** OpenAI chat overhead for every chat model on these encodings, per the OpenAI cookbook. */
const openAiChatFormat: ChatFormat = Object.freeze({ perMessage: 3, perName: 1, perReply: 3 });

const ranksByEncoding = { o200k_base: o200kBase, cl100k_base: cl100kBase } as const;

// Building a Tiktoken decodes the whole rank table (hundreds of milliseconds for o200k_base),
// so each encoding is built once, on first use, and shared by every counter.
const encoders = new Map<TiktokenEncodingName, Tiktoken>();

// Special-token text such as `<|endoftext|>` inside a message is the user's text, not a control
// token: nothing is allowed as special and nothing is disallowed, so it is counted like any other text.
const noSpecialTokens: string[] = [];

// js-tiktoken splits text with the encoding's regex and encodes every chunk on its own (its BPE
// never crosses a chunk), so a text's count is exactly the sum of its chunks' counts. Natural
// language repeats chunks ("the", " memory") constantly: caching them makes counting several
// times faster. The cache is bounded and simply starts over when full.
const chunkCacheLimit = 200_000;
const chunkCounts = new Map<TiktokenEncodingName, Map<string, number>>();

function countByChunks(encoding: TiktokenEncodingName, text: string): number {
  const encoder = encoderFor(encoding);
  let cache = chunkCounts.get(encoding);
  if (!cache || cache.size > chunkCacheLimit) {
    cache = new Map();
    chunkCounts.set(encoding, cache);
  }
  const pattern = new RegExp(ranksByEncoding[encoding].pat_str, "gu");
  let total = 0;
  for (const match of text.matchAll(pattern)) {
    const chunk = match[0];
    let count = cache.get(chunk);
    if (count === undefined) {
      count = encoder.encode(chunk, noSpecialTokens, noSpecialTokens).length;
      cache.set(chunk, count);
    }
    total += count;
  }
  return total;
}

function encoderFor(encoding: TiktokenEncodingName): Tiktoken {
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = new Tiktoken(ranksByEncoding[encoding]);
    encoders.set(encoding, encoder);
  }
  return encoder;
}

/** True when `value` names an encoding that {@link createTiktokenCounter} accepts. */
export function isTiktokenEncodingName(value: string): value is TiktokenEncodingName {
  return (tiktokenEncodingNames as readonly string[]).includes(value);
}

/**
 * Creates a {@link TokenCounter} for an OpenAI tiktoken encoding, fully offline.
 *
 * The rank table is loaded lazily on the first `count` and cached for the process. Text that looks
 * like a special token (e.g. `<|endoftext|>`) is counted as ordinary text instead of throwing.
 *
 * @param encoding - `o200k_base` (GPT-4o, GPT-4.1, GPT-5, o-series) or `cl100k_base` (GPT-4, GPT-3.5, embeddings v3).
 * @returns A counter named after the encoding, with OpenAI chat overhead (3 per message, 1 per name, 3 per reply).
 * @throws InvalidInputError when `encoding` is not one of the two supported names.
 *
 * @example
 * ```ts
 * const counter = createTiktokenCounter("o200k_base");
 * counter.count("hello world"); // 2
 * ```
 */
export function createTiktokenCounter(encoding: TiktokenEncodingName): TokenCounter {
  if (!isTiktokenEncodingName(encoding)) {
    throw new InvalidInputError(`encoding: must be one of ${tiktokenEncodingNames.join(", ")}.`);
  }
  return {
    name: encoding,
    chatFormat: openAiChatFormat,
    count(text: string): number {
      if (text.length === 0) return 0;
      return countByChunks(encoding, text);
    },
  };
}
