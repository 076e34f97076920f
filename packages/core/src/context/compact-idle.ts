import { z } from "zod";
import type { MemoryParts } from "../memory/memory.js";
import { idSchema, parseInput } from "../memory/parse-input.js";
import type { Summarizer } from "../summarize/summarizer.js";
import { foldIntoSummary, type SummaryOutcome } from "./summaries.js";

/** What {@link Memory.compactIdle} summarises. */
export interface CompactIdleOptions {
  /** Conversations without a new message for this long: milliseconds, or text such as `30m`, `12h`, `7d`. */
  idleFor: number | string;
  /** Only this user's conversations. @default every user */
  userId?: string | undefined;
  /** Tokens of the newest turns left verbatim. @default 1000 */
  keepTokens?: number | undefined;
  /** Cap on each new summary's tokens. @default 500 */
  summaryTokens?: number | undefined;
  /** Most conversations handled in one call (call again for more). @default 100 */
  limit?: number | undefined;
}

/** One conversation's outcome in {@link CompactIdleResult}. */
export type CompactedConversation = { userId: string; conversationId: string } & SummaryOutcome;

/** What {@link Memory.compactIdle} did. */
export interface CompactIdleResult {
  /** Conversations that got a new summary. */
  summarized: number;
  /** Every conversation looked at, with what happened (`failed` ones keep their state and are retried next time). */
  conversations: CompactedConversation[];
}

const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const duration = z.union(
  [
    z.number().int().min(0),
    z
      .string()
      .regex(/^\d+(ms|s|m|h|d)$/, "must be a duration such as 30m, 12h or 7d")
      .transform((text) => {
        const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text) as RegExpExecArray;
        return Number(amount) * units[unit as keyof typeof units];
      }),
  ],
  { error: "must be milliseconds or a duration such as 30m, 12h or 7d" },
);
const schema = z.object({
  idleFor: duration,
  userId: idSchema.optional(),
  keepTokens: z.number().int().min(0).max(1_000_000).default(1_000),
  summaryTokens: z.number().int().min(16).max(100_000).default(500),
  limit: z.number().int().min(1).max(10_000).default(100),
});

/**
 * Summarises conversations that have been idle for `idleFor` and hold more than `keepTokens` of
 * unsummarised turns: the older turns are folded into the running summary, exactly as on overflow
 * (archived, never deleted; one summariser per conversation at a time). Call it from a scheduler;
 * `mnemo compact` runs it from the command line.
 */
export async function compactIdle(parts: MemoryParts, summarizer: Summarizer, options: CompactIdleOptions): Promise<CompactIdleResult> {
  const request = parseInput(schema, options);
  const { store } = parts;
  const { rows } = await store.driver.query<{ user_id: string; conversation_id: string }>(
    `SELECT c.user_id, c.conversation_id FROM ${store.s}.conversations c
     WHERE NOT c.archived AND c.updated_at < now() - make_interval(secs => $1) AND ($2::text IS NULL OR c.user_id = $2)
       AND (SELECT coalesce(sum(l.message_token_count), 0) FROM ${store.s}.conversation_log l
            WHERE l.user_id = c.user_id AND l.conversation_id = c.conversation_id AND l.kind = 'message' AND l.chunk_index = 0 AND NOT l.archived) > $3
     ORDER BY c.updated_at, c.user_id, c.conversation_id LIMIT $4`,
    [request.idleFor / 1000, request.userId ?? null, request.keepTokens, request.limit],
  );
  const conversations: CompactedConversation[] = [];
  for (const row of rows) {
    // One fold hands the summariser at most ~8k tokens of turns; a long idle conversation takes several.
    // Folds until nothing is left; the outcome is the last fold's, or, when it only found nothing more
    // to do, the last summary's with every pass's folded messages counted.
    let last: SummaryOutcome;
    let summarized: Extract<SummaryOutcome, { status: "summarized" }> | undefined;
    let folded = 0;
    let pass = 0;
    do {
      last = await foldIntoSummary(parts, summarizer, {
        userId: row.user_id,
        conversationId: row.conversation_id,
        keepTokens: request.keepTokens,
        summaryTokens: request.summaryTokens,
      });
      if (last.status === "summarized") {
        summarized = last;
        folded += last.foldedMessages;
      }
    } while (last.status === "summarized" && ++pass < 1_000);
    const outcome = summarized && (last.status === "summarized" || last.status === "nothing-to-do") ? { ...summarized, foldedMessages: folded } : last;
    conversations.push({ userId: row.user_id, conversationId: row.conversation_id, ...outcome });
  }
  return { summarized: conversations.filter((entry) => entry.status === "summarized").length, conversations };
}
