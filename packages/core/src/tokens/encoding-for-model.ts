import type { TiktokenEncodingName } from "./tiktoken-counter.js";

// Checked in order, first match wins: the longer `gpt-4o`/`gpt-4.1`/`gpt-4.5` prefixes must come
// before `gpt-4`, which would otherwise claim them for the older encoding.
const prefixTable: readonly (readonly [prefix: string, encoding: TiktokenEncodingName])[] = [
  ["gpt-4o", "o200k_base"],
  ["chatgpt-4o", "o200k_base"],
  ["gpt-4.1", "o200k_base"],
  ["gpt-4.5", "o200k_base"],
  ["gpt-5", "o200k_base"],
  ["o1", "o200k_base"],
  ["o3", "o200k_base"],
  ["o4", "o200k_base"],
  ["gpt-4", "cl100k_base"],
  ["gpt-3.5", "cl100k_base"],
  // Azure spells the 3.5 models without the dot.
  ["gpt-35", "cl100k_base"],
  ["text-embedding-3", "cl100k_base"],
  ["text-embedding-ada-002", "cl100k_base"],
];

/**
 * The tiktoken encoding an OpenAI model uses, or `undefined` for a model this table does not know.
 *
 * Matching is by prefix and case-insensitive, so dated snapshots (`gpt-4o-2024-08-06`) resolve too.
 * A provider prefix such as `openai/gpt-4o` (OpenRouter, LiteLLM, Vercel AI SDK ids) and the `ft:` of a
 * fine-tuned model id (`ft:gpt-4o-mini:my-org::abc123`) are ignored.
 *
 * @param model - A model name, e.g. `gpt-4o-mini`, `openai/gpt-4.1`, `text-embedding-3-small`.
 *
 * @example
 * ```ts
 * encodingForModel("gpt-4o-mini"); // "o200k_base"
 * encodingForModel("openai/gpt-4-0613"); // "cl100k_base"
 * encodingForModel("claude-3-5-sonnet"); // undefined
 * ```
 */
export function encodingForModel(model: string): TiktokenEncodingName | undefined {
  const bareModel = withoutProvider(model.trim().toLowerCase());
  for (const [prefix, encoding] of prefixTable) {
    if (startsWithWord(bareModel, prefix)) return encoding;
  }
  return undefined;
}

function withoutProvider(model: string): string {
  const slash = model.lastIndexOf("/");
  const bare = slash === -1 ? model : model.slice(slash + 1);
  return bare.startsWith("ft:") ? bare.slice(3) : bare;
}

// `o1` must match `o1` and `o1-mini` but not an unrelated `o100-foo`; a prefix ending in a digit
// therefore needs the name to end there or continue with a separator.
function startsWithWord(model: string, prefix: string): boolean {
  if (!model.startsWith(prefix)) return false;
  const next = model.charAt(prefix.length);
  return next === "" || !/[0-9]/.test(prefix.charAt(prefix.length - 1)) || /[^0-9a-z]/.test(next);
}
