import { createHash } from "node:crypto";
import type { MessageInput, MessageRole } from "../ingest/message-input.js";

/** One message read from an export, before it is stored. */
export interface ImportedMessage {
  role: MessageRole;
  /** The text; messages without text are dropped by the reader and counted in `skipped`. */
  content: string;
  name?: string | undefined;
  /** When it was said, when the source knows. @default the conversation's `createdAt` */
  createdAt?: Date | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** One conversation read from an export: what the importer writes in one transaction. */
export interface ImportedConversation {
  /** The conversation id in Mnemo, prefixed by the source (`lmstudio:…`, `chatgpt:…`). */
  conversationId: string;
  /** Where it came from: a file path, `file#index`, or `table/session`. */
  source: string;
  title?: string | undefined;
  createdAt?: Date | undefined;
  /** Kept on every message under `conversation` (model, system prompt, file…). */
  metadata?: Record<string, unknown> | undefined;
  messages: ImportedMessage[];
  /** Parts of the source that carry no text and were not imported (images, tool steps…), by type. */
  skipped?: Record<string, number> | undefined;
}

/** A source (file, table row, line) that could not be read; the import reports it and goes on. */
export interface ImportProblem {
  source: string;
  /** What was wrong and what to do; never the user's content. */
  message: string;
}

/** What a reader yields: a conversation to write, or a problem to report. */
export type ImportItem = { conversation: ImportedConversation } | { problem: ImportProblem };

/**
 * The stable id of an imported message: SHA-256 of its conversation, position, role and content.
 * Re-importing the same export yields the same ids (so nothing is stored twice), the same words said
 * twice keep two ids, and a regenerated answer gets a new one.
 */
export function importedMessageId(conversationId: string, index: number, message: ImportedMessage): string {
  const digest = createHash("sha256").update(`${conversationId}\u0000${index}\u0000${message.role}\u0000${message.content}`).digest("hex");
  return `imp-${digest.slice(0, 40)}`;
}

/** The messages of an imported conversation as Mnemo messages for `userId`, with stable ids. */
export function toMessageInputs(userId: string, conversation: ImportedConversation): MessageInput[] {
  const shared: Record<string, unknown> = { source: conversation.source };
  if (conversation.title !== undefined) shared.title = conversation.title;
  if (conversation.metadata && Object.keys(conversation.metadata).length > 0) Object.assign(shared, conversation.metadata);
  return conversation.messages.map((message, index) => ({
    userId,
    conversationId: conversation.conversationId,
    id: importedMessageId(conversation.conversationId, index, message),
    role: message.role,
    content: message.content,
    name: message.name,
    createdAt: message.createdAt ?? conversation.createdAt,
    metadata: { ...message.metadata, conversation: shared },
    dedupe: "id",
  }));
}

/** A date from epoch milliseconds, epoch seconds or an ISO string; undefined when it is none of these. */
export function toDate(value: unknown, unit: "ms" | "s" = "ms"): Date | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    const date = new Date(unit === "s" ? value * 1000 : value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  if (typeof value === "string" && value.trim() !== "") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Adds `count` to `type` in a tally of skipped parts. */
export function tally(skipped: Record<string, number>, type: string, count = 1): void {
  skipped[type] = (skipped[type] ?? 0) + count;
}
