import type { Memory } from "../memory/memory.js";
import type { SearchMode } from "../search/search-options.js";
import type { StoredMessage } from "../store/stored-message.js";

/** A past question and its answer, found relevant to a new question. */
export interface Exchange {
  conversationId: string;
  /** The conversation's title, when its import or its messages' metadata named one. */
  title: string | undefined;
  /** When the question was asked (or the answer given, when the question is missing). */
  createdAt: Date;
  question: StoredMessage | undefined;
  answer: StoredMessage | undefined;
  /** The search score of the best piece that found the exchange. */
  score: number;
}

/** What {@link findExchanges} searches. */
export interface FindExchangesOptions {
  userId: string;
  query: string;
  limit: number;
  mode?: SearchMode | undefined;
  conversationIds?: string[] | undefined;
  /** Exchanges scoring below this share of the best one are left out. @default 0.25 */
  minRelativeScore?: number | undefined;
  /** A past question with exactly this text is skipped (the question being asked, already stored). */
  skipQuestion?: string | undefined;
}

/**
 * The most relevant past question/answer exchanges: a search (hybrid with an embedder, BM25 without)
 * over the user's messages, each hit paired with its neighbour — a question with the answer after it,
 * an answer with the question before it — best first, each exchange once. Exchanges without an answer,
 * the question being asked itself, and exchanges far weaker than the best one are left out.
 */
export async function findExchanges(memory: Memory, options: FindExchangesOptions): Promise<Exchange[]> {
  const hits = await memory.search({
    userId: options.userId,
    query: options.query,
    limit: options.limit * 4,
    mode: options.mode,
    conversationIds: options.conversationIds,
    kinds: ["message"],
    withNeighbours: 1,
  });
  const exchanges: Exchange[] = [];
  const seen = new Set<string>();
  const skip = options.skipQuestion?.trim().normalize("NFC");
  for (const hit of hits) {
    if (exchanges.length >= options.limit) break;
    const best = exchanges[0]?.score;
    if (best !== undefined && hit.score < best * (options.minRelativeScore ?? 0.25)) break;
    if (hit.role !== "user" && hit.role !== "assistant") continue;
    const before = hit.context?.before.at(-1);
    const after = hit.context?.after[0];
    const self = hit.pieceCount > 1 ? await memory.getMessage({ userId: options.userId, conversationId: hit.conversationId, id: hit.messageId }) : undefined;
    const message = self ?? hitAsMessage(options.userId, hit);
    const question = hit.role === "user" ? message : before?.role === "user" ? before : undefined;
    const answer = hit.role === "assistant" ? message : after?.role === "assistant" ? after : undefined;
    const key = `${hit.conversationId}\u0000${question?.seq ?? answer?.seq}`;
    if (!answer || seen.has(key) || (skip !== undefined && question?.content.trim() === skip)) continue;
    seen.add(key);
    const first = question ?? answer ?? message;
    exchanges.push({ conversationId: hit.conversationId, title: titleOf(first), createdAt: first.createdAt, question, answer, score: hit.score });
  }
  return exchanges;
}

function hitAsMessage(userId: string, hit: Awaited<ReturnType<Memory["search"]>>[number]): StoredMessage {
  return {
    userId,
    conversationId: hit.conversationId,
    id: hit.messageId,
    seq: hit.seq,
    kind: hit.kind,
    role: hit.role,
    name: hit.name,
    content: hit.content,
    tokenCount: hit.tokenCount,
    tokenizer: "",
    sha256: "",
    metadata: hit.metadata,
    createdAt: hit.createdAt,
    archived: hit.archived,
    pieceCount: hit.pieceCount,
    covers: undefined,
  };
}

/** The title an importer stored on a message (`metadata.conversation.title`), if any. */
export function titleOf(message: { metadata: Record<string, unknown> }): string | undefined {
  const conversation = message.metadata.conversation;
  if (typeof conversation !== "object" || conversation === null) return undefined;
  const title = (conversation as Record<string, unknown>).title;
  return typeof title === "string" ? title : undefined;
}
