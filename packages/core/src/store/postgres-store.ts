import type { Driver } from "../driver/driver.js";
import { ConflictError } from "../errors/conflict-error.js";
import type { PreparedMessage } from "../ingest/prepare-messages.js";
import { termFrequencies } from "../keywords/tfidf-keywords.js";
import type { Bm25Options } from "../search/bm25-sql.js";
import type { SearchFilters } from "../search/search-filters.js";
import { lexicalSearch, type PieceHit, type VectorModel, vectorSearch, vectorType } from "../search/search-messages.js";
import { appendMessages, findExisting, findMatch, indexExisting } from "./append-messages.js";
import { type MigrateResult, migrate, quoteIdentifier } from "./migrate.js";
import { countUnembedded, fillSearchVectors, nextUnembedded, storeVectors, type UnembeddedPiece } from "./reindex-pieces.js";
import { type AppendResult, type MessageRow, messageColumns, rowsToMessages, type StoredMessage } from "./stored-message.js";

/** A conversation with its totals. */
export interface ConversationSummary {
  conversationId: string;
  title: string | undefined;
  metadata: Record<string, unknown>;
  archived: boolean;
  messageCount: number;
  tokenCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Message and token statistics for a user or one conversation. */
export interface MemoryStats {
  conversations: number;
  messages: number;
  tokens: number;
  /** Stored pieces (a long message is several). */
  pieces: number;
  summaries: number;
  archivedMessages: number;
  byRole: Record<string, { messages: number; tokens: number }>;
  firstMessageAt: Date | undefined;
  lastMessageAt: Date | undefined;
}

/** A stored piece as read for search results: a {@link MessageRow} with the piece's own token count. */
export type PieceRow = Pick<
  MessageRow,
  "conversation_id" | "seq" | "chunk_index" | "chunk_count" | "response_id" | "kind" | "role" | "name" | "content" | "metadata" | "archived" | "created_at"
> & { token_count: number; keywords: string[] | null };

/** How keywords are chosen: how many per message, which words never, and by TF-IDF (in SQL) or KeyBERT (with the embedder). */
export interface KeywordSettings {
  top: number;
  stopWords: readonly string[];
  method: "tfidf" | "keybert";
}

/** Which messages of a conversation to read. */
export type HistoryQuery = { last: number } | { afterSeq: number; limit: number } | { after: Date; limit: number };

/**
 * All of Mnemo's SQL, over any {@link Driver}. Every statement is filtered by `user_id` first,
 * the tenant boundary and the leading column of every primary key.
 */
export class PostgresStore {
  readonly driver: Driver;
  /** The quoted schema name that qualifies every table. */
  readonly s: string;
  readonly schema: string;
  /** The text search configuration used for every search vector and query. */
  readonly searchConfig: string;
  /** Keywords kept per message, and the words never chosen. */
  readonly keywords: KeywordSettings;

  constructor(driver: Driver, options: { schema?: string; searchConfig?: string; keywords?: KeywordSettings } = {}) {
    this.driver = driver;
    this.schema = options.schema ?? "mnemo";
    this.searchConfig = options.searchConfig ?? "simple";
    this.keywords = options.keywords ?? { top: 5, stopWords: [], method: "tfidf" };
    this.s = quoteIdentifier(this.schema);
  }

  /** Applies pending migrations (safe when several processes start at once). */
  migrate(): Promise<MigrateResult> {
    return migrate(this.driver, this.schema);
  }

  /** Writes messages (all or nothing), with their vectors for `modelId`, and returns them in input order. */
  append(messages: readonly PreparedMessage[], modelId?: number): Promise<AppendResult[]> {
    return this.driver.transaction((transaction) =>
      appendMessages(transaction, this.s, messages, { searchConfig: this.searchConfig, modelId, keywords: this.keywords }),
    );
  }

