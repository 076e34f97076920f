import type { BaseEmbedding } from "@llamaindex/core/embeddings";
import { Settings } from "@llamaindex/core/global";
import { type BaseNode, MetadataMode } from "@llamaindex/core/schema";
import { BaseVectorStore, type VectorStoreQuery, type VectorStoreQueryResult } from "@llamaindex/core/vector-store";
import { InvalidInputError, type Memory } from "@mnemo/core";
import { MnemoEmbedding } from "../embeddings/mnemo-embedding.js";
import { toNode, toRecordInput } from "./node-record-mapping.js";
import { toRecordQuery } from "./vector-store-query-mapping.js";

const addBatchSize = 1_000;

/** Options for {@link MnemoVectorStore}. */
export interface MnemoVectorStoreOptions {
  /** The Mnemo memory to store in (from `createMemory`). The store never closes it. */
  memory: Memory;
  /** The tenant: every read and write is scoped to this user. */
  userId: string;
  /** The records collection the nodes live in; several indexes of one user use several collections. @default "llamaindex:default" */
  collection?: string | undefined;
  /**
   * The model that embeds nodes and queries. @default `Settings.embedModel` of `@llamaindex/core/global`
   * (note: `llamaindex` 0.12.1 bundles its own copy of `@llamaindex/core`, whose `Settings` is a separate
   * object; pass the model here to be independent of which copy you configured)
   */
  embedModel?: BaseEmbedding | undefined;
  /**
   * The name the vectors are registered under in Mnemo. Vectors of one name always have one dimension
   * and are never mixed with another name's, so change it when you change embedding models.
   * @default the Mnemo embedder's id for a {@link MnemoEmbedding}, else `llamaindex:<class name of the embed model>`
   */
  vectorModel?: string | undefined;
}

/**
 * A LlamaIndex vector store kept in Mnemo's records (PostgreSQL + pgvector, or embedded PGlite): nodes
 * keep their ids, text, metadata and relationships; `delete(refDocId)` removes every node of that
 * source document; queries honour top-k under any filter (min(k, matches) results), `docIds`, every
 * `MetadataFilters` operator with `and`/`or`, and the modes default (vector), sparse (BM25), hybrid
 * (`alpha` weighs the vector leg) and MMR (`mmrThreshold` is λ).
 * @example
 * const vectorStore = new MnemoVectorStore({ memory, userId: "ada", embedModel });
 * const index = await VectorStoreIndex.fromVectorStore(vectorStore);
 * await index.insertNodes(nodes);
 * const answer = await index.asQueryEngine().query({ query: "Which hotel has a rooftop pool?" });
 */
export class MnemoVectorStore extends BaseVectorStore<Memory> {
  /** Nodes' text is stored, so `VectorStoreIndex` needs no document store. */
  storesText = true;
  readonly #memory: Memory;
  readonly #userId: string;
  readonly #collection: string;
  readonly #vectorModel: string;

  constructor(options: MnemoVectorStoreOptions) {
    super({ embedModel: options.embedModel ?? settingsEmbedModel() });
    this.#memory = options.memory;
    this.#userId = options.userId;
    this.#collection = options.collection ?? "llamaindex:default";
    this.#vectorModel = options.vectorModel ?? defaultVectorModel(this.embedModel);
  }

  /** The Mnemo memory behind the store (`memory.records` holds the nodes). */
  client(): Memory {
    return this.#memory;
  }

  /** The records collection the nodes live in. */
  get collection(): string {
    return this.#collection;
  }

  /**
   * Inserts or replaces nodes by id, in one transaction per 1,000 nodes. Nodes without an embedding are
   * embedded with `embedModel` first. Returns the node ids.
   * @throws EmbeddingDimensionError when a vector's length differs from the model's; nothing is written.
   */
  async add(nodes: BaseNode[]): Promise<string[]> {
    if (nodes.length === 0) return [];
    const missing = nodes.filter((node) => !node.embedding || node.embedding.length === 0);
    const made = missing.length === 0 ? [] : await this.embedModel.getTextEmbeddingsBatch(missing.map((node) => node.getContent(MetadataMode.EMBED)));
    const vectors = new Map(missing.map((node, index) => [node, made[index]]));
    const records = nodes.map((node) => toRecordInput(node, vectors.get(node) ?? node.embedding));
    for (let start = 0; start < records.length; start += addBatchSize) {
      const batch = records.slice(start, start + addBatchSize);
      await this.#memory.records.upsert({ userId: this.#userId, collection: this.#collection, vectorModel: { name: this.#vectorModel }, records: batch });
    }
    return nodes.map((node) => node.id_);
  }

  /** Deletes every node of the source document `refDocId` (the `SOURCE` relationship of each node). */
  async delete(refDocId: string): Promise<void> {
    await this.#memory.records.delete({ userId: this.#userId, collection: this.#collection, sourceIds: [refDocId] });
  }

  /** Deletes nodes by their own ids; returns how many were stored. */
  async deleteNodes(nodeIds: string[]): Promise<number> {
    if (nodeIds.length === 0) return 0;
    return this.#memory.records.delete({ userId: this.#userId, collection: this.#collection, ids: nodeIds });
  }

  /** Deletes every node of the collection; returns how many. */
  async clear(): Promise<number> {
    return this.#memory.records.reset({ userId: this.#userId, collection: this.#collection });
  }

  /** The best `similarityTopK` nodes for the query, best first, with their scores. */
  async query(query: VectorStoreQuery): Promise<VectorStoreQueryResult> {
    if (!query || typeof query.similarityTopK !== "number") {
      throw new InvalidInputError("MnemoVectorStore: query.similarityTopK must be a number.", {
        issues: [{ path: "similarityTopK", message: "must be a number" }],
      });
    }
    const hits = await this.#memory.records.query({
      userId: this.#userId,
      collection: this.#collection,
      vectorModel: { name: this.#vectorModel },
      ...toRecordQuery(query),
    });
    return { ids: hits.map((hit) => hit.record.id), similarities: hits.map((hit) => hit.score), nodes: hits.map((hit) => toNode(hit.record)) };
  }
}

function settingsEmbedModel(): BaseEmbedding {
  try {
    return Settings.embedModel;
  } catch (error) {
    throw new InvalidInputError(
      "MnemoVectorStore: no embedModel given and none set in @llamaindex/core's Settings; pass { embedModel } (llamaindex 0.12.1's own Settings is a separate copy).",
      { cause: error, issues: [{ path: "embedModel", message: "is required when Settings.embedModel is not set" }] },
    );
  }
}

function defaultVectorModel(embedModel: BaseEmbedding): string {
  if (embedModel instanceof MnemoEmbedding) return embedModel.embedder.id;
  return `llamaindex:${embedModel.constructor.name || "embedding"}`;
}
