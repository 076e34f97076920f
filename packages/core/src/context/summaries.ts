import { randomUUID } from "node:crypto";
import type { Queryable } from "../driver/driver.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { prepareMessages } from "../ingest/prepare-messages.js";
import type { MemoryParts } from "../memory/memory.js";
import { appendMessages } from "../store/append-messages.js";
import { type MessageRow, messageColumns, rowsToMessages, type StoredMessage } from "../store/stored-message.js";
import type { Summarizer } from "../summarize/summarizer.js";
import { countChatTokens } from "../tokens/count-chat-tokens.js";
import type { TokenCounter } from "../tokens/token-counter.js";

/** What one summarisation of a conversation did. */
export type SummaryOutcome =
  | { status: "summarized"; summary: StoredMessage; foldedMessages: number; covers: { fromSeq: number; toSeq: number } }
  | { status: "nothing-to-do" }
  /** Another process holds the conversation's summary lease; it will write the summary. */
  | { status: "busy" }
  /** The summariser failed; nothing was written. */
  | { status: "failed"; error: Error };

/** How much to fold into the running summary. */
export interface FoldRequest {
  userId: string;
  conversationId: string;
  /** The newest unsummarised turns worth this many tokens (chat overhead included) stay verbatim; the newest turn always does. */
  keepTokens: number;
  /** Cap on the new summary's tokens. */
  summaryTokens: number;
  /** Most tokens of turns handed to the summariser in one call; older turns beyond it wait for the next fold. @default 8000 */
  maxInputTokens?: number | undefined;
}

/** The current conversation's state as context assembly and summarisation see it. */
export interface ConversationState {
  /** The latest running summary, if any. */
  summary: StoredMessage | undefined;
  /** Messages not yet covered by a summary, oldest first. */
  unsummarised: StoredMessage[];
}

/** How long a summary lease lasts: a crashed summariser's lease expires, and another process may then take over. */
const leaseMs = 5 * 60_000;

/** Reads a conversation's latest summary and its unsummarised messages. */
export async function readConversationState(db: Queryable, s: string, userId: string, conversationId: string): Promise<ConversationState> {
  const [summary, messages] = await Promise.all([
    db.query<MessageRow>(
      `SELECT ${messageColumns} FROM ${s}.conversation_log
       WHERE user_id = $1 AND conversation_id = $2 AND kind = 'summary' AND seq = (
         SELECT max(seq) FROM ${s}.conversation_log WHERE user_id = $1 AND conversation_id = $2 AND kind = 'summary' AND chunk_index = 0)
       ORDER BY chunk_index`,
      [userId, conversationId],
    ),
    db.query<MessageRow>(
      `SELECT ${messageColumns} FROM ${s}.conversation_log
       WHERE user_id = $1 AND conversation_id = $2 AND kind = 'message' AND NOT archived ORDER BY seq, chunk_index`,
      [userId, conversationId],
    ),
  ]);
  return { summary: rowsToMessages(summary.rows)[0], unsummarised: rowsToMessages(messages.rows) };
}

/**
 * Folds the oldest unsummarised turns of a conversation into its running summary (previous summary
 * + those turns → new summary), stored as a `summary` record with the range it covers; the folded
 * turns are marked archived, never deleted, and stay searchable.
 *
 * Exactly one process summarises a conversation at a time: it first takes the conversation's
 * summary lease (a row update, so it works on every engine and never holds a transaction open
 * while a model thinks); a process that finds the lease taken gets `busy`. The write checks the
 * lease is still its own. A failing summariser leaves everything as it was (`failed`).
 */