  /** Indexes (in `messages`) of the messages that are already stored: they need no embedding. */
  async storedIndexes(messages: readonly PreparedMessage[]): Promise<Set<number>> {
    const seen = indexExisting(await findExisting(this.driver, this.s, messages));
    const stored = new Set<number>();
    messages.forEach((message, index) => {
      if (findMatch(seen, message)) stored.add(index);
    });
    return stored;
  }

  /**
   * Registers an embedding model (name and dimensions) under the migration lock, then creates its own
   * partial HNSW index under a lock of that index alone. A name registered with other dimensions is a
   * {@link ConflictError}.
   */
  async registerEmbeddingModel(name: string, dimensions: number): Promise<VectorModel> {
    const model = await this.driver.transaction(async (transaction) => {
      await transaction.query("SELECT pg_advisory_xact_lock($1)", [0x6d6e656d6f]);
      await transaction.query(`INSERT INTO ${this.s}.embedding_models (name, dimensions) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, dimensions]);
      const { rows } = await transaction.query<{ model_id: number; dimensions: number }>(
        `SELECT model_id, dimensions FROM ${this.s}.embedding_models WHERE name = $1`,
        [name],
      );
      const row = rows[0] as { model_id: number; dimensions: number };
      if (row.dimensions !== dimensions) {
        throw new ConflictError(
          `Embedding model ${JSON.stringify(name)} is stored with ${row.dimensions} dimensions, not ${dimensions}; give a different model a different id.`,
        );
      }
      return { modelId: row.model_id, dimensions };
    });
    const operators = dimensions > 2_000 ? "halfvec_cosine_ops" : "vector_cosine_ops";
    await this.createIndexOnce(
      `log_embeddings_model_${model.modelId}`,
      `ON ${this.s}.log_embeddings USING hnsw ((embedding::${vectorType(dimensions)}) ${operators}) WHERE model_id = ${model.modelId}`,
    );
    return model;
  }

  /**
   * `CREATE INDEX IF NOT EXISTS name definition` under an advisory lock of that index alone: two processes
   * never build it twice (which fails in the catalogue), and building an index over many rows does not
   * hold the migration lock that every other schema's start-up waits for.
   */
  async createIndexOnce(name: string, definition: string): Promise<void> {
    await this.driver.transaction(async (transaction) => {
      await transaction.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`mnemo:index:${this.s}.${name}`]);
      await transaction.query(`CREATE INDEX IF NOT EXISTS ${name} ${definition}`);
    });
  }

  /** Fills missing search vectors; returns how many. */
  fillSearchVectors(userId?: string): Promise<number> {
    return fillSearchVectors(this.driver, this.s, this.searchConfig, userId);
  }

  /** Pieces without a vector for `modelId`. */
  countUnembedded(modelId: number, userId?: string): Promise<number> {
    return countUnembedded(this.driver, this.s, modelId, userId);
  }

  /** The next batch of pieces without a vector for `modelId`, after `after`. */
  nextUnembedded(request: { modelId: number; userId?: string | undefined; limit: number; after?: UnembeddedPiece | undefined }) {
    return nextUnembedded(this.driver, this.s, request);
  }

  /** Stores vectors for pieces (keeping any stored meanwhile). */
  storeVectors(modelId: number, pieces: readonly UnembeddedPiece[], vectors: readonly number[][]): Promise<void> {
    return storeVectors(this.driver, this.s, modelId, pieces, vectors);
  }

  /** How many pieces a user has stored (from the per-conversation totals). */
  async pieceCount(userId: string): Promise<number> {
    const { rows } = await this.driver.query<{ pieces: number }>(
      `SELECT coalesce(sum(piece_count), 0)::int8 AS pieces FROM ${this.s}.conversations WHERE user_id = $1`,
      [userId],
    );
    return Number(rows[0]?.pieces ?? 0);
  }

  /** BM25 over a user's pieces. */
  searchLexical(
    request: { userId: string; query: string; limit: number; stopWords: readonly string[]; filters: SearchFilters; scanOwnRows: boolean },
    bm25?: Bm25Options,
  ) {
    return lexicalSearch(this.driver, this.s, { ...request, searchConfig: this.searchConfig }, bm25);
  }

  /** Cosine similarity over a user's pieces for one model; `exact` scans the user's own rows. */
  searchVector(request: { userId: string; vector: readonly number[]; limit: number; filters: SearchFilters; exact: boolean }, model: VectorModel) {
    return vectorSearch(this.driver, this.s, request, model);
  }

  /** Messages (not summaries) within `count` positions of each of `anchors`, rebuilt from their pieces. */
  async messagesAround(userId: string, anchors: readonly { conversationId: string; seq: number }[], count: number): Promise<StoredMessage[]> {
    if (anchors.length === 0) return [];
    const { rows } = await this.driver.query<MessageRow>(
      `SELECT ${messageColumns} FROM ${this.s}.conversation_log
       WHERE user_id = $1 AND kind = 'message' AND (conversation_id, seq) IN (
         SELECT k.c, around FROM unnest($2::text[], $3::int8[]) AS k(c, q), generate_series(k.q - $4, k.q + $4) AS around)
       ORDER BY conversation_id, seq, chunk_index`,
      [userId, anchors.map((anchor) => anchor.conversationId), anchors.map((anchor) => anchor.seq), count],
    );
    return rowsToMessages(rows);
  }

  /** Stored vectors of pieces for one model, keyed `conversation\u0000seq\u0000chunk`. */
  async pieceVectors(userId: string, hits: readonly PieceHit[], model: VectorModel): Promise<Map<string, number[]>> {
    const { rows } = await this.driver.query<{ conversation_id: string; seq: number; chunk_index: number; embedding: string }>(
      `SELECT e.conversation_id, e.seq, e.chunk_index, e.embedding::text AS embedding
       FROM unnest($2::text[], $3::int8[], $4::int4[]) AS k(c, q, i)
       JOIN ${this.s}.log_embeddings e ON e.user_id = $1 AND e.conversation_id = k.c AND e.seq = k.q AND e.chunk_index = k.i AND e.model_id = $5`,
      [userId, hits.map((hit) => hit.conversationId), hits.map((hit) => hit.seq), hits.map((hit) => hit.chunkIndex), model.modelId],
    );
    return new Map(rows.map((row) => [[row.conversation_id, Number(row.seq), row.chunk_index].join("\u0000"), JSON.parse(row.embedding) as number[]]));
  }

  /** The stored pieces behind search hits, keyed `conversation\u0000seq\u0000chunk`. */
  async pieces(userId: string, hits: readonly PieceHit[]) {
    const { rows } = await this.driver.query<PieceRow>(
      `SELECT l.conversation_id, l.seq, l.chunk_index, l.chunk_count, l.response_id, l.kind, l.role, l.name, l.content, l.token_count,
              l.metadata, l.archived, l.created_at,
              (SELECT array_agg(w.keyword ORDER BY w.score DESC, w.keyword) FROM ${this.s}.message_keywords w
               WHERE w.user_id = l.user_id AND w.conversation_id = l.conversation_id AND w.seq = l.seq) AS keywords
       FROM unnest($2::text[], $3::int8[], $4::int4[]) AS k(c, q, i)
       JOIN ${this.s}.conversation_log l ON l.user_id = $1 AND l.conversation_id = k.c AND l.seq = k.q AND l.chunk_index = k.i`,
      [userId, hits.map((hit) => hit.conversationId), hits.map((hit) => hit.seq), hits.map((hit) => hit.chunkIndex)],
    );
    return new Map(rows.map((row) => [[row.conversation_id, Number(row.seq), row.chunk_index].join("\u0000"), row]));
  }

  /** One message by id, rebuilt from its pieces. */
  async getMessage(userId: string, conversationId: string, id: string): Promise<StoredMessage | undefined> {
    const { rows } = await this.driver.query<MessageRow>(
      `SELECT ${messageColumns} FROM ${this.s}.conversation_log
       WHERE user_id = $1 AND conversation_id = $2 AND seq = (
         SELECT seq FROM ${this.s}.conversation_log WHERE user_id = $1 AND conversation_id = $2 AND response_id = $3 AND chunk_index = 0)
       ORDER BY chunk_index`,
      [userId, conversationId, id],
    );
    return rowsToMessages(rows)[0];
  }

  /** Messages of a conversation (summaries excluded), oldest first. */
  async history(userId: string, conversationId: string, query: HistoryQuery): Promise<StoredMessage[]> {
    const firstPieces = `SELECT seq FROM ${this.s}.conversation_log
      WHERE user_id = $1 AND conversation_id = $2 AND chunk_index = 0 AND kind = 'message'`;
    // The inner query finds the wanted messages' sequence numbers on the primary key; the outer
    // one reads exactly that range of pieces (sequence numbers only grow with position).
    const [range, params] =
      "last" in query
        ? [`seq >= (SELECT min(seq) FROM (${firstPieces} ORDER BY seq DESC LIMIT $3) wanted)`, [query.last]]
        : "afterSeq" in query
          ? [`seq > $4 AND seq <= (SELECT max(seq) FROM (${firstPieces} AND seq > $4 ORDER BY seq LIMIT $3) wanted)`, [query.limit, query.afterSeq]]
          : [`seq IN (${firstPieces} AND created_at > $4 ORDER BY seq LIMIT $3)`, [query.limit, query.after]];
    const { rows } = await this.driver.query<MessageRow>(
      `SELECT ${messageColumns} FROM ${this.s}.conversation_log
       WHERE user_id = $1 AND conversation_id = $2 AND kind = 'message' AND ${range}
       ORDER BY seq, chunk_index`,
      [userId, conversationId, ...params],
    );
    return rowsToMessages(rows);
  }

  /** A user's conversations, most recently active first. */
  async conversations(userId: string, limit: number, offset: number): Promise<ConversationSummary[]> {
    const { rows } = await this.driver.query<{
      conversation_id: string;
      title: string | null;
      metadata: Record<string, unknown>;
      archived: boolean;
      message_count: number;
      token_count: number;
      created_at: Date;
      updated_at: Date;
    }>(
      `SELECT conversation_id, title, metadata, archived, message_count, token_count, created_at, updated_at
       FROM ${this.s}.conversations WHERE user_id = $1
       ORDER BY updated_at DESC, conversation_id LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
    return rows.map((row) => ({
      conversationId: row.conversation_id,
      title: row.title ?? undefined,
      metadata: row.metadata,
      archived: row.archived,
      messageCount: Number(row.message_count),
      tokenCount: Number(row.token_count),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  /** Message and token statistics for a user, or one of their conversations. */
  async stats(userId: string, conversationId?: string): Promise<MemoryStats> {
    const scope = conversationId === undefined ? "user_id = $1" : "user_id = $1 AND conversation_id = $2";
    const params = conversationId === undefined ? [userId] : [userId, conversationId];
    const [conversations, roles] = await Promise.all([
      this.driver.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${this.s}.conversations WHERE ${scope}`, params),
      this.driver.query<{ role: string; kind: string; messages: number; tokens: number; pieces: number; archived: number; first: Date; last: Date }>(
        `SELECT role, kind, count(*) FILTER (WHERE chunk_index = 0)::int8 AS messages,
                coalesce(sum(message_token_count) FILTER (WHERE chunk_index = 0), 0)::int8 AS tokens,
                count(*)::int8 AS pieces, count(*) FILTER (WHERE chunk_index = 0 AND archived)::int8 AS archived,
                min(created_at) AS first, max(created_at) AS last
         FROM ${this.s}.conversation_log WHERE ${scope} GROUP BY role, kind`,
        params,
      ),
    ]);
    const stats: MemoryStats = {
      conversations: Number(conversations.rows[0]?.n ?? 0),
      messages: 0,
      tokens: 0,
      pieces: 0,
      summaries: 0,
      archivedMessages: 0,
      byRole: {},
      firstMessageAt: undefined,
      lastMessageAt: undefined,
    };
    for (const row of roles.rows) {
      if (row.kind === "summary") {
        stats.summaries += Number(row.messages);
        continue;
      }
      stats.messages += Number(row.messages);
      stats.tokens += Number(row.tokens);
      stats.pieces += Number(row.pieces);
      stats.archivedMessages += Number(row.archived);
      stats.byRole[row.role] = { messages: Number(row.messages), tokens: Number(row.tokens) };
      if (!stats.firstMessageAt || row.first < stats.firstMessageAt) stats.firstMessageAt = row.first;
      if (!stats.lastMessageAt || row.last > stats.lastMessageAt) stats.lastMessageAt = row.last;
    }
    return stats;
  }

  /** Deletes a conversation and everything derived from it; false when it did not exist. */
  deleteConversation(userId: string, conversationId: string): Promise<boolean> {
    return this.driver.transaction(async (transaction) => {
      // Its messages no longer count in the user's word frequencies (rows locked in term order, as writers do).
      const { rows: messages } = await transaction.query<{ content: string }>(
        `SELECT string_agg(content, '' ORDER BY chunk_index) AS content FROM ${this.s}.conversation_log
         WHERE user_id = $1 AND conversation_id = $2 AND kind = 'message' GROUP BY seq`,
        [userId, conversationId],
      );
      const stopWords = new Set(this.keywords.stopWords);
      const gone = new Map<string, number>();
      for (const message of messages) for (const term of termFrequencies(message.content, stopWords).keys()) gone.set(term, (gone.get(term) ?? 0) + 1);
      const terms = [...gone.keys()].sort();
      await transaction.query(
        `WITH gone AS (SELECT * FROM unnest($2::text[], $3::int8[]) AS g(term, n)),
         locked AS (SELECT t.term FROM ${this.s}.user_terms t WHERE t.user_id = $1 AND t.term = ANY($2::text[]) ORDER BY t.term FOR UPDATE)
         UPDATE ${this.s}.user_terms t SET df = greatest(t.df - gone.n, 0)
         FROM gone WHERE t.user_id = $1 AND t.term = gone.term AND t.term IN (SELECT term FROM locked)`,
        [userId, terms, terms.map((term) => gone.get(term))],
      );
      for (const table of ["log_embeddings", "message_keywords", "conversation_log"]) {
        await transaction.query(`DELETE FROM ${this.s}.${table} WHERE user_id = $1 AND conversation_id = $2`, [userId, conversationId]);
      }
      const { affectedRows } = await transaction.query(`DELETE FROM ${this.s}.conversations WHERE user_id = $1 AND conversation_id = $2`, [
        userId,
        conversationId,
      ]);
      return affectedRows > 0;
    });
  }

  /** Deletes a user and every row of theirs, in one transaction; false when they had nothing stored. */
  deleteUser(userId: string): Promise<boolean> {
    const tables = [
      "log_embeddings",
      "memory_embeddings",
      "document_embeddings",
      "message_keywords",
      "user_terms",
      "conversation_log",
      "conversations",
      "memory_history",
      "memories",
      "settings",
      "document_chunks",
      "documents",
      "record_embeddings",
      "records",
    ];
    return this.driver.transaction(async (transaction) => {
      for (const table of tables) await transaction.query(`DELETE FROM ${this.s}.${table} WHERE user_id = $1`, [userId]);
      const { affectedRows } = await transaction.query(`DELETE FROM ${this.s}.users WHERE user_id = $1`, [userId]);
      return affectedRows > 0;
    });
  }
}
