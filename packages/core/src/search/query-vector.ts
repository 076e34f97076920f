import { z } from "zod";
import type { Embedder } from "../embeddings/embedder.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";

/** The optional `queryVector` of every search: a vector made by the caller, instead of embedding `query`. */
export const queryVectorSchema = z.array(z.number().finite("must be finite numbers")).min(1).max(16_000).optional();

/**
 * The vector a search compares against: the caller's `queryVector` when given (it must have the
 * embedder's dimensions), else `query` embedded. Lets one caller embed a query once for several
 * searches (`buildContext`), or pass vectors made elsewhere (a client that embeds itself).
 */
export async function queryVectorFor(embedder: Embedder, query: string, queryVector: readonly number[] | undefined): Promise<readonly number[]> {
  if (queryVector === undefined) return embedder.embedQuery(query);
  if (queryVector.length !== embedder.dimensions) {
    throw new InvalidInputError(`Invalid queryVector: it has ${queryVector.length} dimensions; embedder ${embedder.id} makes ${embedder.dimensions}.`);
  }
  return queryVector;
}
