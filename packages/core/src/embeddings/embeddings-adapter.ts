import { z } from "zod";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { checkEmbeddingInputs, checkEmbeddingQuery } from "./check-embedding-inputs.js";
import type { Embedder } from "./embedder.js";
import { parseEmbedderOptions } from "./parse-embedder-options.js";
import { validateVectors } from "./validate-vectors.js";

/**
 * The part of an embeddings object that {@link fromEmbeddings} calls: LangChain's `Embeddings`
 * (`OpenAIEmbeddings`, `OllamaEmbeddings`, …) has this shape, as can any other library's model.
 * Described structurally so that Mnemo's core depends on none of them.
 */
export interface EmbeddingsLike {
  /** One vector per text, in order. */
  embedDocuments(texts: string[]): Promise<number[][]>;
  /** The vector of one search query. */
  embedQuery(text: string): Promise<number[]>;
}

/** Options for {@link fromEmbeddings}. */
export interface FromEmbeddingsOptions {
  /**
   * A stable name for the model and its settings, e.g. `langchain:openai:text-embedding-3-small`.
   * Vectors are stored per id: change it whenever the model or its settings change.
   */
  id: string;
  /** The vector length, if known. @default undefined (measured by embedding one probe text) */
  dimensions?: number;
}

const optionsSchema = z.object({
  id: z
    .string()
    .min(1, "must name the model and its settings")
    .max(256, "must be at most 256 characters")
    .refine((id) => !/[\u0000-\u001f\s]/.test(id), "must not contain whitespace or control characters"),
  dimensions: z.number().int().min(1).max(65_536).optional(),
});

const probeText = "Mnemo dimension probe.";

/**
 * Wraps an existing embeddings object (such as a LangChain `Embeddings`) as a Mnemo {@link Embedder}.
 *
 * Empty or whitespace-only texts are rejected before the wrapped object sees them, and every answer is
 * checked: one vector per text, all of `dimensions` length, finite numbers only. Errors thrown by the
 * wrapped object propagate unchanged, since only it knows whether they are worth retrying.
 *
 * @param embeddings - Any object with `embedDocuments(texts)` and `embedQuery(text)`.
 * @param options - The embedder id and, optionally, the vector length (otherwise probed with one call).
 * @throws InvalidInputError for a malformed object or options.
 * @throws MnemoError with code `internal` when the probe returns no usable vector.
 *
 * @example
 * ```ts
 * import { OpenAIEmbeddings } from "@langchain/openai";
 * const embeddings = new OpenAIEmbeddings({ model: "text-embedding-3-small" });
 * const embedder = await fromEmbeddings(embeddings, { id: "langchain:openai:text-embedding-3-small", dimensions: 1536 });
 * ```
 */
export async function fromEmbeddings(embeddings: EmbeddingsLike, options: FromEmbeddingsOptions): Promise<Embedder> {
  const settings = parseEmbedderOptions(optionsSchema, options, "fromEmbeddings");
  checkEmbeddingsObject(embeddings);
  const source = `embeddings ${settings.id}`;
  const embedAll = async (texts: readonly string[], dimensions: number | undefined): Promise<number[][]> =>
    // A copy: the wrapped object's signature allows it to change the array it is given.
    validateVectors(await embeddings.embedDocuments([...texts]), { count: texts.length, dimensions, source });
  const dimensions = settings.dimensions ?? (await embedAll([probeText], undefined))[0]?.length ?? 0;

  return {
    id: settings.id,
    dimensions,
    async embedDocuments(texts: readonly string[]): Promise<number[][]> {
      checkEmbeddingInputs(texts);
      return texts.length === 0 ? [] : embedAll(texts, dimensions);
    },
    async embedQuery(text: string): Promise<number[]> {
      checkEmbeddingQuery(text);
      const [vector] = validateVectors([await embeddings.embedQuery(text)], { count: 1, dimensions, source });
      return vector as number[];
    },
  };
}

// A JavaScript caller can pass anything; a wrong object is reported now rather than as a TypeError on the first store.
function checkEmbeddingsObject(embeddings: EmbeddingsLike): void {
  const candidate = embeddings as Partial<EmbeddingsLike> | null | undefined;
  if (typeof candidate?.embedDocuments !== "function" || typeof candidate.embedQuery !== "function") {
    const message = "must be an object with embedDocuments(texts) and embedQuery(text) methods";
    throw new InvalidInputError(`fromEmbeddings: embeddings ${message}.`, { issues: [{ path: "embeddings", message }] });
  }
}
