import { z } from "zod";
import type { Embedder } from "../embeddings/embedder.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { messageRoles } from "../ingest/message-input.js";
import type { PieceRow, PostgresStore } from "../store/postgres-store.js";
import type { Bm25Options } from "./bm25-sql.js";
import { type FusedHit, type FusionOptions, fuseRankings } from "./fuse-rankings.js";
import { cosineSimilarity, maximalMarginalRelevance } from "./mmr.js";
import { queryVectorFor, queryVectorSchema } from "./query-vector.js";
import type { VectorModel } from "./search-messages.js";
import { type SearchOptions, type SearchResult, searchModeFor } from "./search-options.js";
import { smoothNeighbours } from "./smooth-neighbours.js";
import { wordDice } from "./word-dice.js";

/** Tuning shared by every search of a memory. */
export interface SearchTuning {
  fusion: FusionOptions;
  /** Candidates taken from each leg before fusion, as a multiple of `limit` (at least 50). @default 5 */
  candidateFactor: number;
  /** Users with at most this many pieces are searched by reading their own rows (exact) instead of the HNSW and GIN indexes. @default 20000 */
  exactBelow: number;
  stopWords: readonly string[];
  bm25: Bm25Options;
  /** Share of adjacent messages' scores a piece earns (see {@link smoothNeighbours}). @default 0.5 */
  neighbourShare: number;
}

const id = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");
const searchSchema = z.object({
  userId: id,
  query: z.string().max(10_000, "must be at most 10,000 characters"),
  limit: z.number().int().min(1).max(1_000).default(10),
  mode: z.enum(["hybrid", "lexical", "vector"]).optional(),
  conversationIds: z.array(id).max(1_000).optional(),
  roles: z.array(z.enum(messageRoles)).optional(),
  kinds: z.array(z.enum(["message", "summary"])).optional(),
  after: z.coerce.date().optional(),
  before: z.coerce.date().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  includeArchived: z.boolean().optional(),
  keywords: z.array(z.string().min(1).max(200)).max(100).optional(),
  boostConversationId: id.optional(),
  conversationBoost: z.number().min(0).max(100).default(0.25),
  neighbourShare: z.number().min(0).max(10).optional(),
  recency: z
    .object({
      halfLifeDays: z.number().positive().max(36_500),
      weight: z.number().min(0).max(1).default(0.5),
      now: z.coerce.date().optional(),
    })
    .optional(),
  withNeighbours: z.number().int().min(0).max(10).default(0),
  diversity: z.number().min(0).max(1).default(0),
  queryVector: queryVectorSchema,
});

/**
 * Runs a lexical, vector or hybrid search over one user's pieces and returns the best `limit`
 * pieces with their text, best first. Every leg is filtered by the user in SQL.
 */
