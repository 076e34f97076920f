import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { type DocumentHit, InvalidInputError, type Memory, type ModelMemoryHit, type SearchOptions, type SearchResult } from "@mnemo/core";
import { langchainMetadataKey } from "../langchain-message-mapping.js";

/** Where {@link MnemoRetriever} looks: conversation logs, model memory, reference documents. */
export type RetrieverSource = "conversations" | "memories" | "documents";

/** What each returned `Document` carries in `metadata`. */
export interface MnemoDocumentMetadata extends Record<string, unknown> {
  /** Which of Mnemo's stores the text came from. */
  sourceType: "conversation" | "memory" | "document";
  /** Where it came from: `conversation:<id>`, `memory:<scope>`, or the document's own source (else `document:<id>`). */
  source: string;
  /** The score within its own store (fused, BM25 or cosine, by mode): comparable only within one `sourceType`. */
  score: number;
  /** 1-based rank within its own store. */
  rank: number;
}

/** Options for {@link MnemoRetriever}. */
export interface MnemoRetrieverOptions extends BaseRetrieverInput {
  memory: Memory;
  /** The tenant: every search is scoped to this user. */
  userId: string;
  /** Documents returned in all. @default 4 */
  k?: number | undefined;
  /** Which stores to search; results are interleaved by rank. @default ["conversations"] */
  sources?: readonly RetrieverSource[] | undefined;
  /**
   * Filters and tuning for the conversation search (`memory.search`): `conversationIds`, `roles`,
   * `kinds`, `after`, `before`, `metadata` (jsonb containment), `keywords`, `includeArchived`,
   * `mode`, `boostConversationId`, `recency`, `diversity`…
   */
  conversations?: Omit<SearchOptions, "userId" | "query" | "limit" | "queryVector"> | undefined;
  /** Filters for model memory (`memory.modelMemory.search`). */
  memories?: { scope?: string | undefined; categories?: string[] | undefined } | undefined;
  /** Filters for reference documents (`memory.documents.search`). */
  documents?: { documentIds?: string[] | undefined; mode?: SearchOptions["mode"] } | undefined;
}

const allSources: readonly RetrieverSource[] = ["conversations", "memories", "documents"];

/**
 * A LangChain retriever over a user's Mnemo memory: conversation logs (hybrid BM25 + vector search),
 * curated model memory and reference documents, with Mnemo's filters. Each `Document` has an `id`
 * and, in `metadata`, its score, rank and source (see {@link MnemoDocumentMetadata}).
 * @example
 * const retriever = new MnemoRetriever({ memory, userId: "ada", k: 6, sources: ["conversations", "memories"] });
 * const documents = await retriever.invoke("which hotel did I book in Lisbon?");
 */
export class MnemoRetriever extends BaseRetriever<MnemoDocumentMetadata> {
  lc_namespace = ["mnemo", "langchain", "retrievers"];

  readonly #options: MnemoRetrieverOptions;
  readonly #k: number;
  readonly #sources: readonly RetrieverSource[];

  constructor(options: MnemoRetrieverOptions) {
    super(options);
    const k = options.k ?? 4;
    if (!Number.isInteger(k) || k < 1 || k > 200) throw new InvalidInputError("MnemoRetriever: k must be an integer from 1 to 200.");
    const sources = options.sources ?? ["conversations"];
    const unknown = sources.filter((source) => !allSources.includes(source));
    if (sources.length === 0 || unknown.length > 0) {
      throw new InvalidInputError(`MnemoRetriever: sources must list some of ${allSources.join(", ")}.`);
    }
    this.#options = options;
    this.#k = k;
    this.#sources = [...new Set(sources)];
  }

  /** The `k` most relevant pieces: each source's best, interleaved by rank (each source's own scores are not comparable). */
  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<MnemoDocumentMetadata>[]> {
    const ranked = await Promise.all(this.#sources.map((source) => this.#search(source, query)));
    const merged: Document<MnemoDocumentMetadata>[] = [];
    for (let rank = 0; merged.length < this.#k && ranked.some((list) => rank < list.length); rank++) {
      for (const list of ranked) {
        const document = list[rank];
        if (document && merged.length < this.#k) merged.push(document);
      }
    }
    return merged;
  }

  async #search(source: RetrieverSource, query: string): Promise<Document<MnemoDocumentMetadata>[]> {
    const { memory, userId } = this.#options;
    const limit = this.#k;
    switch (source) {
      case "conversations":
        return (await memory.search({ ...this.#options.conversations, userId, query, limit })).map(fromConversation);
      case "memories":
        return (await memory.modelMemory.search({ ...this.#options.memories, userId, query, limit })).map(fromMemory);
      case "documents":
        return (await memory.documents.search({ ...this.#options.documents, userId, query, limit })).map(fromDocument);
    }
  }
}

function fromConversation(hit: SearchResult, index: number): Document<MnemoDocumentMetadata> {
  // The serialized LangChain message can be large; the text and the caller's own metadata are what a retriever needs.
  const { [langchainMetadataKey]: _serialized, ...messageMetadata } = hit.metadata;
  return new Document({
    id: `${hit.conversationId}/${hit.messageId}#${hit.chunkIndex}`,
    pageContent: hit.content,
    metadata: {
      sourceType: "conversation",
      source: `conversation:${hit.conversationId}`,
      score: hit.score,
      rank: index + 1,
      conversationId: hit.conversationId,
      messageId: hit.messageId,
      seq: hit.seq,
      chunkIndex: hit.chunkIndex,
      pieceCount: hit.pieceCount,
      kind: hit.kind,
      role: hit.role,
      ...(hit.name ? { name: hit.name } : {}),
      createdAt: hit.createdAt.toISOString(),
      archived: hit.archived,
      keywords: hit.keywords,
      messageMetadata,
    },
  });
}

function fromMemory(hit: ModelMemoryHit, index: number): Document<MnemoDocumentMetadata> {
  return new Document({
    id: hit.memoryId,
    pageContent: hit.content,
    metadata: {
      sourceType: "memory",
      source: `memory:${hit.scope}`,
      score: hit.score,
      rank: index + 1,
      memoryId: hit.memoryId,
      scope: hit.scope,
      ...(hit.category ? { category: hit.category } : {}),
      importance: hit.importance,
      updatedAt: hit.updatedAt.toISOString(),
      memoryMetadata: hit.metadata,
    },
  });
}

function fromDocument(hit: DocumentHit, index: number): Document<MnemoDocumentMetadata> {
  return new Document({
    id: `${hit.documentId}#${hit.chunkIndex}`,
    pageContent: hit.content,
    metadata: {
      sourceType: "document",
      source: hit.source ?? `document:${hit.documentId}`,
      score: hit.score,
      rank: index + 1,
      documentId: hit.documentId,
      title: hit.title,
      chunkIndex: hit.chunkIndex,
      ...(hit.heading ? { heading: hit.heading } : {}),
    },
  });
}
