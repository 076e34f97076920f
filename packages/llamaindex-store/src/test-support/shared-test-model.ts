import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createHuggingFaceEmbedder, type Embedder } from "@mnemo/core";

// The repository root is four levels up (packages/llamaindex-store/src/test-support); the shared models sit beside it.
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** The real sentence-embedding model the tests use (512-d), from ../shared/models. */
export const sharedModelFolder = join(repositoryRoot, "../shared/models/universal-sentence-encoder-lite-onnx");

/** Whether the model is on disk. In CI it must be: suites assert it instead of skipping. */
export const sharedModelAvailable = existsSync(join(sharedModelFolder, "onnx", "model.onnx"));

if (!sharedModelAvailable) {
  const message = `[mnemo] No test model at ${sharedModelFolder} (see ../shared/models/README.md)`;
  if (process.env.CI) throw new Error(`${message}; CI must provide it.`);
  console.warn(`${message}: the suites that need it are skipped.`);
}

let loading: Promise<Embedder> | undefined;

/** The shared model as a Mnemo embedder (fp32: exact, repeatable vectors), loaded once per test file. */
export function sharedTestEmbedder(): Promise<Embedder> {
  loading ??= createHuggingFaceEmbedder({ model: sharedModelFolder });
  return loading;
}
