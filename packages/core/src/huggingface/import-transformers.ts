import { InvalidInputError } from "../errors/invalid-input-error.js";

/** The `@huggingface/transformers` module, an optional peer dependency of Mnemo. */
export type TransformersModule = typeof import("@huggingface/transformers");

/**
 * Loads `@huggingface/transformers` on first use, so Mnemo works without it until a Hugging Face
 * tokenizer or embedder is asked for; then a missing package is a clear error saying what to install.
 * @param purpose - What needs it, for the message, e.g. `local Hugging Face embeddings`.
 */
export async function importTransformers(purpose: string): Promise<TransformersModule> {
  try {
    return await import("@huggingface/transformers");
  } catch (error) {
    throw new InvalidInputError(`${purpose} need the optional package @huggingface/transformers; install it with \`npm install @huggingface/transformers\`.`, {
      cause: error,
    });
  }
}
