import { z } from "zod";
import { ApiKeys } from "../api-keys/api-keys.js";
import { type BuildContextOptions, type BuiltContext, buildContext } from "../context/build-context.js";
import { type CompactIdleOptions, type CompactIdleResult, compactIdle } from "../context/compact-idle.js";
import { ReferenceDocuments } from "../documents/documents.js";
import type { Embedder } from "../embeddings/embedder.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { MessageInput } from "../ingest/message-input.js";
import { type PreparedMessage, type PrepareOptions, prepareMessages } from "../ingest/prepare-messages.js";
import { keybertKeywords } from "../keywords/keybert.js";
import { ModelMemory } from "../model-memory/model-memory.js";
import { Records } from "../records/records.js";
import { type SearchTuning, searchMemory } from "../search/search-memory.js";
import type { VectorModel } from "../search/search-messages.js";
import type { SearchOptions, SearchResult } from "../search/search-options.js";
import { Settings } from "../settings/settings.js";
import { migrations } from "../store/migrations.js";
import type { ConversationSummary, HistoryQuery, MemoryStats, PostgresStore } from "../store/postgres-store.js";
import type { UnembeddedPiece } from "../store/reindex-pieces.js";
import type { AppendResult, StoredMessage } from "../store/stored-message.js";
import type { Summarizer } from "../summarize/summarizer.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import { clusterTopics, type TopicsOptions, type TopicsResult } from "../topics/topics.js";
import { countSchema, idSchema, parseInput } from "./parse-input.js";

/** Options for {@link Memory.reindex}. */
export interface ReindexOptions {
  /** Only this user's pieces. @default every user */
  userId?: string | undefined;
  /** Pieces embedded per call to the embedder. @default 256 */
  batchSize?: number | undefined;
  /** Called before the first batch and after each one. */
  onProgress?: ((progress: { done: number; total: number }) => void) | undefined;
}

/** Which messages {@link Memory.history} returns: the last N, or those after a sequence number or time. */
export type HistoryOptions = { userId: string; conversationId: string } & (
  | { last: number }
  | { afterSeq: number; limit?: number }
  | { after: Date | string; limit?: number }
);

const id = idSchema;
const count = countSchema;
const scopeSchema = z.object({ userId: id, conversationId: id.optional() });
const historySchema = z.union([
  z.object({ userId: id, conversationId: id, last: count(10_000) }),
  z.object({ userId: id, conversationId: id, afterSeq: count(Number.MAX_SAFE_INTEGER), limit: count(10_000).default(1_000) }),
  z.object({ userId: id, conversationId: id, after: z.coerce.date(), limit: count(10_000).default(1_000) }),
]);
const reindexSchema = z.object({ userId: id.optional(), batchSize: count(10_000).min(1).default(256) });
const listSchema = z.object({ userId: id, limit: count(1_000).default(50), offset: count(Number.MAX_SAFE_INTEGER).default(0) });

/**
 * The memory of an LLM application: every message per user and conversation, token-counted,
 * split, deduplicated and indexed. Create one with {@link createMemory}.
 */
/** What a {@link Memory} is built from; {@link createMemory} assembles it. */
export interface MemoryParts {
  store: PostgresStore;
  prepare: PrepareOptions;
  embedding?: { embedder: Embedder; model: VectorModel } | undefined;
  search: SearchTuning;
  /** Folds old turns into running summaries (on overflow, and in {@link Memory.compactIdle}). */
  summarizer: Summarizer;
}

export class Memory {
  readonly #store: PostgresStore;
  readonly #prepare: PrepareOptions;
  readonly #embedding: MemoryParts["embedding"];
  readonly #search: SearchTuning;
  #closed = false;
  /** The user's curated long-term memory (facts, preferences), apart from the logs. */
  readonly modelMemory: ModelMemory;
  /** Versioned settings per user (the system prompt among them), over global defaults. */
  readonly settings: Settings;
  /** The user's reference documents (manuals, API specs), split into searchable chunks. */
  readonly documents: ReferenceDocuments;
  /** Records of named collections with client-supplied vectors, metadata filters and scopes (LlamaIndex nodes, CrewAI memories). */
  readonly records: Records;
  /** API keys of services over this memory (the CrewAI bridge), bound to users and scope paths. */
  readonly apiKeys: ApiKeys;

  readonly #parts: MemoryParts;
  readonly #counters = new Map<string, Promise<TokenCounter>>();

  /** @internal Use {@link createMemory}. */
  constructor(parts: MemoryParts) {
    this.#parts = parts;
    this.modelMemory = new ModelMemory(parts);
    this.settings = new Settings(parts);
    this.documents = new ReferenceDocuments(parts);
    this.records = new Records(parts);
    this.apiKeys = new ApiKeys(parts);
    this.#store = parts.store;
    this.#prepare = parts.prepare;
    this.#embedding = parts.embedding;
    this.#search = parts.search;
  }

