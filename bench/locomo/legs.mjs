// The retrievers under test and the loop that scores one of them over the questions.
// A retriever is `{ retrieve(question) → { ids, searchMs, embedMs? } }`: `ids` are turn ids, best
// first. Scoring, packing and timing are the same for every retriever.
import { performance } from "node:perf_hooks";
import { createBm25 } from "./bm25.mjs";
import { budgets, coverage, cutoffs, latency, rankedTurnIds, recallAt, summarise } from "./metrics.mjs";

/** Plain Okapi BM25 over each sample's own turns, document = "speaker: text". */
export function bm25Retriever(samples, { limit, k1 = 1.2, b = 0.75 }) {
  const indexes = new Map(
    samples.map((sample) => [
      sample.sampleId,
      createBm25(
        sample.turns.map((turn) => ({ id: turn.id, text: `${turn.name}: ${turn.content}` })),
        { k1, b },
      ),
    ]),
  );
  return {
    retrieve(question) {
      const started = performance.now();
      const ids = indexes
        .get(question.sampleId)
        .search(question.question, limit)
        .map((hit) => hit.id);
      return { ids, searchMs: performance.now() - started };
    },
  };
}

/**
 * Mnemo's `memory.search` in one mode; one user per sample. With an embedder, the query embedding
 * is timed on its own as well (the search's own time includes it).
 */
export function mnemoRetriever(memory, { mode, limit, embedder }) {
  if (typeof memory.search !== "function") throw new Error("memory.search is not available in this build");
  return {
    async retrieve(question) {
      let started = performance.now();
      const results = await memory.search({ userId: question.sampleId, query: question.question, limit, mode });
      const searchMs = performance.now() - started;
      let embedMs;
      // Timed after the search, so a query-embedding cache in the library cannot flatter the search.
      if (embedder && mode !== "lexical") {
        started = performance.now();
        await embedder.embedQuery(question.question);
        embedMs = performance.now() - started;
      }
      return { ids: rankedTurnIds(results), searchMs, embedMs };
    },
  };
}

/**
 * A packer over the loaded turns: `(question, rankedIds, budget) → ids in the context`. Ids the
 * sample does not have mean the retriever returned something that is not a LoCoMo turn.
 */
export function turnPacking(samples, packer) {
  const bySample = new Map(samples.map((sample) => [sample.sampleId, sample.turnById]));
  return (question, rankedIds, budget) => {
    const turnById = bySample.get(question.sampleId);
    const turns = rankedIds.map((id) => {
      const turn = turnById.get(id);
      if (!turn) throw new Error(`${question.sampleId}: retrieved id ${JSON.stringify(id)} is not a turn of this sample`);
      return turn;
    });
    return packer.pack(turns, budget).ids;
  };
}

/** A leg that did not run, with the reason shown in the table. */
export const skippedLeg = (reason) => ({ status: "skipped", reason });
export const failedLeg = (error) => ({
  status: "failed",
  reason: error instanceof Error ? error.message : String(error),
  cause: error instanceof Error && error.cause ? String(error.cause) : undefined,
});

/**
 * Scores `makeRetriever()` over `questions` (all with evidence): R@k from the ranked turns, budget
 * recall from what `pack` keeps, search and embedding times. Any error fails the leg, not the run.
 */
export async function runLeg(makeRetriever, questions, pack) {
  const records = [];
  const searchMs = [];
  const embedMs = [];
  try {
    const retriever = makeRetriever();
    for (const question of questions) {
      const result = await retriever.retrieve(question);
      searchMs.push(result.searchMs);
      if (result.embedMs !== undefined) embedMs.push(result.embedMs);
      const record = { sampleId: question.sampleId, index: question.index, category: question.category, evidence: question.evidence };
      for (const k of cutoffs) record[`r${k}`] = recallAt(result.ids, question.evidence, k);
      for (const budget of budgets) record[`budget${budget}`] = coverage(await pack(question, result.ids, budget), question.evidence);
      record.top = result.ids.slice(0, Math.max(...cutoffs));
      records.push(record);
    }
  } catch (error) {
    return { ...failedLeg(error), questionsDone: records.length };
  }
  return {
    status: "ok",
    metrics: summarise(records),
    latency: { searchMs: latency(searchMs), embedQueryMs: latency(embedMs) },
    questions: records,
  };
}
