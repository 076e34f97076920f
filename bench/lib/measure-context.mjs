// The buildContext measurement shared by context-speed.mjs (server) and pglite-speed.mjs (embedded).
import { performance } from "node:perf_hooks";
import { median, percentile } from "./workload.mjs";

/** The two budgets measured: all 100 recent turns fit, and a tight one where the packer drops turns (no writes). */
export const contextBudgets = [
  { name: "16k", options: { maxTokens: 16_384, reserve: 1_024 } },
  { name: "4k-no-summary", options: { maxTokens: 4_096, reserve: 512, summarize: false } },
];

/**
 * Times `memory.buildContext` for each pick (`{ userId, conversationId }`; the first `warmup` are not
 * timed) under both budgets, alternating them call by call so that neither gets the other's warmed
 * caches, for `rounds` rounds. Reports per budget the median over rounds of p50/p95/p99, and what the
 * contexts held.
 */
export async function measureContext(memory, picks, { warmup, rounds }) {
  const measured = Object.fromEntries(contextBudgets.map((budget) => [budget.name, { rounds: [], summaries: 0, recentTurns: [], retrieved: [], tokens: [] }]));
  for (let round = 0; round < rounds; round++) {
    const ms = Object.fromEntries(contextBudgets.map((budget) => [budget.name, []]));
    for (const [index, pick] of picks.entries()) {
      for (const budget of index % 2 ? [...contextBudgets].reverse() : contextBudgets) {
        const start = performance.now();
        const context = await memory.buildContext({ ...pick, ...budget.options });
        const elapsed = performance.now() - start;
        if (index < warmup) continue;
        ms[budget.name].push(elapsed);
        const report = measured[budget.name];
        if (context.summary.status === "summarized") report.summaries += 1;
        report.recentTurns.push(context.sections.recent.included.length);
        report.retrieved.push(context.sections.retrieved.included.length);
        report.tokens.push(context.tokenCount);
      }
    }
    for (const budget of contextBudgets) {
      const values = ms[budget.name];
      measured[budget.name].rounds.push({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) });
    }
  }
  return Object.fromEntries(
    contextBudgets.map((budget) => {
      const report = measured[budget.name];
      return [
        budget.name,
        {
          ...budget.options,
          p50: median(report.rounds.map((round) => round.p50)),
          p95: median(report.rounds.map((round) => round.p95)),
          p99: median(report.rounds.map((round) => round.p99)),
          rounds: report.rounds,
          summariesWritten: report.summaries,
          medianRecentTurns: percentile(report.recentTurns, 50),
          medianRetrievedPieces: percentile(report.retrieved, 50),
          medianTokens: percentile(report.tokens, 50),
        },
      ];
    }),
  );
}

/** The Markdown table of {@link measureContext}'s results. */
export function contextTable(results) {
  const rows = Object.entries(results).map(
    ([name, row]) =>
      `| ${name} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.medianRecentTurns} | ${row.medianRetrievedPieces} | ${row.medianTokens} |`,
  );
  return [
    "| budget | p50 ms | p95 ms | p99 ms | recent turns (median) | retrieved pieces (median) | tokens (median) |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
