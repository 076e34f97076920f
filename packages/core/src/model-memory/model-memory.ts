import { createHash } from "node:crypto";
import { z } from "zod";
import type { Queryable } from "../driver/driver.js";
import { ConflictError } from "../errors/conflict-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { jsonProblem, textProblem } from "../ingest/check-text.js";
import type { MemoryParts } from "../memory/memory.js";
import { countSchema, idSchema, parseInput } from "../memory/parse-input.js";
import { bm25OverOwnRows } from "../search/bm25-sql.js";
import { fuseRanked } from "../search/fuse-rankings.js";
import { queryVectorFor, queryVectorSchema } from "../search/query-vector.js";
import { vectorOverOwnRows } from "../search/vector-over-own-rows.js";
import { wordDice } from "../search/word-dice.js";

/** Who changed a model-memory entry. */
export type ChangedBy = "user" | "model" | "import" | "system";

/** One curated fact or preference the model keeps about a user. */
export interface ModelMemoryEntry {
  memoryId: string;
  userId: string;
  /** A path such as `/` or `/crew/researcher`; entries are deduplicated within a scope. */
  scope: string;
  content: string;
  tokenCount: number;
  category: string | undefined;
  /** 0 to 1. */
  importance: number;
  metadata: Record<string, unknown>;
  /** The logged message the entry came from, if any. */
  source: { conversationId: string; messageId: string | undefined } | undefined;
  version: number;
  createdBy: ChangedBy;
  updatedBy: ChangedBy;
  createdAt: Date;
  updatedAt: Date;
  lastAccessedAt: Date | undefined;
}

/** A past version of an entry, from its change history. */
export interface ModelMemoryChange {
  version: number;
  action: "create" | "update" | "delete";
  scope: string;
  content: string;
  category: string | undefined;
  importance: number;
  metadata: Record<string, unknown>;
  changedBy: ChangedBy;
  changedAt: Date;
}

/** When two entries count as the same fact. */
export interface NearDuplicateOptions {
  /** With an embedder: cosine similarity at or above this updates the existing entry. @default 0.9 */
  cosine: number;
  /** Without one: Dice similarity of the word sets at or above this does ("likes green tea" vs "likes green tea very much" is 0.75). @default 0.75 */
  text: number;
}

