import type { z } from "zod";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { MemoryParts } from "../memory/memory.js";
import { fuseRanked } from "../search/fuse-rankings.js";
import { cosineSimilarity, maximalMarginalRelevance } from "../search/mmr.js";
import type { VectorModel } from "../search/search-messages.js";
import { wordDice } from "../search/word-dice.js";
import type { querySchema } from "./record-schemas.js";
import { isLargeCollection, lexicalRecords, type RankedRecord, vectorRecords } from "./record-search.js";
import { type RecordHit, readRecords, readVectors, toRecord } from "./stored-record.js";

type QueryRequest = z.output<typeof querySchema>;

/** How a query runs: its mode, the query vector and the model whose vectors it is compared with. */
export interface QueryPlan {
  mode: "vector" | "lexical" | "hybrid";
  /** Undefined when the model has no stored vectors (the vector leg finds nothing). */
  model: VectorModel | undefined;
  vector: readonly number[] | undefined;
}

/**
 * The mode of a query: as asked, else hybrid when it has text and a vector (given, or made from the
 * text by the memory's embedder), else whichever it has.
 * @throws InvalidInputError when the query has neither, or lacks what its mode needs.
 */
export function queryMode(request: QueryRequest, canEmbedText: boolean): QueryPlan["mode"] {
  const hasText = request.text !== undefined;
  const hasVector = request.vector !== undefined || (hasText && canEmbedText && request.text?.trim() !== "");
  const mode = request.mode ?? (hasText && hasVector ? "hybrid" : hasVector ? "vector" : "lexical");
  if (!hasText && !hasVector)
    throw new InvalidInputError("Invalid query: give a vector, a text, or both.", { issues: [{ path: "vector", message: "or text is required" }] });
  if (mode !== "vector" && !hasText)
    throw new InvalidInputError(`Invalid text: mode "${mode}" needs a text.`, { issues: [{ path: "text", message: "is required" }] });
  if (mode !== "lexical" && !hasVector) {
    throw new InvalidInputError(`Invalid vector: mode "${mode}" needs a vector, or a memory with an embedder to embed the text.`, {
      issues: [{ path: "vector", message: "is required" }],
    });
  }
  return mode;
}

/** Runs a planned query: the legs, fusion, minScore, MMR, then reads the records. */
export async function runQuery(parts: MemoryParts, request: QueryRequest, plan: QueryPlan): Promise<RecordHit[]> {
  const pool = request.mmr ? (request.mmr.fetchK ?? Math.max(request.limit * 4, 20)) : request.limit;
  let ranked = (await rank(parts, request, plan, pool)).slice(0, pool);
  const key = { userId: request.userId, collection: request.collection };
  const { driver, s } = parts.store;
  const rows = await readRecords(
    driver,
    s,
    key,
    ranked.map((hit) => hit.record_id),
  );
  const vectors = plan.model && (request.includeVectors || request.mmr) ? await readVectors(driver, s, key, [...rows.keys()], plan.model.modelId) : new Map();
  if (request.mmr) {
    const similarity = (a: RankedRecord, b: RankedRecord): number => {
      const left = vectors.get(a.record_id);
      const right = vectors.get(b.record_id);
      return left && right ? cosineSimilarity(left, right) : wordDice(rows.get(a.record_id)?.content ?? "", rows.get(b.record_id)?.content ?? "");
    };
    // Cosine similarity is already on the scale of the similarity between records; BM25 and fused scores are scaled to the best (positive) one.
    const scale = plan.mode === "vector" ? 1 : ranked[0]?.score || 1;
    ranked = maximalMarginalRelevance(
      ranked.map((hit) => ({ item: hit, relevance: hit.score / scale })),
      similarity,
      { lambda: request.mmr.lambda, limit: request.limit },
    );
  }
  return ranked.slice(0, request.limit).flatMap((hit) => {
    const row = rows.get(hit.record_id);
    // A record deleted between ranking and reading is left out.
    return row ? [{ record: toRecord(row, request.includeVectors ? vectors.get(hit.record_id) : undefined), score: hit.score }] : [];
  });
}

/** The ranking of the query's mode, best first, without hits below `minScore`; `pool` hits are wanted. */
async function rank(parts: MemoryParts, request: QueryRequest, plan: QueryPlan, pool: number): Promise<RankedRecord[]> {
  const fusion = request.alpha === undefined ? parts.search.fusion : { ...parts.search.fusion, lexicalWeight: 1 - request.alpha, vectorWeight: request.alpha };
  const runs = (leg: "lexical" | "vector") =>
    plan.mode === leg || (plan.mode === "hybrid" && (leg === "lexical" ? fusion.lexicalWeight : fusion.vectorWeight) > 0);
  const limit = plan.mode === "hybrid" ? Math.max(50, pool * parts.search.candidateFactor) : pool;
  const leg = { userId: request.userId, collection: request.collection, selection: request, limit, indexed: await isLargeCollection(parts, request) };
  const [lexical, vector] = await Promise.all([
    runs("lexical") ? lexicalRecords(parts, { ...leg, text: request.text ?? "" }) : [],
    runs("vector") && plan.model && plan.vector ? vectorRecords(parts, { ...leg, vector: plan.vector, model: plan.model }) : [],
  ]);
  const ranked: RankedRecord[] =
    plan.mode === "hybrid"
      ? fuseRanked(lexical, vector, (hit) => hit.record_id, fusion).map((hit) => ({ record_id: hit.item.record_id, score: hit.score }))
      : plan.mode === "lexical"
        ? lexical
        : vector;
  const minScore = request.minScore;
  return minScore === undefined ? ranked : ranked.filter((hit) => hit.score >= minScore);
}
