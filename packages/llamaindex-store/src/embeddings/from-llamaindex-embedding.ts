import type { BaseEmbedding } from "@llamaindex/core/embeddings";
import { type Embedder, type FromEmbeddingsOptions, fromEmbeddings, MnemoError } from "@mnemo/core";

/**
 * A LlamaIndex `BaseEmbedding` (OpenAI, Ollama, Hugging Face, …) as a Mnemo {@link Embedder}, so that
 * `createMemory({ embedder })` embeds Mnemo's messages, model memory and documents with the same model.
 * Built on core's `fromEmbeddings`: empty texts are rejected before the model sees them, and every
 * answer is checked (one vector per text, the same dimension, finite numbers).
 * @param embedModel - Any LlamaIndex embedding model.
 * @param options - The embedder id (name the model and its settings) and, optionally, its dimension (otherwise probed once).
 * @example
 * const embedder = await fromLlamaIndexEmbedding(new OpenAIEmbedding({ model: "text-embedding-3-small" }), { id: "openai:text-embedding-3-small", dimensions: 1536 });
 * const memory = await createMemory({ embedder });
 */
export function fromLlamaIndexEmbedding(embedModel: BaseEmbedding, options: FromEmbeddingsOptions): Promise<Embedder> {
  return fromEmbeddings(
    {
      embedDocuments: (texts) => embedModel.getTextEmbeddingsBatch(texts),
      async embedQuery(text) {
        const vector = await embedModel.getQueryEmbedding({ type: "text", text });
        if (!vector) throw new MnemoError("internal", `LlamaIndex embedding ${options.id}: the model returned no vector for a text query.`);
        return vector;
      },
    },
    options,
  );
}
