/**
 * What a chat message costs beyond its content, for one tokenizer family.
 * OpenAI chat models: 3 tokens per message, 1 more when a `name` is set, and 3 that prime the reply.
 */
export interface ChatFormat {
  /** Tokens added to every message (role and separators). */
  perMessage: number;
  /** Extra tokens when a message carries a `name`. */
  perName: number;
  /** Tokens that prime the model's reply, counted once per request. */
  perReply: number;
}

/** Counts tokens for one tokenizer. Counts are computed once at ingest and stored. */
export interface TokenCounter {
  /** Stable name stored beside counts, e.g. `o200k_base` or `hf:Xenova/all-MiniLM-L6-v2`. */
  readonly name: string;
  /** Chat-format overhead for this tokenizer. */
  readonly chatFormat: ChatFormat;
  /** Number of tokens in `text`, without any chat overhead. */
  count(text: string): number;
}

/** A chat message as sent to a model, for counting. */
export interface ChatMessageLike {
  role: string;
  content: string;
  name?: string | undefined;
  /** `content`'s token count when already known for this tokenizer (stored at ingest); counted when absent. */
  contentTokens?: number | undefined;
}
