// Draws the benchmark charts as plain SVG (no library: grouped horizontal bars are a few lines) from
// the JSON results in bench/results/. A result that is missing is skipped with a notice.
//
//   node bench/charts.mjs [--small]     # reads *-small.json with --small, writes bench/results/*.svg
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const small = process.argv.includes("--small");
const suffix = small ? "-small" : "";
const results = new URL("./results/", import.meta.url);
const read = (name) => {
  const file = new URL(`${name}${suffix}.json`, results);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  console.log(`[charts] ${name}${suffix}.json not found: its chart is not drawn`);
  return undefined;
};
const palette = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096"];
const xmlText = (text) => String(text).replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/**
 * Horizontal grouped bars: one group per row label, one bar per series. `log` draws a log scale
 * (latencies that differ by 100×). Values are printed at the end of each bar.
 */
function bars({ title, unit, rows, series, log = false, format = (value) => value.toFixed(1) }) {
  const labelWidth = 300;
  const plotWidth = 520;
  const bar = 16;
  const groupGap = 14;
  const top = 48;
  const values = rows.flatMap((row) => row.values.filter((value) => value !== null && value !== undefined));
  const max = Math.max(...values);
  const min = log ? Math.min(...values.filter((value) => value > 0)) / 2 : 0;
  const scale = (value) => (log ? (Math.log(value / min) / Math.log(max / min)) * plotWidth : (value / max) * plotWidth);
  const height = top + rows.length * (series.length * bar + groupGap) + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 120}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="600">${xmlText(title)}</text>`,
    ...series.map(
      (name, index) =>
        `<rect x="${10 + index * 150}" y="30" width="10" height="10" fill="${palette[index]}"/><text x="${24 + index * 150}" y="39">${xmlText(name)}</text>`,
    ),
  ];
  rows.forEach((row, rowIndex) => {
    const y0 = top + rowIndex * (series.length * bar + groupGap);
    parts.push(`<text x="${labelWidth - 8}" y="${y0 + (series.length * bar) / 2 + 4}" text-anchor="end">${xmlText(row.label)}</text>`);
    row.values.forEach((value, index) => {
      const y = y0 + index * bar;
      if (value === null || value === undefined) return;
      const width = Math.max(1, scale(value));
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${width.toFixed(1)}" height="${bar - 3}" fill="${palette[index]}"/>`);
      parts.push(`<text x="${labelWidth + width + 4}" y="${y + bar - 5}">${xmlText(format(value))}${unit ? ` ${unit}` : ""}</text>`);
    });
  });
  parts.push(
    `<text x="${labelWidth}" y="${height - 8}" fill="#555">${log ? "log scale; " : ""}source: bench/results/*${suffix}.json${small ? " (--small: harness check, not a measurement)" : ""}</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

const write = (name, svg) => {
  writeFileSync(new URL(`${name}${suffix}.svg`, results), svg);
  console.log(`[charts] wrote bench/results/${name}${suffix}.svg`);
};

const history = read("history-and-ingest");
if (history) {
  const names = { mnemo: "Mnemo history({ last: 50 })", langchain: "LangChain getMessages()" };
  write(
    "history-latency",
    bars({
      title: "Last 50 messages of a random conversation: latency (lower is better)",
      unit: "ms",
      series: ["p50", "p95", "p99"],
      rows: Object.entries(names).map(([key, label]) => ({ label, values: ["p50", "p95", "p99"].map((p) => history.history[key][p]) })),
      log: true,
      format: (value) => value.toFixed(value < 10 ? 2 : 0),
    }),
  );
}

const search = read("search-speed");
if (search) {
  const names = {
    mnemoHybrid: "Mnemo hybrid",
    mnemoVector: "Mnemo vector",
    mnemoVectorHnsw: "Mnemo vector (HNSW path)",
    langchain: "LangChain PGVectorStore + filter",
    llamaindex: "LlamaIndex PGVectorStore + filter",
  };
  const rows = Object.entries(names)
    .filter(([key]) => search.search[key])
    .map(([key, label]) => ({
      label: `${label} (${Math.round(search.search[key].allResults * 100)} % complete)`,
      values: ["p50", "p95", "p99"].map((p) => search.search[key][p]),
    }));
  write(
    "search-latency",
    bars({
      title: "Top-10 for one user: latency (lower is better)",
      unit: "ms",
      series: ["p50", "p95", "p99"],
      rows,
      log: true,
      format: (value) => value.toFixed(value < 10 ? 2 : 0),
    }),
  );
}

const ingest = read("ingest-speed");
if (ingest) {
  const names = { mnemo: "Mnemo", langchain: "LangChain", llamaindex: "LlamaIndex" };
  const rows = Object.entries(ingest.results).map(([variant, row]) => ({
    label: `${variant === "text" ? "no embeddings" : "with embeddings (q8)"}, ${row.timedMessages.toLocaleString("en")} msgs`,
    values: Object.keys(names).map((key) => row.systems[key]?.messagesPerSecond ?? null),
  }));
  write(
    "ingest-throughput",
    bars({
      title: "Ingest throughput, messages/s (higher is better)",
      unit: "",
      series: Object.values(names),
      rows,
      format: (value) => Math.round(value).toLocaleString("en"),
    }),
  );
}

const locomo = read("locomo-postgres");
if (locomo) {
  const legs = Object.entries(locomo.legs).filter(([, leg]) => leg.status === "ok");
  const rows = [1, 2, 3, 4, 5].map((category) => ({
    label: `category ${category}`,
    values: legs.map(([, leg]) => 100 * leg.metrics.byCategory[category].r10),
  }));
  rows.unshift({ label: "overall (categories 1–4)", values: legs.map(([, leg]) => 100 * leg.metrics.overall.r10) });
  write("locomo-recall", bars({ title: "LoCoMo dev: R@10 per question category (higher is better)", unit: "%", series: legs.map(([key]) => key), rows }));
}