  /** The embedder that vectors are made with, if any. */
  get embedder(): Embedder | undefined {
    return this.#embedding?.embedder;
  }

  /** The tokenizer that counts stored messages. */
  get tokenizer(): TokenCounter {
    return this.#prepare.counter;
  }

  /** Which engine stores the data. */
  get engine(): "postgres" | "pglite" {
    return this.#store.driver.engine;
  }

  /**
   * Stores one message. Appending the same `id` (or, by default, the same role, content and time)
   * again stores nothing and returns the stored record with `created: false`.
   */
  async append(message: MessageInput): Promise<AppendResult> {
    const [result] = await this.appendMany([message]);
    return result as AppendResult;
  }

  /**
   * Stores a batch in one transaction: all of it or, on any invalid message, none of it. With an
   * embedder, the new pieces are embedded first, so a failed embedding writes nothing either.
   */
  async appendMany(messages: readonly MessageInput[]): Promise<AppendResult[]> {
    if (!Array.isArray(messages)) throw new InvalidInputError("messages: must be an array of messages.");
    if (messages.length === 0) return [];
    const prepared = prepareMessages(messages, this.#prepare);
    if (this.#embedding) await this.#embed(prepared, this.#embedding.embedder);
    return this.#store.append(prepared, this.#embedding?.model.modelId);
  }

  /** Embeds the pieces of messages not stored yet (a re-import embeds nothing). */
  async #embed(prepared: PreparedMessage[], embedder: Embedder): Promise<void> {
    const stored = await this.#store.storedIndexes(prepared);
    const fresh = prepared.filter((_, index) => !stored.has(index));
    const texts = fresh.flatMap((message) => message.pieces.map((piece) => searchableText(message.name, piece.content)));
    if (texts.length === 0) return;
    const vectors = await embedder.embedDocuments(texts);
    let next = 0;
    for (const message of fresh) message.vectors = message.pieces.map(() => vectors[next++] as number[]);
    const { method, top, stopWords } = this.#store.keywords;
    if (method !== "keybert" || top === 0) return;
    // KeyBERT: candidate phrases scored against the message (the mean of its piece vectors), in one more embedder call.
    const keywords = await keybertKeywords(
      fresh.map((message) => ({ text: message.content, vector: meanVector(message.vectors ?? []) })),
      embedder,
      { top, stopWords },
    );
    fresh.forEach((message, index) => {
      message.keywords = keywords[index] ?? [];
    });
  }

  /**
   * Backfills what search needs for stored pieces: missing search vectors, and vectors for the
   * configured embedder (after changing models, or for data stored without one). Resumable: it
   * only ever fills what is missing, in batches, reporting progress after each.
   * @example
   * await memory.reindex({ onProgress: ({ done, total }) => console.log(`${done}/${total}`) });
   */
  async reindex(options: ReindexOptions = {}): Promise<{ searchVectors: number; embedded: number }> {
    const parsed = parseInput(reindexSchema, options);
    const searchVectors = await this.#store.fillSearchVectors(parsed.userId);
    if (!this.#embedding) return { searchVectors, embedded: 0 };
    const { embedder, model } = this.#embedding;
    const total = await this.#store.countUnembedded(model.modelId, parsed.userId);
    let done = 0;
    let after: UnembeddedPiece | undefined;
    options.onProgress?.({ done, total });
    for (;;) {
      const pieces = await this.#store.nextUnembedded({ modelId: model.modelId, userId: parsed.userId, limit: parsed.batchSize, after });
      if (pieces.length === 0) break;
      const vectors = await embedder.embedDocuments(pieces.map((piece) => searchableText(piece.name, piece.content)));
      await this.#store.storeVectors(model.modelId, pieces, vectors);
      done += pieces.length;
      after = pieces.at(-1);
      options.onProgress?.({ done, total: Math.max(total, done) });
    }
    return { searchVectors, embedded: done };
  }

  /**
   * Finds a user's most relevant conversation pieces: BM25 (lexical), cosine similarity (vector),
   * or both fused by weighted reciprocal rank (hybrid, the default with an embedder). Filters by
   * conversation, role, kind, time, metadata and archived state; returns min(limit, matches).
   * @example
   * const hits = await memory.search({ userId: "ada", query: "which hotel in Lisbon?", limit: 5 });
   */
  async search(options: SearchOptions): Promise<SearchResult[]> {
    return searchMemory(this.#store, this.#embedding, this.#search, options);
  }

  /**
   * The messages for the next model call, within `maxTokens − reserve` tokens exactly (chat overhead
   * included): system prompt, relevant model memory, the running summary, recent turns verbatim and
   * relevant older pieces — with a report of what went in and what was left out, and why. Old turns
   * that overflow their share are first folded into the running summary (archived, never deleted).
   * @throws ContextBudgetError when even the system prompt and the newest turn do not fit.
   * @example
   * await memory.append({ userId: "ada", conversationId: "c1", role: "user", content: question });
   * const { messages } = await memory.buildContext({ userId: "ada", conversationId: "c1", maxTokens: 8192, reserve: 1024 });
   */
  buildContext(options: BuildContextOptions): Promise<BuiltContext> {
    return buildContext({ memory: this, parts: this.#parts, summarizer: this.#parts.summarizer, counters: this.#counters }, options);
  }

  /**
   * Summarises conversations idle for longer than `idleFor` (older turns folded into the running
   * summary, archived, never deleted). Call it from a scheduler.
   * @example
   * await memory.compactIdle({ idleFor: "12h" });
   */
  compactIdle(options: CompactIdleOptions): Promise<CompactIdleResult> {
    return compactIdle(this.#parts, this.#parts.summarizer, options);
  }

  /** Clusters a user's conversations by topic (k-means), each topic with its top keywords and members. */
  topics(options: TopicsOptions): Promise<TopicsResult> {
    return clusterTopics(this.#parts, options);
  }

  /** Saves a fact to model memory, from text or from a logged message: see {@link ModelMemory.save}. */
  saveToModelMemory(input: Parameters<ModelMemory["save"]>[0]) {
    return this.modelMemory.save(input);
  }

  /** What Mnemo knows about a user, for a query or as a digest: see {@link ModelMemory.retrieveUserInfo}. */
  retrieveUserInfo(input: Parameters<ModelMemory["retrieveUserInfo"]>[0]) {
    return this.modelMemory.retrieveUserInfo(input);
  }

  /** One message by id, rebuilt from its pieces; undefined when there is none. */
  async getMessage(options: { userId: string; conversationId: string; id: string }): Promise<StoredMessage | undefined> {
    const parsed = parseInput(z.object({ userId: id, conversationId: id, id }), options);
    return this.#store.getMessage(parsed.userId, parsed.conversationId, parsed.id);
  }

  /** Messages of a conversation, oldest first: the last N, or those after a sequence number or a time. */
  async history(options: HistoryOptions): Promise<StoredMessage[]> {
    const parsed = parseInput(historySchema, options);
    const query: HistoryQuery =
      "last" in parsed
        ? { last: parsed.last }
        : "afterSeq" in parsed
          ? { afterSeq: parsed.afterSeq, limit: parsed.limit }
          : { after: parsed.after, limit: parsed.limit };
    return this.#store.history(parsed.userId, parsed.conversationId, query);
  }

  /** A user's conversations, most recently active first, with message and token totals. */
  async conversations(options: { userId: string; limit?: number; offset?: number }): Promise<ConversationSummary[]> {
    const parsed = parseInput(listSchema, options);
    return this.#store.conversations(parsed.userId, parsed.limit, parsed.offset);
  }

  /** Message and token statistics for a user, or for one conversation with `conversationId`. */
  async stats(options: { userId: string; conversationId?: string }): Promise<MemoryStats> {
    const parsed = parseInput(scopeSchema, options);
    return this.#store.stats(parsed.userId, parsed.conversationId);
  }

  /** Deletes a conversation with everything derived from it. Resolves false when there was none. */
  async deleteConversation(options: { userId: string; conversationId: string }): Promise<boolean> {
    const parsed = parseInput(z.object({ userId: id, conversationId: id }), options);
    return this.#store.deleteConversation(parsed.userId, parsed.conversationId);
  }

  /** Deletes a user and all of their data in one transaction. Resolves false when there was none. */
  async deleteUser(options: { userId: string }): Promise<boolean> {
    return this.#store.deleteUser(parseInput(z.object({ userId: id }), options).userId);
  }

  /**
   * Whether the database answers and its schema is current: the migrations this version knows that
   * are not applied yet (`pending`, empty when current). For readiness probes.
   * @throws UnavailableError when the database cannot be reached.
   */
  async schemaStatus(): Promise<{ pending: number[] }> {
    const { rows } = await this.#store.driver.query<{ version: number }>(`SELECT version FROM ${this.#store.s}.migrations`);
    const applied = new Set(rows.map((row) => row.version));
    return { pending: migrations.filter((migration) => !applied.has(migration.version)).map((migration) => migration.version) };
  }

  /** Closes what Mnemo opened. Idempotent; a pool or PGlite instance you passed in stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#store.driver.close();
  }
}

/** What is indexed and embedded for a piece: its speaker's name, when set, then its text. */
export function searchableText(name: string | undefined, content: string): string {
  return name ? `${name}: ${content}` : content;
}

function meanVector(vectors: readonly number[][]): number[] {
  const mean = new Array<number>(vectors[0]?.length ?? 0).fill(0);
  for (const vector of vectors) {
    vector.forEach((value, index) => {
      mean[index] = (mean[index] ?? 0) + value / vectors.length;
    });
  }
  return mean;
}