export async function searchMemory(
  store: PostgresStore,
  embedding: { embedder: Embedder; model: VectorModel } | undefined,
  tuning: SearchTuning,
  options: SearchOptions,
): Promise<SearchResult[]> {
  const parsed = searchSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new InvalidInputError(`Invalid search ${issues[0]?.path}: ${issues[0]?.message}.`, { issues });
  }
  const request = parsed.data;
  const mode = searchModeFor(request.mode, embedding !== undefined);
  if (request.query.trim() === "") return [];
  const candidates = Math.max(50, request.limit * tuning.candidateFactor);
  const filters = request;
  // Small users are answered from their own rows (exact, predictable); large ones through the indexes.
  const ownRows = store.pieceCount(request.userId).then((pieces) => pieces <= tuning.exactBelow);
  const [lexical, vector] = await Promise.all([
    mode === "vector"
      ? []
      : ownRows.then((scanOwnRows) =>
          store.searchLexical(
            { userId: request.userId, query: request.query, limit: candidates, stopWords: tuning.stopWords, filters, scanOwnRows },
            tuning.bm25,
          ),
        ),
    mode === "lexical" || !embedding
      ? []
      : Promise.all([queryVectorFor(embedding.embedder, request.query, request.queryVector), ownRows]).then(([vector, exact]) =>
          store.searchVector({ userId: request.userId, vector, limit: candidates, filters, exact }, embedding.model),
        ),
  ]);
  let ranked: FusedHit[] = smoothNeighbours(
    mode === "hybrid"
      ? fuseRankings(lexical, vector, tuning.fusion)
      : (mode === "lexical" ? lexical : vector).map((hit, index) => ({
          ...hit,
          lexicalRank: mode === "lexical" ? index + 1 : undefined,
          vectorRank: mode === "vector" ? index + 1 : undefined,
        })),
    request.neighbourShare ?? tuning.neighbourShare,
  );
  if (request.boostConversationId) {
    const boost = 1 + request.conversationBoost;
    ranked = ranked
      .map((hit) => (hit.conversationId === request.boostConversationId ? { ...hit, score: hit.score * boost } : hit))
      .sort((a, b) => b.score - a.score);
  }
  // Recency needs every candidate's time, so it reads them all; diversity a pool of three times the limit.
  const pool = request.diversity > 0 ? request.limit * 3 : request.limit;
  const pieces = await store.pieces(request.userId, request.recency ? ranked : ranked.slice(0, pool));
  const pieceOf = (hit: FusedHit) => pieces.get([hit.conversationId, hit.seq, hit.chunkIndex].join("\u0000"));
  if (request.recency) {
    const { halfLifeDays, weight } = request.recency;
    const now = (request.recency.now ?? new Date()).getTime();
    ranked = ranked
      .map((hit) => {
        const ageDays = Math.max(0, now - (pieceOf(hit)?.created_at.getTime() ?? now)) / 86_400_000;
        return { ...hit, score: hit.score * (1 - weight + weight * 0.5 ** (ageDays / halfLifeDays)) };
      })
      .sort((a, b) => b.score - a.score);
  }
  if (request.diversity > 0) ranked = await diversify(store, embedding, request.userId, ranked.slice(0, pool), pieceOf, request.diversity, request.limit);
  const results = ranked.slice(0, request.limit).flatMap((hit) => {
    const row = pieceOf(hit);
    return row ? [toResult(hit, row)] : []; // deleted between ranking and reading
  });
  if (request.withNeighbours > 0) await attachNeighbours(store, request.userId, results, request.withNeighbours);
  return results;
}

function toResult(hit: FusedHit, row: PieceRow): SearchResult {
  return {
    conversationId: row.conversation_id,
    messageId: row.response_id,
    seq: Number(row.seq),
    chunkIndex: row.chunk_index,
    pieceCount: row.chunk_count,
    kind: row.kind,
    role: row.role,
    name: row.name ?? undefined,
    content: row.content,
    tokenCount: row.token_count,
    metadata: row.metadata,
    createdAt: row.created_at,
    archived: row.archived,
    keywords: row.keywords ?? [],
    score: hit.score,
    lexicalRank: hit.lexicalRank,
    vectorRank: hit.vectorRank,
  };
}

/** Adds the `count` messages before and after each result's message, as `context`. */
async function attachNeighbours(store: PostgresStore, userId: string, results: SearchResult[], count: number): Promise<void> {
  const around = await store.messagesAround(userId, results, count);
  for (const result of results) {
    const nearby = around.filter((message) => message.conversationId === result.conversationId && Math.abs(message.seq - result.seq) <= count);
    result.context = { before: nearby.filter((message) => message.seq < result.seq), after: nearby.filter((message) => message.seq > result.seq) };
  }
}

/**
 * Maximal marginal relevance over the best candidates: each next result trades relevance (the score,
 * scaled to 0–1) against similarity to the results already chosen — cosine of the stored vectors with
 * an embedder, word overlap without — weighted by `diversity` (λ = 1 − diversity).
 */
async function diversify(
  store: PostgresStore,
  embedding: { embedder: Embedder; model: VectorModel } | undefined,
  userId: string,
  candidates: FusedHit[],
  pieceOf: (hit: FusedHit) => PieceRow | undefined,
  diversity: number,
  limit: number,
): Promise<FusedHit[]> {
  const best = candidates[0]?.score || 1;
  const vectors = embedding ? await store.pieceVectors(userId, candidates, embedding.model) : undefined;
  const keyOf = (hit: FusedHit) => [hit.conversationId, hit.seq, hit.chunkIndex].join("\u0000");
  const similarity = (a: FusedHit, b: FusedHit): number => {
    const left = vectors?.get(keyOf(a));
    const right = vectors?.get(keyOf(b));
    if (left && right) return cosineSimilarity(left, right);
    return wordDice(pieceOf(a)?.content ?? "", pieceOf(b)?.content ?? "");
  };
  return maximalMarginalRelevance(
    candidates.map((hit) => ({ item: hit, relevance: hit.score / best })),
    similarity,
    { lambda: 1 - diversity, limit },
  );
}
