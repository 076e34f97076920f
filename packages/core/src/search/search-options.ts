import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { MessageRole } from "../ingest/message-input.js";
import type { StoredMessage } from "../store/stored-message.js";
import type { SearchFilters } from "./search-filters.js";

/** How {@link Memory.search} ranks. */
export type SearchMode = "hybrid" | "lexical" | "vector";

/**
 * The mode a search runs in: the one asked for, else `hybrid` with an embedder and `lexical` without.
 * @throws InvalidInputError for `vector` or `hybrid` without an embedder.
 */
export function searchModeFor(requested: SearchMode | undefined, hasEmbedder: boolean): SearchMode {
  const mode = requested ?? (hasEmbedder ? "hybrid" : "lexical");
  if (mode !== "lexical" && !hasEmbedder) {
    throw new InvalidInputError(`Search mode "${mode}" needs an embedder; pass one to createMemory, or use mode "lexical".`);
  }
  return mode;
}

/** A search over a user's conversation pieces. */
export interface SearchOptions extends SearchFilters {
  userId: string;
  /** What to look for, in plain words. */
  query: string;
  /** Results wanted. @default 10 */
  limit?: number | undefined;
  /** @default "hybrid" with an embedder, else "lexical" */
  mode?: SearchMode | undefined;
  /** Multiply the fused score of pieces from this conversation by `1 + conversationBoost`. */
  boostConversationId?: string | undefined;
  /** @default 0.25 */
  conversationBoost?: number | undefined;
  /** Share of the adjacent messages' scores each piece earns; 0 turns it off. @default the memory's `neighbourShare` */
  neighbourShare?: number | undefined;
  /**
   * Favour recent pieces: the score is multiplied by `(1 − weight) + weight × 0.5^(age / halfLifeDays)`,
   * age measured from `now` (@default the current time). `weight` @default 0.5.
   */
  recency?: { halfLifeDays: number; weight?: number | undefined; now?: Date | string | undefined } | undefined;
  /**
   * Trade relevance for variety (maximal marginal relevance over three times `limit` candidates):
   * 0 ranks by relevance alone, 1 by novelty alone; similarity is the cosine of stored vectors, or
   * word overlap without an embedder. @default 0
   */
  diversity?: number | undefined;
  /** The query's vector, made by you with the memory's embedder (its dimensions), instead of embedding `query` again. */
  queryVector?: readonly number[] | undefined;
  /** Attach the N messages before and after each result's message as `context`. @default 0 */
  withNeighbours?: number | undefined;
}

/** One search result: a stored piece of a message, with its scores. */
export interface SearchResult {
  conversationId: string;
  /** The message id the piece belongs to. */
  messageId: string;
  seq: number;
  chunkIndex: number;
  /** How many pieces the message has. */
  pieceCount: number;
  kind: "message" | "summary";
  role: MessageRole;
  name: string | undefined;
  /** The piece's text (the whole message when it has one piece). */
  content: string;
  tokenCount: number;
  metadata: Record<string, unknown>;
  createdAt: Date;
  archived: boolean;
  /** The message's stored keywords, best first. */
  keywords: string[];
  /** The final score (BM25, cosine similarity, or fused reciprocal-rank score by mode). */
  score: number;
  /** 1-based rank in the lexical leg, if it found this piece. */
  lexicalRank: number | undefined;
  /** 1-based rank in the vector leg, if it found this piece. */
  vectorRank: number | undefined;
  /** With `withNeighbours`: the surrounding messages of the same conversation, oldest first. */
  context?: { before: StoredMessage[]; after: StoredMessage[] } | undefined;
}
