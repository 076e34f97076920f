// Keeps the benchmark harnesses working (`npm test` runs this): their unit tests, then each
// benchmark in --small mode. It checks that they run and produce numbers; it asserts no timings.
// The server benchmarks need DATABASE_URL; without it they are skipped with a notice (in CI, where
// DATABASE_URL must be set, a missing one is an error).
import { execFileSync } from "node:child_process";

const run = (args) => execFileSync(process.execPath, args, { stdio: "inherit", cwd: import.meta.dirname });
run(["--test", "locomo/"]);
run(["locomo/run.mjs", "--small", "--engine", "pglite"]);
run(["enhance-speed.mjs", "--small"]); // embedded PGlite, offline
run(["pglite-speed.mjs", "--small"]); // embedded PGlite: ingest, start-up, history, search, context
if (process.env.DATABASE_URL) {
  run(["history-and-ingest.mjs", "--small"]);
  run(["search-speed.mjs", "--small"]);
  run(["context-speed.mjs", "--small"]); // on the corpus search-speed --small just left
  run(["ingest-speed.mjs", "--small"]); // Mnemo vs LangChain vs LlamaIndex, with the shared q8 model
  run(["charts.mjs", "--small"]);
  run(["soak.mjs", "--small"]); // the CrewAI bridge as a child process, a few seconds of mixed load
} else if (process.env.CI) {
  throw new Error("CI is set but DATABASE_URL is not: the server benchmarks' smoke runs must run in CI.");
} else {
  console.warn("[bench smoke] DATABASE_URL is not set: skipping the server benchmarks' --small runs.");
}
