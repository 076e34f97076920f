import { Embeddings, type EmbeddingsInterface, type EmbeddingsParams } from "@langchain/core/embeddings";
import { type Embedder, type FromEmbeddingsOptions, fromEmbeddings } from "@mnemo/core";

/**
 * A LangChain `Embeddings` (OpenAIEmbeddings, OllamaEmbeddings…) as a Mnemo embedder, for
 * `createMemory({ embedder })`. A thin, typed front for core's `fromEmbeddings`: inputs and every
 * returned vector are checked (count, dimensions, finite numbers).
 * @example
 * const embedder = await embedderFromLangChain(new OpenAIEmbeddings({ model: "text-embedding-3-small" }), { id: "openai:text-embedding-3-small", dimensions: 1536 });
 * const memory = await createMemory({ embedder });
 */
export function embedderFromLangChain(embeddings: EmbeddingsInterface, options: FromEmbeddingsOptions): Promise<Embedder> {
  return fromEmbeddings(embeddings, options);
}

/**
 * A Mnemo embedder (Hugging Face, OpenAI-compatible…) as a LangChain `Embeddings`, so that one
 * model serves Mnemo and your other LangChain components (vector stores, a LangGraph store's index).
 * @example
 * const embeddings = new MnemoEmbeddings({ embedder: await createHuggingFaceEmbedder({ model: "./models/e5-small" }) });
 * await embeddings.embedQuery("hotel in Lisbon");
 */
export class MnemoEmbeddings extends Embeddings {
  readonly embedder: Embedder;

  constructor(fields: EmbeddingsParams & { embedder: Embedder }) {
    const { embedder, ...params } = fields;
    super(params);
    this.embedder = embedder;
  }

  /** One vector per text, through LangChain's caller (its `maxConcurrency` and retries apply). */
  override embedDocuments(documents: string[]): Promise<number[][]> {
    return this.caller.call(() => this.embedder.embedDocuments(documents));
  }

  override embedQuery(document: string): Promise<number[]> {
    return this.caller.call(() => this.embedder.embedQuery(document));
  }
}
