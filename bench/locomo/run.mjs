// Retrieval quality on LoCoMo: Mnemo's search in each mode against a
// plain Okapi BM25 baseline computed in the same run, per storage engine.
//
//   node bench/locomo/run.mjs [--engine pglite|postgres|both] [--modes lexical,vector,hybrid] [--small] [--data path]
//                             [--model path] [--search-language name]
//
// Default engine: pglite, plus postgres when DATABASE_URL is set. --small: first conversation, its
// first 100 questions (CI smoke). Prints a Markdown report per engine and writes the full result to
// bench/results/locomo-<engine>[-small].json. Exits 1 when a leg that was asked for failed.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveTokenCounter } from "@mnemo/core";
import { langchainLeg, llamaIndexLeg } from "./frameworks.mjs";
import { bm25Retriever, failedLeg, mnemoRetriever, runLeg, skippedLeg, turnPacking } from "./legs.mjs";
import { loadLocomo } from "./load-locomo.mjs";
import { questionCounts } from "./metrics.mjs";
import { ingest, loadEmbedder, openMemory } from "./mnemo.mjs";
import { createTurnPacker, packerLabel } from "./pack-turns.mjs";
import { renderMarkdown } from "./report.mjs";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const allModes = ["lexical", "vector", "hybrid"];
// Results asked of every search: R@10 needs 10 distinct turns after pieces are merged, and the
// 1,000-token budget holds about 25 turns (40 tokens a line), with room left for turns skipped as too long.
const candidateLimit = 50;
const smallQuestions = 100;

function readOptions() {
  const { values } = parseArgs({
    options: {
      engine: { type: "string" },
      modes: { type: "string", default: allModes.join(",") },
      small: { type: "boolean", default: false },
      data: { type: "string" },
      model: { type: "string" },
      "search-language": { type: "string", default: "english" },
    },
  });
  const engine = values.engine ?? (process.env.DATABASE_URL ? "both" : "pglite");
  if (!["pglite", "postgres", "both"].includes(engine)) throw new Error(`--engine: expected pglite, postgres or both, got ${engine}`);
  if (engine !== "pglite" && !process.env.DATABASE_URL) throw new Error(`--engine ${engine} needs DATABASE_URL (a PostgreSQL server with pgvector).`);
  const modes = values.modes.split(",").map((mode) => mode.trim());
  const unknown = modes.filter((mode) => !allModes.includes(mode));
  if (unknown.length > 0 || modes.length === 0) throw new Error(`--modes: expected a comma-separated subset of ${allModes.join(",")}, got ${values.modes}`);
  return {
    engines: engine === "both" ? ["pglite", "postgres"] : [engine],
    modes: allModes.filter((mode) => modes.includes(mode)),
    small: values.small,
    dataPath: values.data ? resolve(values.data) : join(repoRoot, "..", "shared", "data", "locomo-dev.json"),
    modelPath: values.model ? resolve(values.model) : join(repoRoot, "..", "shared", "models", "universal-sentence-encoder-lite-onnx"),
    searchLanguage: values["search-language"],
  };
}

async function loadSamples(options) {
  const samples = await loadLocomo(options.dataPath);
  if (!options.small) return samples;
  const [first] = samples;
  return [{ ...first, questions: first.questions.slice(0, smallQuestions) }];
}

async function loadEmbedderFor(options) {
  if (!options.modes.some((mode) => mode !== "lexical")) return {};
  try {
    return await loadEmbedder(options.modelPath);
  } catch (error) {
    return { error };
  }
}

async function runEngine(engine, context) {
  const { options, samples, scored, bm25, embedding } = context;
  const { memory, serverVersion } = await openMemory(engine, { embedder: embedding.embedder, searchLanguage: options.searchLanguage });
  const legs = { bm25 };
  let ingestResult;
  try {
    ingestResult = { status: "ok", embedder: embedding.embedder?.id ?? null, ...(await ingest(memory, samples)) };
  } catch (error) {
    ingestResult = failedLeg(error);
  }
  const packer = createTurnPacker(memory.tokenizer);
  const pack = turnPacking(samples, packer);
  for (const mode of options.modes) {
    const needsEmbedder = mode !== "lexical";
    if (ingestResult.status !== "ok") legs[mode] = failedLeg(new Error(`ingest failed: ${ingestResult.reason}`));
    else if (needsEmbedder && embedding.skipped) legs[mode] = skippedLeg(embedding.skipped);
    else if (needsEmbedder && embedding.error) legs[mode] = failedLeg(embedding.error);
    else legs[mode] = await runLeg(() => mnemoRetriever(memory, { mode, limit: candidateLimit, embedder: embedding.embedder }), scored, pack);
  }
  await memory.close();
  // LangChain and LlamaIndex live on the server only; same embedder, same packer.
  if (engine === "postgres" && embedding.embedder) {
    for (const [key, makeLeg] of [
      ["langchain", langchainLeg],
      ["llamaindex", llamaIndexLeg],
    ]) {
      try {
        const leg = await makeLeg(samples, { embedder: embedding.embedder, limit: candidateLimit, url: process.env.DATABASE_URL });
        legs[key] = { ...(await runLeg(() => leg.retriever, scored, pack)), ingestSeconds: leg.ingestSeconds };
        await leg.close();
      } catch (error) {
        legs[key] = failedLeg(error);
      }
    }
  }
  return { legs, ingest: ingestResult, serverVersion, packerStats: packer.stats };
}

