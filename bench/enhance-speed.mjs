// Benchmark: `enhance` latency offline (issue 8's target: ≤ 1 s with 10,000 imported exchanges).
//
//   node bench/enhance-speed.mjs [--small]
//
// The offline default end to end: an embedded PGlite store in a temp directory, no embedder (BM25 search),
// the extractive summariser. 10,000 question/answer exchanges (20,000 messages, 1,000 conversations of 10
// exchanges over 24 topics; --small: 500 exchanges) are written as JSON Lines and imported with the JSONL
// importer, then `enhancePrompt` answers 60 new questions (after 5 warm-up ones), each timed whole:
// keywords, search, pairing, summarising every exchange, prompt assembly and token counting.
// Writes bench/results/enhance-speed[-small].json and prints a Markdown table.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createMemory, enhancePrompt, importConversations, readJsonl } from "@mnemo/core";
import { percentile, seededRandom } from "./lib/workload.mjs";

const small = process.argv.includes("--small");
const exchanges = small ? 500 : 10_000;
const perConversation = 10;
const questions = small ? 15 : 60;
const warmup = 5;
const random = seededRandom(8);
const pick = (list) => list[Math.floor(random() * list.length)];

const topics = {
  postgres: "postgres index vacuum query planner copy import table partition replica wal autovacuum explain latency",
  sourdough: "sourdough starter flour rye hydration dough proof oven crust crumb levain knead bake",
  rust: "rust borrow checker lifetime trait ownership iterator vector compile struct enum closure cargo",
  marathon: "marathon training pace tempo long run taper race gel hydration mileage interval recovery",
  travel: "lisbon hotel flight tram neighbourhood museum beach itinerary booking train sintra restaurant",
  wifi: "wifi router mesh channel bandwidth interference signal backhaul ethernet dfs latency dropout",
  python: "python asyncio thread executor coroutine event loop blocking requests semaphore pool gil",
  garden: "tomato balcony soil fertiliser watering leaves blight mulch compost seedlings pot harvest",
  typescript: "typescript generic type inference keyof mapped conditional union interface compiler strict",
  kubernetes: "kubernetes pod container deployment probe memory limit oom crashloop node service helm",
  japanese: "japanese kanji hiragana vocabulary grammar anki reading radicals stroke particle",
  cat: "cat vet kidney thyroid diet water litter weight blood test appetite senior",
  budget: "budget spreadsheet income expenses savings categories formula sumifs bank export rent",
  photo: "camera lens aperture iso exposure milky way tripod focus raw white balance night",
  coffee: "espresso grinder dose yield extraction bitter sour milk portafilter tamp beans roast",
  guitar: "guitar chord barre strumming fingerpicking capo tuning fret scale practice calluses",
  docker: "docker image layer build cache volume compose network registry multistage entrypoint",
  cooking: "risotto stock onion parmesan rice stir butter wine simmer season saucepan",
  cycling: "bike chain gears tyre pressure saddle commute gravel brakes helmet puncture",
  git: "git rebase merge branch commit conflict stash cherry pick history remote squash",
  sleep: "sleep insomnia caffeine routine bedtime light screen melatonin nap schedule",
  fitness: "strength squat deadlift progressive overload sets reps protein recovery mobility",
  react: "react component state hook effect render props memo context suspense hydration",
  linux: "linux systemd service journal permissions disk cron ssh firewall package kernel",
};
const general =
  "the a to of and in is it you that for on with as this be are have not but at or your from can my an by if how when which would what should".split(" ");
const openers = ["How do I", "What is the best way to", "Why does my", "Can you help me with", "Should I change the", "What should I check about the"];
const topicNames = Object.keys(topics);

function sentence(words, length) {
  const parts = Array.from({ length }, () => (random() < 0.45 ? pick(words) : pick(general)));
  return `${parts.join(" ")}.`.replace(/^./, (first) => first.toUpperCase());
}
function question(topic) {
  const words = topics[topic].split(" ");
  return `${pick(openers)} ${Array.from({ length: 4 + Math.floor(random() * 8) }, () => (random() < 0.6 ? pick(words) : pick(general))).join(" ")}?`;
}
function answer(topic) {
  const words = topics[topic].split(" ");
  const count = 2 + Math.floor(random() * 6);
  return Array.from({ length: count }, () => sentence(words, 8 + Math.floor(random() * 16))).join(" ");
}

const started = performance.now();
const dataDir = await mkdtemp(join(tmpdir(), "mnemo-enhance-"));
const memory = await createMemory({ database: { dataDir } });
try {
  const lines = [];
  for (let index = 0; index < exchanges; index++) {
    const conversation = Math.floor(index / perConversation);
    const topic = topicNames[conversation % topicNames.length];
    const at = Date.UTC(2025, 0, 1) + index * 600_000;
    lines.push(
      JSON.stringify({ conversationId: `c${conversation}`, title: `${topic} #${conversation}`, role: "user", content: question(topic), createdAt: at }),
    );
    lines.push(JSON.stringify({ conversationId: `c${conversation}`, role: "assistant", content: answer(topic), createdAt: at + 30_000 }));
  }
  const file = join(dataDir, "exchanges.jsonl");
  await writeFile(file, lines.join("\n"));
  const importStart = performance.now();
  const report = await importConversations(memory, { userId: "me", items: await readJsonl(file) });
  const importSeconds = (performance.now() - importStart) / 1000;
  if (report.messages.added !== exchanges * 2) throw new Error(`imported ${report.messages.added} messages, expected ${exchanges * 2}`);

  const timings = [];
  const sources = [];
  const contextTokens = [];
  for (let index = 0; index < warmup + questions; index++) {
    const text = question(topicNames[index % topicNames.length]);
    const start = performance.now();
    const result = await enhancePrompt(memory, { userId: "me", question: text });
    const elapsed = performance.now() - start;
    if (index < warmup) continue;
    timings.push(elapsed);
    sources.push(result.sources.length);
    contextTokens.push(result.tokens.context);
  }
  const result = {
    engine: "pglite",
    exchanges,
    messages: exchanges * 2,
    conversations: exchanges / perConversation,
    questions,
    search: "lexical (BM25), no embedder",
    summarizer: "extractive",
    importSeconds: Number(importSeconds.toFixed(1)),
    importMessagesPerSecond: Math.round((exchanges * 2) / importSeconds),
    p50Ms: Number(percentile(timings, 50).toFixed(1)),
    p95Ms: Number(percentile(timings, 95).toFixed(1)),
    maxMs: Number(Math.max(...timings).toFixed(1)),
    medianSources: percentile(sources, 50),
    medianContextTokens: percentile(contextTokens, 50),
    totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    date: new Date().toISOString().slice(0, 10),
  };
  await mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/enhance-speed${small ? "-small" : ""}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `| \`enhance\`, ${exchanges.toLocaleString("en")} exchanges, PGlite, offline | p50 | p95 | max | exchanges used (median) | context tokens (median) |`,
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  console.log(
    `| ${questions} questions | ${result.p50Ms} ms | ${result.p95Ms} ms | ${result.maxMs} ms | ${result.medianSources} | ${result.medianContextTokens} |`,
  );
  console.log(`(import: ${result.importSeconds} s, ${result.importMessagesPerSecond} messages/s)`);
} finally {
  await memory.close();
  await rm(dataDir, { recursive: true, force: true });
}
