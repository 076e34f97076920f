/**
 * Turns text into vectors. Mnemo stores vectors per (piece, embedder `id`), so two embedders
 * with different ids never share an index, and a changed model never corrupts one.
 */
export interface Embedder {
  /** Stable identity of the model and its settings, e.g. `hf:Xenova/all-MiniLM-L6-v2` or `openai:text-embedding-3-small`. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimensions: number;
  /** Embeds documents (stored pieces); one vector per input, in order. Inputs are never empty. */
  embedDocuments(texts: readonly string[]): Promise<number[][]>;
  /** Embeds a search query; some models embed queries differently from documents. */
  embedQuery(text: string): Promise<number[]>;
}
