// Runs every benchmark, one after another (never two at once: they would measure each other), then
// draws the charts. Each step is also a command of its own (see bench/RESULTS.md).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/run-all.mjs [--small] [--skip=name,name]
//
// Order: ingest, search (generates the 1,000,000-piece corpus), context (on that corpus), history,
// LoCoMo, embedded PGlite (ingest, start-up, history, search, context); then charts.mjs. A failing step stops the run.
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";

const small = process.argv.includes("--small");
const skip = new Set((process.argv.find((argument) => argument.startsWith("--skip="))?.slice("--skip=".length) ?? "").split(",").filter(Boolean));
if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL to a PostgreSQL server with pgvector.");
const flag = small ? ["--small"] : [];
const steps = [
  ["ingest", ["ingest-speed.mjs", ...flag]],
  ["search", ["search-speed.mjs", ...flag]],
  ["context", ["context-speed.mjs", ...flag]],
  ["history", ["history-and-ingest.mjs", ...flag]],
  ["locomo", ["locomo/run.mjs", "--engine", "postgres", ...flag]],
  ["pglite", ["pglite-speed.mjs", ...flag]],
  ["charts", ["charts.mjs", ...flag]],
];
const started = performance.now();
for (const [name, args] of steps) {
  if (skip.has(name)) continue;
  const stepStarted = performance.now();
  console.log(`\n== ${name}: node ${args.join(" ")}`);
  execFileSync(process.execPath, args, { stdio: "inherit", cwd: import.meta.dirname });
  console.log(`== ${name} took ${((performance.now() - stepStarted) / 1000).toFixed(0)} s`);
}
console.log(`\nall benchmarks took ${((performance.now() - started) / 60_000).toFixed(1)} minutes`);
