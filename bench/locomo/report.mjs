// Markdown for one engine's LoCoMo result (the JSON written beside it holds everything).
import { allCategories, budgets, cutoffs } from "./metrics.mjs";
import { packerLabel } from "./pack-turns.mjs";

const legNames = {
  bm25: "BM25 baseline (Okapi, k1 1.2, b 0.75)",
  lexical: "Mnemo lexical",
  vector: "Mnemo vector",
  hybrid: "Mnemo hybrid",
  langchain: "LangChain PGVectorStore (same embedder)",
  llamaindex: "LlamaIndex PGVectorStore (same embedder)",
};
const percent = (value) => (value === null || value === undefined ? "–" : (100 * value).toFixed(1));
const ms = (value) => (value === null || value === undefined ? "–" : `${value.toFixed(value < 10 ? 2 : 1)} ms`);
const row = (cells) => `| ${cells.join(" | ")} |`;

function qualityTable(legs) {
  const header = [
    "Retriever",
    ...cutoffs.map((k) => `R@${k}`),
    ...budgets.map((budget) => `budget@${budget}`),
    ...allCategories.map((category) => `cat ${category} R@10`),
  ];
  const lines = [row(header), row(header.map((_, index) => (index === 0 ? "---" : "---:")))];
  for (const [key, leg] of Object.entries(legs)) {
    if (leg.status !== "ok") {
      lines.push(row([legNames[key], `**${leg.status}: ${leg.reason}**`, ...Array(header.length - 2).fill("")]));
      continue;
    }
    const { overall, byCategory } = leg.metrics;
    lines.push(
      row([
        legNames[key],
        ...cutoffs.map((k) => percent(overall[`r${k}`])),
        ...budgets.map((budget) => percent(overall[`budget${budget}`])),
        ...allCategories.map((category) => percent(byCategory[category].r10)),
      ]),
    );
  }
  return lines.join("\n");
}

function latencyTable(legs) {
  const lines = [row(["Retriever", "query p50", "query p95", "query embedding p50", "query embedding p95"]), row(["---", "---:", "---:", "---:", "---:"])];
  for (const [key, leg] of Object.entries(legs)) {
    if (leg.status !== "ok") continue;
    const { searchMs, embedQueryMs } = leg.latency;
    lines.push(row([legNames[key], ms(searchMs?.p50), ms(searchMs?.p95), ms(embedQueryMs?.p50), ms(embedQueryMs?.p95)]));
  }
  return lines.join("\n");
}

function ingestLine(ingest) {
  if (!ingest) return "Ingest: not run.";
  if (ingest.status === "failed") return `Ingest: **failed: ${ingest.reason}**`;
  return (
    `Ingest (\`appendMany\`, one batch per session, embedder: ${ingest.embedder ?? "none"}): ${ingest.turns.toLocaleString("en")} turns ` +
    `in ${ingest.seconds.toFixed(2)} s = ${ingest.perTurnMs.toFixed(2)} ms per turn; per batch (${ingest.batches} batches) ` +
    `p50 ${ms(ingest.batchMs.p50)}, p95 ${ms(ingest.batchMs.p95)}.`
  );
}

/** The Markdown report of one engine's result. */
export function renderMarkdown(result) {
  const { data, settings } = result;
  const counts = Object.entries(data.questionsByCategory)
    .map(
      ([category, count]) =>
        `cat ${category}: ${count.scored}${count.excludedNoEvidence ? ` (+${count.excludedNoEvidence} without valid evidence, excluded)` : ""}`,
    )
    .join(", ");
  return [
    `### LoCoMo retrieval, ${data.split}: ${result.engine}${result.small ? " (--small)" : ""}`,
    "",
    `${data.samples} conversation(s), ${data.turns.toLocaleString("en")} turns, ${data.questions} questions, ${data.scored} scored (${counts}).`,
    "",
    qualityTable(result.legs),
    "",
    `R@k: % of a question's evidence turns among the top k retrieved turns, averaged over questions; overall = categories 1–4. ` +
      `budget@N: ${packerLabel("N")}, as "<name> (<date>): <text>" lines in rank order, counted with ${settings.tokenizer} ` +
      `as one system message; % of evidence turns whose text made it in. Each search asks for ${settings.candidateLimit} results. ` +
      `Turns that share a photo carry " [shares a photo: <caption>]" in their text (for BM25 too).`,
    "",
    latencyTable(result.legs),
    "",
    ingestLine(result.ingest),
    ...result.notices.map((notice) => `\n> **${notice}**`),
  ].join("\n");
}
