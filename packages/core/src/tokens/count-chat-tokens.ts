import type { ChatMessageLike, TokenCounter } from "./token-counter.js";

/**
 * Tokens a list of chat messages costs as a model prompt, following the OpenAI cookbook
 * ("How to count tokens with tiktoken"):
 *
 * ```text
 * total = perReply + Σ over messages of
 *         perMessage + count(role) + count(content) + (name ? perName + count(name) : 0)
 * ```
 *
 * A message's `contentTokens`, when set, stands for `count(content)` (a count stored at ingest).
 * `perReply` is added even for an empty list, as the cookbook does: it primes the model's answer,
 * which every request has. The overheads come from `counter.chatFormat`; for OpenAI chat models
 * they are 3, 1 and 3. For other tokenizers the result is an estimate, since chat templates vary.
 *
 * @param counter - The tokenizer to count with.
 * @param messages - The messages, in the shape sent to a chat API.
 * @returns The prompt's token count.
 *
 * @example
 * ```ts
 * const counter = createTiktokenCounter("o200k_base");
 * countChatTokens(counter, [{ role: "user", content: "hello world" }]); // 3 + 1 + 2 + 3 = 9
 * ```
 */
export function countChatTokens(counter: TokenCounter, messages: readonly ChatMessageLike[]): number {
  const { perMessage, perName, perReply } = counter.chatFormat;
  let total = perReply;
  for (const message of messages) {
    total += perMessage + counter.count(message.role) + (message.contentTokens ?? counter.count(message.content));
    if (message.name) total += perName + counter.count(message.name);
  }
  return total;
}