function describeData(options, samples, questions, scored) {
  return {
    path: options.dataPath,
    split: "dev",
    samples: samples.length,
    sampleIds: samples.map((sample) => sample.sampleId),
    turns: samples.reduce((sum, sample) => sum + sample.turns.length, 0),
    turnsWithPhoto: samples.reduce((sum, sample) => sum + sample.turns.filter((turn) => turn.hasPhoto).length, 0),
    questions: questions.length,
    scored: scored.length,
    questionsByCategory: questionCounts(questions),
    // Parts of evidence entries (after splitting "D8:6; D9:17") that name no turn or repeat one.
    evidenceIdsDropped: questions.reduce(
      (sum, question) => sum + question.rawEvidence.flatMap((raw) => String(raw).split(/[;,]/)).length - question.evidence.length,
      0,
    ),
  };
}

async function versions(serverVersion) {
  const core = JSON.parse(await readFile(join(repoRoot, "packages", "core", "package.json"), "utf8")).version;
  let commit;
  try {
    commit = execFileSync("git", ["-C", repoRoot, "describe", "--always", "--dirty"], { encoding: "utf8" }).trim();
  } catch {
    commit = undefined;
  }
  return { node: process.version, "@mnemo/core": core, commit, postgres: serverVersion };
}

function noticesFor(embedding, legs) {
  const notices = [];
  if (embedding.skipped) notices.push(`vector/hybrid legs skipped: ${embedding.skipped} (core exports no createHuggingFaceEmbedder)`);
  for (const [key, leg] of Object.entries(legs)) if (leg.status === "failed") notices.push(`${key} leg failed: ${leg.reason}`);
  return notices;
}

async function main() {
  const options = readOptions();
  const samples = await loadSamples(options);
  const questions = samples.flatMap((sample) => sample.questions);
  const scored = questions.filter((question) => question.evidence.length > 0);
  const bm25Packer = createTurnPacker(await resolveTokenCounter("o200k_base"));
  const bm25 = await runLeg(() => bm25Retriever(samples, { limit: candidateLimit }), scored, turnPacking(samples, bm25Packer));
  const embedding = await loadEmbedderFor(options);
  if (embedding.skipped) console.warn(`\n!!! vector and hybrid legs SKIPPED: ${embedding.skipped} !!!\n`);
  if (embedding.error) console.warn(`\n!!! embedder failed to load: ${embedding.error.message} (${embedding.error.cause}) !!!\n`);
  await mkdir(join(repoRoot, "bench", "results"), { recursive: true });
  let failures = 0;
  for (const engine of options.engines) {
    const outcome = await runEngine(engine, { options, samples, scored, bm25, embedding });
    const result = {
      date: new Date().toISOString(),
      engine,
      small: options.small,
      data: describeData(options, samples, questions, scored),
      settings: {
        candidateLimit,
        modes: options.modes,
        searchLanguage: options.searchLanguage ?? null,
        tokenizer: "o200k_base",
        bm25: { k1: 1.2, b: 0.75, stopWords: "NLTK English", document: "speaker: text" },
        budgetRecall: packerLabel("N"),
        // Packs whose fast token sum disagreed with one exact count and were redone exactly (expected: 0).
        packerFallbacks: { bm25: bm25Packer.stats, mnemo: outcome.packerStats },
        contentNote: 'a turn with blip_caption is stored as "<text> [shares a photo: <caption>]"',
        timeNote: "session date (UTC) + turn index seconds",
      },
      versions: await versions(outcome.serverVersion),
      ingest: outcome.ingest,
      legs: outcome.legs,
      notices: noticesFor(embedding, outcome.legs),
    };
    const file = join(repoRoot, "bench", "results", `locomo-${engine}${options.small ? "-small" : ""}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`${renderMarkdown(result)}\n\n(full result: ${file})\n`);
    failures += Object.values(outcome.legs).filter((leg) => leg.status === "failed").length + (outcome.ingest.status === "failed" ? 1 : 0);
  }
  if (failures > 0) {
    console.error(`${failures} leg(s) failed; see the notices above.`);
    process.exitCode = 1;
  }
}

await main();
