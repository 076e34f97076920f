import { BaseEmbedding } from "@llamaindex/core/embeddings";
import type { MessageContentDetail } from "@llamaindex/core/llms";
import type { Embedder } from "@mnemo/core";

/** Options for {@link MnemoEmbedding}. */
export interface MnemoEmbeddingOptions {
  /** Texts handed to the Mnemo embedder per call (it may batch further inside). @default 64 */
  embedBatchSize?: number | undefined;
}

/**
 * A Mnemo {@link Embedder} (local Hugging Face model, OpenAI-compatible endpoint, …) as a LlamaIndex
 * `BaseEmbedding`, so one model embeds both Mnemo's data and LlamaIndex's nodes and queries.
 * Documents go through `embedDocuments`, queries through `embedQuery` (some models embed them differently).
 * @example
 * const embedder = await createHuggingFaceEmbedder({ model: "./models/universal-sentence-encoder-lite-onnx" });
 * Settings.embedModel = new MnemoEmbedding(embedder);
 */
export class MnemoEmbedding extends BaseEmbedding {
  /** The wrapped Mnemo embedder. */
  readonly embedder: Embedder;

  constructor(embedder: Embedder, options: MnemoEmbeddingOptions = {}) {
    super();
    this.embedder = embedder;
    this.embedBatchSize = options.embedBatchSize ?? 64;
    this.embedInfo = { dimensions: embedder.dimensions };
    // BaseEmbedding defines getTextEmbeddings as an instance field, so it is replaced here rather than overridden.
    // LlamaIndex reuses (and empties) the array it passes, hence the copy.
    this.getTextEmbeddings = (texts: string[]) => this.embedder.embedDocuments([...texts]);
  }

  /** The vector of one document text. */
  override async getTextEmbedding(text: string): Promise<number[]> {
    const [vector] = await this.embedder.embedDocuments([text]);
    return vector as number[];
  }

  /** The vector of a query: text parts through the embedder's `embedQuery`; null for other content (images, audio). */
  override async getQueryEmbedding(query: MessageContentDetail): Promise<number[] | null> {
    return query.type === "text" ? this.embedder.embedQuery(query.text) : null;
  }
}
