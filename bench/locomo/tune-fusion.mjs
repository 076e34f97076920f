// Chooses the hybrid fusion settings on the LoCoMo development split (never on held-out data):
// fetches each leg's ranking once per question, then scores fusion settings offline with core's
// own `fuseRankings`, so every setting is evaluated exactly as `memory.search` would fuse it.
//
//   node bench/locomo/tune-fusion.mjs
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
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
  [1.2, 0.2],
  [1.2, 0.1],
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
// Rankings are cached (by --cache <file>) so fusion experiments re-run in seconds.
const cacheArgument = process.argv.indexOf("--cache");
const cacheFile = cacheArgument > 0 ? process.argv[cacheArgument + 1] : undefined;
const variants = [
  ["simple", { embedder }],
  ["english", { searchLanguage: "english" }],
  ...bm25Grid.map(([k1, b]) => [`english k1=${k1} b=${b}`, { searchLanguage: "english", bm25: { k1, b } }]),
];
if (cacheFile && existsSync(cacheFile)) Object.assign(legs, JSON.parse(await readFile(cacheFile, "utf8")));
else
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

if (cacheFile && !existsSync(cacheFile)) await writeFile(cacheFile, JSON.stringify(legs));
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

// Neighbour smoothing: a turn also earns a share of its adjacent turns' fused scores (an answer
// often sits right after the question that names the topic).
function smooth(ranking, share) {
  const scores = new Map(ranking.map((hit) => [key(hit), hit.score]));
  const neighbour = (hit, offset) => scores.get(`${hit.conversationId}\u0000${hit.seq + offset}\u0000${hit.chunkIndex}`) ?? 0;
  return ranking.map((hit) => ({ ...hit, score: hit.score + share * (neighbour(hit, -1) + neighbour(hit, 1)) })).sort((a, b) => b.score - a.score);
}
for (const lexical of ["english k1=1.2 b=0.3", "english k1=1.2 b=0.2", "english k1=0.9 b=0.4"]) {
  for (const k of [5, 10, 20]) {
    for (const vectorWeight of [0.4, 0.6, 0.8]) {
      for (const share of [0.2, 0.3, 0.4, 0.5, 0.7, 1]) {
        const fused = questions.map((_, index) => smooth(fuseRankings(legs[lexical][index], legs.vector[index], { lexicalWeight: 1, vectorWeight, k }), share));
        rows.push({ setting: `${lexical} RRF k=${k} vectorWeight=${vectorWeight} neighbours=${share}`, r10: recall10(fused) });
      }
    }
  }
}
for (const share of [0.3, 0.5]) {
  rows.push({
    setting: `english k1=1.2 b=0.3 lexical only neighbours=${share}`,
    r10: recall10(legs["english k1=1.2 b=0.3"].map((ranking) => smooth(ranking, share))),
  });
  rows.push({ setting: `vector only neighbours=${share}`, r10: recall10(legs.vector.map((ranking) => smooth(ranking, share))) });
}
rows.sort((a, b) => b.r10 - a.r10);
console.log(`LoCoMo dev, categories 1–4, ${questions.length} questions: R@10 by fusion setting (best first)`);
for (const row of rows.slice(0, 15)) console.log(`${row.r10.toFixed(2).padStart(6)}  ${row.setting}`);
for (const row of rows.filter((entry) => entry.setting.includes("only") || entry.setting.endsWith("b=0.3 RRF k=5 vectorWeight=0.6 neighbours=0.5")))
  console.log(`${row.r10.toFixed(2).padStart(6)}  ${row.setting}`);
