// Retrieval metrics for the LoCoMo benchmark: turn-level recall at k, budget recall, latency.
import { percentile } from "../lib/workload.mjs";

/** Recall cut-offs and context budgets (tokens) reported for every retriever. */
export const cutoffs = [5, 10];
export const budgets = [500, 1000];
/** The categories averaged into "overall" (5, adversarial, is reported on its own). */
export const overallCategories = [1, 2, 3, 4];
export const allCategories = [1, 2, 3, 4, 5];

/**
 * Turn ids of search results in rank order, each once: a long message comes back as several
 * pieces, and a turn counts where its best piece ranks.
 */
export function rankedTurnIds(results) {
  const ids = [];
  const seen = new Set();
  for (const result of results) {
    const id = result.metadata?.dia_id ?? result.messageId;
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
  }
  return ids;
}

/** Fraction of `evidence` found in `ids`. */
export function coverage(ids, evidence) {
  const found = new Set(ids);
  return evidence.filter((id) => found.has(id)).length / evidence.length;
}

/** Fraction of `evidence` among the first `k` of `rankedIds`. */
export const recallAt = (rankedIds, evidence, k) => coverage(rankedIds.slice(0, k), evidence);

/** Metric keys of one question's record: r5, r10, budget500, budget1000. */
export const metricKeys = [...cutoffs.map((k) => `r${k}`), ...budgets.map((budget) => `budget${budget}`)];

function mean(records, key) {
  return records.length === 0 ? null : records.reduce((sum, record) => sum + record[key], 0) / records.length;
}

function averages(records) {
  return { questions: records.length, ...Object.fromEntries(metricKeys.map((key) => [key, mean(records, key)])) };
}

/** Means of every metric over categories 1–4 (`overall`) and per category 1–5 (`byCategory`). */
export function summarise(records) {
  return {
    overall: averages(records.filter((record) => overallCategories.includes(record.category))),
    byCategory: Object.fromEntries(allCategories.map((category) => [category, averages(records.filter((record) => record.category === category))])),
  };
}

/** p50/p95/mean of a list of milliseconds; null for an empty list. */
export function latency(values) {
  if (values.length === 0) return null;
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), mean: values.reduce((sum, value) => sum + value, 0) / values.length };
}

/** Per category: how many questions are scored and how many were left out for having no valid evidence. */
export function questionCounts(questions) {
  return Object.fromEntries(
    allCategories.map((category) => {
      const inCategory = questions.filter((question) => question.category === category);
      const scored = inCategory.filter((question) => question.evidence.length > 0).length;
      return [category, { scored, excludedNoEvidence: inCategory.length - scored }];
    }),
  );
}
