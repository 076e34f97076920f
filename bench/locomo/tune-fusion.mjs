// Chooses the hybrid fusion settings on the LoCoMo development split (never on held-out data):
// fetches each leg's ranking once per question, then scores fusion settings offline with core's
// own `fuseRankings`, so every setting is evaluated exactly as `memory.search` would fuse it.
//
//   node bench/locomo/tune-fusion.mjs
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fuseRankings } from "@mnemo/core";
import { loadLocomo } from "./load-locomo.mjs";
import { overallCategories, rankedTurnIds, recallAt } from "./metrics.mjs";
import { ingest, loadEmbedder, openMemory } from "./mnemo.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const samples = await loadLocomo(resolve(here, "../../../shared/data/locomo-dev.json"));
const { embedder } = await loadEmbedder(resolve(here, "../../../shared/models/universal-sentence-encoder-lite-onnx"));
const depth = 100;

const bm25Grid = [
  [1.2, 0.75],
  [1.2, 0.5],
  [1.2, 0.3],
  [0.9, 0.4],
  [1.5, 0.5],
  [2.0, 0.75],
];
const legs = { simple: [], english: [], vector: [] };
for (const [k1, b] of bm25Grid) legs[`english k1=${k1} b=${b}`] = [];
const questions = samples.flatMap((sample) =>
  sample.questions
    .filter((question) => overallCategories.includes(question.category) && question.evidence.length > 0)
    .map((question) => ({ ...question, sample })),
);
const variants = [
  ["simple", { embedder }],
  ["english", { searchLanguage: "english" }],
  ...bm25Grid.map(([k1, b]) => [`english k1=${k1} b=${b}`, { searchLanguage: "english", bm25: { k1, b } }]),
];
for (const [name, options] of variants) {
  const { memory } = await openMemory("pglite", options);
  await ingest(memory, samples);
  for (const question of questions) {
    const request = { userId: question.sample.sampleId, query: question.question, limit: depth };
    legs[name].push(await memory.search({ ...request, mode: "lexical" }));
    if (name === "simple") legs.vector.push(await memory.search({ ...request, mode: "vector" }));
  }
  await memory.close();
}

const byPiece = new Map();
for (const list of Object.values(legs)) for (const results of list) for (const result of results) byPiece.set(key(result), result);
function key(hit) {
  return `${hit.conversationId}\u0000${hit.seq}\u0000${hit.chunkIndex}`;
}
function recall10(rankings) {
  const total = rankings.reduce(
    (sum, ranking, index) => sum + recallAt(rankedTurnIds(ranking.map((hit) => byPiece.get(key(hit)))), questions[index].evidence, 10),
    0,
  );
  return (100 * total) / rankings.length;
}

const rows = [];
for (const lexical of Object.keys(legs).filter((name) => name !== "vector")) {
  rows.push({ setting: `${lexical} lexical only`, r10: recall10(legs[lexical]) });
  for (const k of [10, 20, 40, 60]) {
    for (const vectorWeight of [0.2, 0.3, 0.4, 0.5, 0.6, 0.8]) {
      const fused = questions.map((_, index) => fuseRankings(legs[lexical][index], legs.vector[index], { lexicalWeight: 1, vectorWeight, k }));
      rows.push({ setting: `${lexical} RRF k=${k} vectorWeight=${vectorWeight}`, r10: recall10(fused) });
    }
  }
}
rows.push({ setting: "vector only", r10: recall10(legs.vector) });
rows.sort((a, b) => b.r10 - a.r10);
console.log(`LoCoMo dev, categories 1–4, ${questions.length} questions: R@10 by fusion setting (best first)`);
for (const row of rows.slice(0, 15)) console.log(`${row.r10.toFixed(2).padStart(6)}  ${row.setting}`);
for (const row of rows.filter((entry) => entry.setting.includes("only") || entry.setting.includes("k=60 vectorWeight=1")))
  console.log(`${row.r10.toFixed(2).padStart(6)}  ${row.setting}`);
