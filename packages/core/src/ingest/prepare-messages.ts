import { createHash, randomUUID } from "node:crypto";
import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import { jsonProblem, textProblem } from "./check-text.js";
import { type MessageInput, type MessageLimits, type MessageRole, messageInputSchema } from "./message-input.js";
import { splitByTokensWithCounts } from "./split-by-tokens.js";

/** A validated message, normalised, hashed, counted and split, ready for one write. */
export interface PreparedMessage {
  userId: string;
  conversationId: string;
  responseId: string;
  role: MessageRole;
  name: string | undefined;
  content: string;
  createdAt: Date | undefined;
  metadata: Record<string, unknown>;
  tokenCount: number;
  tokenizer: string;
  /** SHA-256 of the NFC content, hex. */
  contentSha256: string;
  /** SHA-256 of (role, content, createdAt), hex, when deduplicated by content. */
  dedupeKey: string | undefined;
  pieces: { content: string; tokenCount: number }[];
  /** One embedding per piece, when an embedder is configured (set after preparation). */
  vectors?: number[][] | undefined;
  /** Keywords chosen before writing (KeyBERT); without them, TF-IDF keywords are computed in the write. */
  keywords?: { keyword: string; score: number }[] | undefined;
  /** Set for a running summary: `kind` is `summary` and it covers these sequence numbers. */
  covers?: { fromSeq: number; toSeq: number } | undefined;
}

/** Options for {@link prepareMessages}. */
export interface PrepareOptions {
  counter: TokenCounter;
  /** Messages longer than this many tokens are stored in pieces of at most this size. */
  chunkTokens: number;
  limits: MessageLimits;
}

/**
 * Validates every message first and throws one {@link InvalidInputError} listing all problems
 * (paths like `3.content`), so a bad batch writes nothing; then normalises, hashes, counts and splits.
 */
export function prepareMessages(inputs: readonly MessageInput[], options: PrepareOptions): PreparedMessage[] {
  const issues: InputIssue[] = [];
  const parsed = inputs.map((input, index) => {
    const result = messageInputSchema.safeParse(input);
    if (!result.success) {
      for (const issue of result.error.issues) issues.push({ path: [index, ...issue.path].join("."), message: issue.message });
      return undefined;
    }
    for (const issue of contentIssues(result.data, options.limits)) issues.push({ path: `${index}.${issue.path}`, message: issue.message });
    return result.data;
  });
  if (issues.length > 0) {
    const first = issues[0] as InputIssue;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new InvalidInputError(`Invalid message at ${first.path}: ${first.message}${more}. Nothing was written.`, { issues });
  }
  return parsed.map((message) => prepare(message as NonNullable<typeof message>, options));
}

type ParsedMessage = ReturnType<typeof messageInputSchema.parse>;

function contentIssues(message: ParsedMessage, limits: MessageLimits): InputIssue[] {
  const issues: InputIssue[] = [];
  const content = message.content;
  if (content.trim().length === 0) issues.push({ path: "content", message: "must contain some non-whitespace text" });
  if (content.length > limits.maxContentLength) {
    issues.push({ path: "content", message: `is longer than ${limits.maxContentLength} characters; split it or raise maxContentLength` });
  }
  const contentProblem = textProblem(content);
  if (contentProblem) issues.push({ path: "content", message: contentProblem });
  for (const field of ["userId", "conversationId", "id", "name"] as const) {
    const value = message[field];
    const problem = value === undefined ? undefined : textProblem(value);
    if (problem) issues.push({ path: field, message: problem });
  }
  if (message.metadata) {
    const problem = jsonProblem(message.metadata);
    if (problem) issues.push({ path: "metadata", message: problem });
    else if (Buffer.byteLength(JSON.stringify(message.metadata)) > limits.maxMetadataBytes) {
      issues.push({ path: "metadata", message: `is larger than ${limits.maxMetadataBytes} bytes as JSON` });
    }
  }
  return issues;
}

function prepare(message: ParsedMessage, options: PrepareOptions): PreparedMessage {
  const content = message.content.normalize("NFC");
  const tokenCount = options.counter.count(content);
  const pieces =
    tokenCount <= options.chunkTokens ? [{ content, tokenCount }] : splitByTokensWithCounts(content, options.counter, options.chunkTokens, tokenCount);
  const dedupe = message.dedupe ?? "content";
  return {
    userId: message.userId,
    conversationId: message.conversationId,
    responseId: message.id ?? randomUUID(),
    role: message.role,
    name: message.name,
    content,
    createdAt: message.createdAt,
    metadata: message.metadata ?? {},
    tokenCount,
    tokenizer: options.counter.name,
    contentSha256: sha256(content),
    // An explicit id is the stronger identity: with one, only the id makes a repeat.
    dedupeKey:
      dedupe === "content" && message.id === undefined ? sha256(JSON.stringify([message.role, content, message.createdAt?.toISOString() ?? null])) : undefined,
    pieces,
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