export async function foldIntoSummary(parts: MemoryParts, summarizer: Summarizer, request: FoldRequest): Promise<SummaryOutcome> {
  const { store } = parts;
  const lease = randomUUID();
  const claimed = await store.driver.query(
    `UPDATE ${store.s}.conversations SET summary_lease = $3, summary_lease_until = now() + make_interval(secs => $4)
     WHERE user_id = $1 AND conversation_id = $2 AND (summary_lease_until IS NULL OR summary_lease_until < now())`,
    [request.userId, request.conversationId, lease, leaseMs / 1000],
  );
  if (claimed.affectedRows === 0) return { status: "busy" };
  try {
    const state = await readConversationState(store.driver, store.s, request.userId, request.conversationId);
    const folded = turnsToFold(parts, state.unsummarised, request);
    const first = folded[0];
    const last = folded.at(-1);
    if (!first || !last) return { status: "nothing-to-do" };
    let content: string;
    try {
      content = await summarizer.summarize({
        previousSummary: state.summary?.content,
        messages: folded.map((message) => ({ role: message.role, name: message.name, content: message.content, createdAt: message.createdAt })),
        maxTokens: request.summaryTokens,
        counter: parts.prepare.counter,
      });
      if (content.trim() === "") throw new MnemoError("internal", `Summarizer ${summarizer.id} returned an empty summary.`);
    } catch (error) {
      return { status: "failed", error: error instanceof Error ? error : new Error(String(error)) };
    }
    const covers = { fromSeq: state.summary?.covers?.fromSeq ?? first.seq, toSeq: last.seq };
    const [prepared] = prepareMessages(
      [
        {
          userId: request.userId,
          conversationId: request.conversationId,
          id: `summary:${covers.fromSeq}-${covers.toSeq}`,
          role: "system",
          content,
          dedupe: "id",
          metadata: { summarizer: summarizer.id, foldedMessages: folded.length },
        },
      ],
      parts.prepare,
    );
    if (!prepared) return { status: "nothing-to-do" };
    prepared.covers = covers;
    if (parts.embedding) prepared.vectors = await parts.embedding.embedder.embedDocuments(prepared.pieces.map((piece) => piece.content));
    const summary = await store.driver.transaction(async (db) => {
      const { rows } = await db.query<{ summary_lease: string | null }>(
        `SELECT summary_lease FROM ${store.s}.conversations WHERE user_id = $1 AND conversation_id = $2 FOR UPDATE`,
        [request.userId, request.conversationId],
      );
      if (rows[0]?.summary_lease !== lease) return undefined; // the lease expired and another process took over
      const [stored] = await appendMessages(db, store.s, [prepared], {
        searchConfig: store.searchConfig,
        modelId: parts.embedding?.model.modelId,
        keywords: store.keywords,
      });
      await db.query(
        `UPDATE ${store.s}.conversation_log SET archived = true
         WHERE user_id = $1 AND conversation_id = $2 AND NOT archived
           AND ((kind = 'message' AND seq BETWEEN $3 AND $4) OR (kind = 'summary' AND seq < $5))`,
        [request.userId, request.conversationId, first.seq, last.seq, stored?.seq],
      );
      return stored;
    });
    if (!summary) return { status: "busy" };
    return { status: "summarized", summary, foldedMessages: folded.length, covers };
  } finally {
    await store.driver.query(
      `UPDATE ${store.s}.conversations SET summary_lease = NULL, summary_lease_until = NULL WHERE user_id = $1 AND conversation_id = $2 AND summary_lease = $3`,
      [request.userId, request.conversationId, lease],
    );
  }
}

/**
 * What stored turns cost as chat messages for `counter`, without the reply priming; content counts
 * come from storage when `counter` is the tokenizer that made them.
 */
export function turnsCost(counter: TokenCounter, turns: readonly StoredMessage[]): number {
  const messages = turns.map((turn) => ({
    role: turn.role,
    content: turn.content,
    name: turn.name,
    contentTokens: turn.tokenizer === counter.name ? turn.tokenCount : undefined,
  }));
  return countChatTokens(counter, messages) - counter.chatFormat.perReply;
}

/** The oldest turns beyond the newest `keepTokens` (the newest turn always stays), at most `maxInputTokens` of them. */
function turnsToFold(parts: MemoryParts, turns: readonly StoredMessage[], request: FoldRequest): StoredMessage[] {
  const cost = (message: StoredMessage) => turnsCost(parts.prepare.counter, [message]);
  let kept = 0;
  let keepFrom = turns.length;
  for (let index = turns.length - 1; index >= 0; index--) {
    const tokens = cost(turns[index] as StoredMessage);
    if (index < turns.length - 1 && kept + tokens > request.keepTokens) break;
    kept += tokens;
    keepFrom = index;
  }
  const folded: StoredMessage[] = [];
  let input = 0;
  for (const turn of turns.slice(0, keepFrom)) {
    input += cost(turn);
    if (folded.length > 0 && input > (request.maxInputTokens ?? 8_000)) break;
    folded.push(turn);
  }
  return folded;
}
