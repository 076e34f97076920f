import { z } from "zod";

/** Roles a stored message can have. */
export const messageRoles = ["user", "assistant", "system", "tool"] as const;

/** The role of a stored message. */
export type MessageRole = (typeof messageRoles)[number];

/** Size limits applied to every message before anything is written. */
export interface MessageLimits {
  /** Longest content accepted, in UTF-16 code units. @default 1_000_000 */
  maxContentLength: number;
  /** Largest metadata object accepted, as JSON text. @default 65_536 */
  maxMetadataBytes: number;
}

/** Defaults for {@link MessageLimits}. */
export const defaultMessageLimits: MessageLimits = { maxContentLength: 1_000_000, maxMetadataBytes: 65_536 };

/** How a repeated append is recognised. */
export type DedupeMode = "content" | "id";

/** A message to store. */
export interface MessageInput {
  /** The tenant; every read and write is scoped to it. */
  userId: string;
  /** The conversation (unique per user). Created on first append. */
  conversationId: string;
  role: MessageRole;
  /** The text. Stored in Unicode NFC; must be non-empty and must not contain U+0000. */
  content: string;
  /** Your id for this message; appending the same id again returns the stored record. @default a new UUID */
  id?: string | undefined;
  /** A participant name (speaker, tool name). */
  name?: string | undefined;
  /** When the message was said. @default the time of the write */
  createdAt?: Date | string | number | undefined;
  /** Any JSON object (tool calls, model, usage…); returned unchanged. */
  metadata?: Record<string, unknown> | undefined;
  /**
   * `content`: the same role, content and `createdAt` in a conversation is stored once (re-imports add
   * nothing). `id`: only a repeated `id` is a repeat, so "ok" said twice is kept twice.
   * @default "content"
   */
  dedupe?: DedupeMode | undefined;
}

const identifier = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .refine((value) => !/[\u0000-\u001f]/.test(value), "must not contain control characters");

/** The zod schema behind {@link MessageInput} (content checks that need limits happen separately). */
export const messageInputSchema = z.object({
  userId: identifier,
  conversationId: identifier,
  role: z.enum(messageRoles, { error: `must be one of ${messageRoles.join(", ")}` }),
  content: z.string({ error: "must be a string" }),
  id: identifier.optional(),
  name: identifier.optional(),
  createdAt: z
    .union([z.date(), z.iso.datetime({ offset: true }), z.number().int()], { error: "must be a Date, an ISO-8601 string or epoch milliseconds" })
    .transform((value) => new Date(value))
    .refine((value) => !Number.isNaN(value.getTime()), "is not a valid time")
    .optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "must be a plain JSON object" }).optional(),
  dedupe: z.enum(["content", "id"]).optional(),
});