const changedBy = z.enum(["user", "model", "import", "system"]);
const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((value, context) => {
      const problem = textProblem(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    });
const content = text(20_000).refine((value) => value.trim() !== "", "must not be empty");
const metadata = z.record(z.string(), z.unknown()).superRefine((value, context) => {
  const problem = jsonProblem(value);
  if (problem) context.addIssue({ code: "custom", message: problem });
});
/** A scope path such as `/` or `/crew/researcher`: no spaces, `%`, `*`, empty segments or `..`. */
export const scope = z
  .string()
  .regex(/^\/([^/\s%*\u0000]+\/)*([^/\s%*\u0000]+)?$/u, "must be a path such as / or /crew/researcher (no spaces, %, * or empty segments)")
  .max(512)
  .refine((value) => !value.split("/").includes(".."), "must not contain '..'");
const fields = {
  category: text(100).optional(),
  importance: z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1").optional(),
  metadata: metadata.optional(),
};
const addSchema = z.object({
  userId: idSchema,
  content,
  scope: scope.default("/"),
  ...fields,
  source: z.object({ conversationId: idSchema, messageId: idSchema.optional() }).optional(),
  by: changedBy.default("user"),
});
const updateSchema = z.object({ userId: idSchema, memoryId: z.uuid("must be a UUID"), content: content.optional(), ...fields, by: changedBy.default("user") });
const keySchema = z.object({ userId: idSchema, memoryId: z.uuid("must be a UUID") });
const listSchema = z.object({
  userId: idSchema,
  scope: scope.optional(),
  category: text(100).optional(),
  limit: countSchema(1_000).default(100),
  offset: countSchema(Number.MAX_SAFE_INTEGER).default(0),
});
const searchSchema = z.object({
  userId: idSchema,
  query: z.string().max(10_000),
  limit: z.number().int().min(1).max(200).default(10),
  scope: scope.optional(),
  categories: z.array(text(100)).max(100).optional(),
  queryVector: queryVectorSchema,
});

/** What {@link ModelMemory.add} stores. */
export type AddMemoryInput = z.input<typeof addSchema>;
/** What {@link ModelMemory.update} changes; omitted fields keep their value. */
export type UpdateMemoryInput = z.input<typeof updateSchema>;
/** A search hit: the entry and its relevance. */
export type ModelMemoryHit = ModelMemoryEntry & { score: number };

interface Row {
  user_id: string;
  memory_id: string;
  scope: string;
  content: string;
  token_count: number;
  category: string | null;
  importance: number;
  metadata: Record<string, unknown>;
  source_conversation_id: string | null;
  source_response_id: string | null;
  version: number;
  created_by: ChangedBy;
  updated_by: ChangedBy;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date | null;
}

/**
 * A user's curated long-term memory: facts and preferences that the model or the user adds, edits
 * and removes, kept apart from the conversation logs. Every change is versioned in its history.
 * No duplicates: the same normalised content in a scope is a no-op, and a near-duplicate (by
 * embedding, or by word overlap without an embedder) updates the existing entry instead.
 * Reached as `memory.modelMemory`.
 */
export class ModelMemory {
  readonly #parts: MemoryParts;
  readonly #nearDuplicate: NearDuplicateOptions;

  /** @internal Created by {@link createMemory}. */
  constructor(parts: MemoryParts, nearDuplicate: NearDuplicateOptions = { cosine: 0.9, text: 0.75 }) {
    this.#parts = parts;
    this.#nearDuplicate = nearDuplicate;
  }

  get #s(): string {
    return this.#parts.store.s;
  }

  /**
   * Adds an entry, unless the scope already holds it: the same normalised content returns the
   * stored entry (`unchanged`); a near-duplicate is updated to the new wording (`updated`).
   * Adds of one user are serialised, so concurrent saves of one fact leave one entry.
   * @example
   * const { entry, action } = await memory.modelMemory.add({ userId: "ada", content: "Prefers window seats", category: "travel", by: "model" });
   */
  async add(input: AddMemoryInput): Promise<{ entry: ModelMemoryEntry; action: "created" | "updated" | "unchanged" }> {
    const request = parseInput(addSchema, input);
    const normalised = normalise(request.content);
    const vector = await this.#embed(normalised);
    return this.#parts.store.driver.transaction(async (db) => {
      await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`mnemo:model-memory:${this.#s}:${request.userId}`]);
      const same = await db.query<Row>(`SELECT * FROM ${this.#s}.memories WHERE user_id = $1 AND scope = $2 AND content_sha256 = decode($3, 'hex')`, [
        request.userId,
        request.scope,
        sha256(normalised),
      ]);
      if (same.rows[0]) return { entry: toEntry(same.rows[0]), action: "unchanged" as const };
      const near = await this.#findNearDuplicate(db, request.userId, request.scope, normalised, vector);
      if (near) {
        const entry = await this.#write(db, { ...request, memoryId: near, content: normalised }, vector);
        return { entry, action: "updated" as const };
      }
      const { rows } = await db.query<Row>(
        `INSERT INTO ${this.#s}.memories (user_id, scope, content, content_sha256, token_count, category, importance, metadata,
           source_conversation_id, source_response_id, created_by, updated_by, search_vector)
         VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6, $7, $8::jsonb, $9, $10, $11, $11, to_tsvector($12::regconfig, $3))
         RETURNING *`,
        [
          request.userId,
          request.scope,
          normalised,
          sha256(normalised),
          this.#parts.prepare.counter.count(normalised),
          request.category ?? null,
          request.importance ?? 0.5,
          JSON.stringify(request.metadata ?? {}),
          request.source?.conversationId ?? null,
          request.source?.messageId ?? null,
          request.by,
          this.#parts.store.searchConfig,
        ],
      );
      const entry = toEntry(rows[0] as Row);
      await this.#afterWrite(db, entry, "create", vector);
      return { entry, action: "created" as const };
    });
  }

  /**
   * Changes an entry's content, category, importance or metadata (a new version).
   * @throws NotFoundError when the user has no such entry.
   * @throws ConflictError when the new content is already another entry of the scope.
   * @example
   * await memory.modelMemory.update({ userId: "ada", memoryId, importance: 0.9, by: "user" });
   */
  async update(input: UpdateMemoryInput): Promise<ModelMemoryEntry> {
    const request = parseInput(updateSchema, input);
    const normalised = request.content === undefined ? undefined : normalise(request.content);
    const vector = normalised === undefined ? undefined : await this.#embed(normalised);
    return this.#parts.store.driver.transaction(async (db) => {
      await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`mnemo:model-memory:${this.#s}:${request.userId}`]);
      return this.#write(db, { ...request, content: normalised }, vector);
    });
  }

  /** Removes an entry (its history keeps a `delete` record); false when there was none. */
  async delete(input: { userId: string; memoryId: string; by?: ChangedBy }): Promise<boolean> {
    const request = parseInput(keySchema.extend({ by: changedBy.default("user") }), input);
    return this.#parts.store.driver.transaction(async (db) => {
      const { rows } = await db.query<Row>(`DELETE FROM ${this.#s}.memories WHERE user_id = $1 AND memory_id = $2 RETURNING *`, [
        request.userId,
        request.memoryId,
      ]);
      const row = rows[0];
      if (!row) return false;
      await db.query(`DELETE FROM ${this.#s}.memory_embeddings WHERE user_id = $1 AND memory_id = $2`, [request.userId, request.memoryId]);
      await this.#record(db, { ...toEntry(row), version: row.version + 1 }, "delete", request.by);
      return true;
    });
  }

  /** One entry, or undefined. */
  async get(input: { userId: string; memoryId: string }): Promise<ModelMemoryEntry | undefined> {
    const request = parseInput(keySchema, input);
    const { rows } = await this.#parts.store.driver.query<Row>(`SELECT * FROM ${this.#s}.memories WHERE user_id = $1 AND memory_id = $2`, [
      request.userId,
      request.memoryId,
    ]);
    return rows[0] && toEntry(rows[0]);
  }

  /** A user's entries, most important and most recently changed first; `scope` includes its sub-scopes. */
  async list(input: { userId: string; scope?: string; category?: string; limit?: number; offset?: number }): Promise<ModelMemoryEntry[]> {
    const request = parseInput(listSchema, input);
    const { rows } = await this.#parts.store.driver.query<Row>(
      `SELECT * FROM ${this.#s}.memories
       WHERE user_id = $1 AND ($2::text IS NULL OR ${inScope("scope", "$2")}) AND ($3::text IS NULL OR category = $3)
       ORDER BY importance DESC, updated_at DESC, memory_id LIMIT $4 OFFSET $5`,
      [request.userId, request.scope ?? null, request.category ?? null, request.limit, request.offset],
    );
    return rows.map(toEntry);
  }

  /** Every version of an entry, newest first (also after it was deleted). */
  async history(input: { userId: string; memoryId: string }): Promise<ModelMemoryChange[]> {
    const request = parseInput(keySchema, input);
    const { rows } = await this.#parts.store.driver.query<{
      version: number;
      action: ModelMemoryChange["action"];
      scope: string;
      content: string;
      category: string | null;
      importance: number;
      metadata: Record<string, unknown>;
      changed_by: ChangedBy;
      changed_at: Date;
    }>(`SELECT * FROM ${this.#s}.memory_history WHERE user_id = $1 AND memory_id = $2 ORDER BY version DESC`, [request.userId, request.memoryId]);
    return rows.map((row) => ({
      version: row.version,
      action: row.action,
      scope: row.scope,
      content: row.content,
      category: row.category ?? undefined,
      importance: row.importance,
      metadata: row.metadata,
      changedBy: row.changed_by,
      changedAt: row.changed_at,
    }));
  }

  /**
   * The entries most relevant to `query`: BM25 and (with an embedder) cosine similarity, fused by
   * weighted reciprocal rank like conversation search. Scores are the fused scores.
   * @example
   * const hits = await memory.modelMemory.search({ userId: "ada", query: "seat preference" });
   */
  async search(input: {
    userId: string;
    query: string;
    limit?: number;
    scope?: string;
    categories?: string[];
    /** The query's vector, made with the memory's embedder, instead of embedding `query` again. */
    queryVector?: readonly number[];
  }): Promise<ModelMemoryHit[]> {
    const request = parseInput(searchSchema, input);
    if (request.query.trim() === "") return [];
    const { store, search, embedding } = this.#parts;
    const extraParams = [request.scope ?? null, request.categories ?? null];
    const where = `AND ($8::text IS NULL OR ${inScope("r.scope", "$8")}) AND ($9::text[] IS NULL OR r.category = ANY($9))`;
    const candidates = Math.max(50, request.limit * 5);
    const [lexical, vector] = await Promise.all([
      bm25OverOwnRows(
        store.driver,
        {
          table: `${this.#s}.memories`,
          keys: ["memory_id"],
          userId: request.userId,
          query: request.query,
          searchConfig: store.searchConfig,
          stopWords: search.stopWords,
          limit: candidates,
          where,
          extraParams,
        },
        search.bm25,
      ),
      embedding
        ? queryVectorFor(embedding.embedder, request.query, request.queryVector).then((queryVector) =>
            vectorOverOwnRows(
              store.driver,
              {
                table: `${this.#s}.memory_embeddings`,
                keys: ["memory_id"],
                userId: request.userId,
                vector: queryVector,
                limit: candidates,
                where: `AND EXISTS (SELECT 1 FROM ${this.#s}.memories m WHERE m.user_id = r.user_id AND m.memory_id = r.memory_id
                        AND ($4::text IS NULL OR ${inScope("m.scope", "$4")}) AND ($5::text[] IS NULL OR m.category = ANY($5)))`,
                extraParams,
              },
              embedding.model,
            ),
          )
        : [],
    ]);
    const fused = fuseRanked(lexical, vector, (hit) => String(hit.memory_id), search.fusion).slice(0, request.limit);
    const { rows } = await store.driver.query<Row>(`SELECT * FROM ${this.#s}.memories WHERE user_id = $1 AND memory_id = ANY($2::uuid[])`, [
      request.userId,
      fused.map((hit) => hit.item.memory_id),
    ]);
    const byId = new Map(rows.map((row) => [row.memory_id, toEntry(row)]));
    return fused.flatMap((hit) => {
      const entry = byId.get(String(hit.item.memory_id));
      return entry ? [{ ...entry, score: hit.score }] : [];
    });
  }

  /**
   * Saves a fact to model memory — the `save_to_model_memory` tool: from text, or promoted from a
   * logged message (`conversationId` + `messageId`, recorded as its source). Made by the model unless
   * `by` says otherwise; duplicates are handled as in {@link add}.
   * @throws NotFoundError when the message to promote does not exist.
   * @example
   * await memory.saveToModelMemory({ userId: "ada", content: "Allergic to peanuts", category: "health", importance: 0.9 });
   * await memory.saveToModelMemory({ userId: "ada", conversationId: "c1", messageId: "m42" });
   */
  async save(
    input: ({ content: string } | { conversationId: string; messageId: string }) & Omit<AddMemoryInput, "content" | "source" | "by"> & { by?: ChangedBy },
  ): Promise<{ entry: ModelMemoryEntry; action: "created" | "updated" | "unchanged" }> {
    const by = input.by ?? "model";
    if ("content" in input) return this.add({ ...input, by });
    const { userId, conversationId, messageId } = parseInput(z.object({ userId: idSchema, conversationId: idSchema, messageId: idSchema }), input);
    const message = await this.#parts.store.getMessage(userId, conversationId, messageId);
    if (!message) throw new NotFoundError(`No message ${messageId} in conversation ${conversationId} for this user.`);
    const { conversationId: _c, messageId: _m, ...rest } = input;
    return this.add({ ...rest, content: message.content, source: { conversationId, messageId }, by });
  }

  /**
   * What Mnemo knows about a user — the `retrieve_user_info` tool. With a query: the most relevant
   * entries, weighted by importance (relevance × (0.5 + importance / 2)). Without: the most important
   * and most recently changed entries. `digest` is the same as bullet lines, ready for a prompt.
   * @example
   * const { digest } = await memory.retrieveUserInfo({ userId: "ada", query: "food" });
   */
  async retrieveUserInfo(input: { userId: string; query?: string; limit?: number; scope?: string }): Promise<{ entries: ModelMemoryEntry[]; digest: string }> {
    const request = parseInput(
      z.object({ userId: idSchema, query: z.string().max(10_000).optional(), limit: z.number().int().min(1).max(200).default(10), scope: scope.optional() }),
      input,
    );
    const entries = request.query?.trim()
      ? (await this.search({ userId: request.userId, query: request.query, limit: request.limit * 3, ...(request.scope ? { scope: request.scope } : {}) }))
          .map((hit) => ({ hit, weight: hit.score * (0.5 + hit.importance / 2) }))
          .sort((a, b) => b.weight - a.weight)
          .slice(0, request.limit)
          .map(({ hit: { score: _score, ...entry } }) => entry)
      : await this.list({ userId: request.userId, limit: request.limit, ...(request.scope ? { scope: request.scope } : {}) });
    await this.touch(
      request.userId,
      entries.map((entry) => entry.memoryId),
    );
    return { entries, digest: entries.map((entry) => `- ${entry.category ? `[${entry.category}] ` : ""}${entry.content}`).join("\n") };
  }

  /** Marks entries as read now (what the model was shown), for recency-aware callers. */
  async touch(userId: string, memoryIds: readonly string[]): Promise<void> {
    if (memoryIds.length === 0) return;
    await this.#parts.store.driver.query(`UPDATE ${this.#s}.memories SET last_accessed_at = now() WHERE user_id = $1 AND memory_id = ANY($2::uuid[])`, [
      userId,
      memoryIds,
    ]);
  }

  async #embed(content: string): Promise<number[] | undefined> {
    return this.#parts.embedding ? ((await this.#parts.embedding.embedder.embedDocuments([content]))[0] as number[]) : undefined;
  }

  /** The id of an entry of the scope that says nearly the same, if any. */
  async #findNearDuplicate(db: Queryable, userId: string, scope: string, content: string, vector: number[] | undefined): Promise<string | undefined> {
    const { store, embedding, search } = this.#parts;
    if (embedding && vector) {
      const [best] = await vectorOverOwnRows(
        db,
        {
          table: `${this.#s}.memory_embeddings`,
          keys: ["memory_id"],
          userId,
          vector,
          limit: 1,
          where: `AND EXISTS (SELECT 1 FROM ${this.#s}.memories m WHERE m.user_id = r.user_id AND m.memory_id = r.memory_id AND m.scope = $4)`,
          extraParams: [scope],
        },
        embedding.model,
      );
      return best && best.score >= this.#nearDuplicate.cosine ? String(best.memory_id) : undefined;
    }
    const hits = await bm25OverOwnRows(
      db,
      {
        table: `${this.#s}.memories`,
        keys: ["memory_id"],
        userId,
        query: content,
        searchConfig: store.searchConfig,
        stopWords: [],
        limit: 10,
        where: "AND r.scope = $8",
        extraParams: [scope],
      },
      search.bm25,
    );
    if (hits.length === 0) return undefined;
    const { rows } = await db.query<{ memory_id: string; content: string }>(
      `SELECT memory_id, content FROM ${this.#s}.memories WHERE user_id = $1 AND memory_id = ANY($2::uuid[])`,
      [userId, hits.map((hit) => hit.memory_id)],
    );
    const scored = rows.map((row) => ({ id: row.memory_id, similarity: wordDice(row.content, content) })).sort((a, b) => b.similarity - a.similarity);
    const best = scored[0];
    return best && best.similarity >= this.#nearDuplicate.text ? best.id : undefined;
  }

  /** Applies an update under the caller's lock: new version, history record, vector. */
  async #write(
    db: Queryable,
    request: {
      userId: string;
      memoryId: string;
      content?: string | undefined;
      category?: string | undefined;
      importance?: number | undefined;
      metadata?: Record<string, unknown> | undefined;
      by: ChangedBy;
    },
    vector: number[] | undefined,
  ): Promise<ModelMemoryEntry> {
    const { rows: current } = await db.query<Row>(`SELECT * FROM ${this.#s}.memories WHERE user_id = $1 AND memory_id = $2 FOR UPDATE`, [
      request.userId,
      request.memoryId,
    ]);
    const row = current[0];
    if (!row) throw new NotFoundError(`No model-memory entry ${request.memoryId} for this user.`);
    const content = request.content ?? row.content;
    if (content !== row.content) {
      const clash = await db.query(
        `SELECT 1 FROM ${this.#s}.memories WHERE user_id = $1 AND scope = $2 AND content_sha256 = decode($3, 'hex') AND memory_id <> $4`,
        [request.userId, row.scope, sha256(content), request.memoryId],
      );
      if (clash.rows.length > 0) throw new ConflictError("Another entry of this scope already has that content; delete one of them instead.");
    }
    const { rows } = await db.query<Row>(
      `UPDATE ${this.#s}.memories SET content = $3, content_sha256 = decode($4, 'hex'), token_count = $5, category = $6, importance = $7,
         metadata = $8::jsonb, version = version + 1, updated_by = $9, updated_at = now(), search_vector = to_tsvector($10::regconfig, $3)
       WHERE user_id = $1 AND memory_id = $2 RETURNING *`,
      [
        request.userId,
        request.memoryId,
        content,
        sha256(content),
        this.#parts.prepare.counter.count(content),
        request.category === undefined ? row.category : request.category,
        request.importance ?? row.importance,
        JSON.stringify(request.metadata ?? row.metadata),
        request.by,
        this.#parts.store.searchConfig,
      ],
    );
    const entry = toEntry(rows[0] as Row);
    await this.#afterWrite(db, entry, "update", content !== row.content ? vector : undefined);
    return entry;
  }

  async #afterWrite(db: Queryable, entry: ModelMemoryEntry, action: "create" | "update", vector: number[] | undefined): Promise<void> {
    await this.#record(db, entry, action, entry.updatedBy);
    const model = this.#parts.embedding?.model;
    if (!model || !vector) return;
    await db.query(
      `INSERT INTO ${this.#s}.memory_embeddings (user_id, memory_id, model_id, embedding) VALUES ($1, $2, $3, $4::vector)
       ON CONFLICT (user_id, memory_id, model_id) DO UPDATE SET embedding = excluded.embedding`,
      [entry.userId, entry.memoryId, model.modelId, JSON.stringify(vector)],
    );
  }

  async #record(db: Queryable, entry: ModelMemoryEntry, action: "create" | "update" | "delete", by: ChangedBy): Promise<void> {
    await db.query(
      `INSERT INTO ${this.#s}.memory_history (user_id, memory_id, version, action, scope, content, category, importance, metadata, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
      [
        entry.userId,
        entry.memoryId,
        entry.version,
        action,
        entry.scope,
        entry.content,
        entry.category ?? null,
        entry.importance,
        JSON.stringify(entry.metadata),
        by,
      ],
    );
  }
}

/** SQL: `column` is `scope` or lies under it (`/a` holds `/a/b`, not `/ab`). */
function inScope(column: string, scope: string): string {
  return `(${scope} = '/' OR ${column} = ${scope} OR left(${column}, length(${scope}) + 1) = ${scope} || '/')`;
}

/** NFC, trimmed, inner whitespace collapsed: how entries are compared and stored. */
export function normalise(content: string): string {
  return content.normalize("NFC").trim().replace(/\s+/gu, " ");
}

function sha256(content: string): string {
  return createHash("sha256").update(content.toLowerCase()).digest("hex");
}

function toEntry(row: Row): ModelMemoryEntry {
  return {
    memoryId: row.memory_id,
    userId: row.user_id,
    scope: row.scope,
    content: row.content,
    tokenCount: row.token_count,
    category: row.category ?? undefined,
    importance: row.importance,
    metadata: row.metadata,
    source: row.source_conversation_id ? { conversationId: row.source_conversation_id, messageId: row.source_response_id ?? undefined } : undefined,
    version: row.version,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastAccessedAt: row.last_accessed_at ?? undefined,
  };
}
