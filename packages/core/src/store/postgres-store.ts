import type { Driver } from "../driver/driver.js";
import type { PreparedMessage } from "../ingest/prepare-messages.js";
import { appendMessages } from "./append-messages.js";
import { type MigrateResult, migrate, quoteIdentifier } from "./migrate.js";
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

  constructor(driver: Driver, schema = "mnemo") {
    this.driver = driver;
    this.schema = schema;
    this.s = quoteIdentifier(schema);
  }

  /** Applies pending migrations (safe when several processes start at once). */
  migrate(): Promise<MigrateResult> {
    return migrate(this.driver, this.schema);
  }

  /** Writes messages (all or nothing) and returns them in input order. */
  append(messages: readonly PreparedMessage[]): Promise<AppendResult[]> {
    return this.driver.transaction((transaction) => appendMessages(transaction, this.s, messages));
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
      "conversation_log",
      "conversations",
      "memory_history",
      "memories",
      "settings",
      "document_chunks",
      "documents",
    ];
    return this.driver.transaction(async (transaction) => {
      for (const table of tables) await transaction.query(`DELETE FROM ${this.s}.${table} WHERE user_id = $1`, [userId]);
      const { affectedRows } = await transaction.query(`DELETE FROM ${this.s}.users WHERE user_id = $1`, [userId]);
      return affectedRows > 0;
    });
  }
}
