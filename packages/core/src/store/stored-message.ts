import type { MessageRole } from "../ingest/message-input.js";

/** A message (or running summary) as stored, rebuilt from its pieces. */
export interface StoredMessage {
  userId: string;
  conversationId: string;
  /** The message id (`response_id`): yours, or a UUID Mnemo generated. */
  id: string;
  /** Position in the conversation: 1, 2, 3… with no gaps. */
  seq: number;
  kind: "message" | "summary";
  role: MessageRole;
  name: string | undefined;
  /** The content in NFC, exactly as its pieces join. */
  content: string;
  /** Tokens in the whole content, counted once at ingest with `tokenizer`. */
  tokenCount: number;
  tokenizer: string;
  /** SHA-256 of the content, hex. */
  sha256: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
  /** True once the message is covered by a summary (still stored and searchable). */
  archived: boolean;
  /** How many pieces the content is stored in. */
  pieceCount: number;
  /** For summaries: the sequence numbers covered. */
  covers: { fromSeq: number; toSeq: number } | undefined;
}

/** The result of an append: the stored record, and whether this call wrote it. */
export interface AppendResult extends StoredMessage {
  /** False when the message was already stored (same id, or same content when deduplicating). */
  created: boolean;
}

/** The columns every message read selects, in the shape {@link rowsToMessages} expects. */
export const messageColumns = `user_id, conversation_id, seq, chunk_index, chunk_count, response_id, kind, role, name, content,
  message_token_count, tokenizer, encode(content_sha256, 'hex') AS sha256, metadata, archived, created_at, covers_from_seq, covers_to_seq`;

/** One piece row as selected with {@link messageColumns}. */
export interface MessageRow {
  user_id: string;
  conversation_id: string;
  seq: number;
  chunk_index: number;
  chunk_count: number;
  response_id: string;
  kind: "message" | "summary";
  role: MessageRole;
  name: string | null;
  content: string;
  message_token_count: number;
  tokenizer: string;
  sha256: string;
  metadata: Record<string, unknown>;
  archived: boolean;
  created_at: Date;
  covers_from_seq: number | null;
  covers_to_seq: number | null;
}

/** Rebuilds messages from piece rows ordered by (user, conversation, seq, chunk_index). */
export function rowsToMessages(rows: readonly MessageRow[]): StoredMessage[] {
  const messages: StoredMessage[] = [];
  let current: StoredMessage | undefined;
  let parts: string[] = [];
  for (const row of rows) {
    if (row.chunk_index === 0) {
      if (current) messages.push(finish(current, parts));
      current = toMessage(row);
      parts = [];
    }
    parts.push(row.content);
  }
  if (current) messages.push(finish(current, parts));
  return messages;
}

function finish(message: StoredMessage, parts: string[]): StoredMessage {
  message.content = parts.length === 1 ? (parts[0] as string) : parts.join("");
  return message;
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    userId: row.user_id,
    conversationId: row.conversation_id,
    id: row.response_id,
    seq: Number(row.seq),
    kind: row.kind,
    role: row.role,
    name: row.name ?? undefined,
    content: "",
    tokenCount: row.message_token_count,
    tokenizer: row.tokenizer,
    sha256: row.sha256,
    metadata: row.metadata,
    createdAt: row.created_at,
    archived: row.archived,
    pieceCount: row.chunk_count,
    covers: row.covers_from_seq === null ? undefined : { fromSeq: Number(row.covers_from_seq), toSeq: Number(row.covers_to_seq) },
  };
}
