import { existsSync, statSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { importTransformers, type TransformersModule } from "../huggingface/import-transformers.js";
import type { ChatFormat, TokenCounter } from "./token-counter.js";

/** Options for {@link createHuggingFaceTokenCounter}. */
export interface HuggingFaceTokenCounterOptions {
  /**
   * A folder of local models to look in first: hub id `org/name` is loaded from `<localModelPath>/org/name`
   * when that folder exists.
   * @default undefined (only the transformers.js cache, and the hub when allowed)
   */
  localModelPath?: string;
  /**
   * Whether the tokenizer may be downloaded from the Hugging Face hub. Off by default so that creating
   * a counter never touches the network unexpectedly; the transformers.js file cache is still used.
   * @default false
   */
  allowRemoteModels?: boolean;
}

/** The part of a transformers.js tokenizer this counter uses. */
interface LoadedTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}

// An approximation: Hugging Face chat templates differ per model (ChatML spends about 3-5 tokens a
// message, Llama 3 about 5), and the counts are stored estimates, so the OpenAI figures are used.
const approximateChatFormat: ChatFormat = Object.freeze({ perMessage: 3, perName: 1, perReply: 3 });

// Parsing tokenizer.json takes tens of milliseconds and memory; one load per source is shared.
const loads = new Map<string, Promise<TokenCounter>>();

/**
 * Creates a {@link TokenCounter} from a Hugging Face tokenizer (`tokenizer.json`), via the optional
 * peer dependency `@huggingface/transformers`.
 *
 * `model` is a hub id (`Xenova/all-MiniLM-L6-v2`) or a path to a local model folder. A counter is
 * named `hf:<model>`, except that a path starting with `/` or `.` is named `hf:<folder name>` so the
 * stored name does not depend on where the folder lives. Without `allowRemoteModels` nothing is
 * fetched: a hub id must be found under `localModelPath` or in transformers.js's local models or cache.
 *
 * Counts exclude special tokens such as `[CLS]`. The chat overhead is a fixed approximation (3 per
 * message, 1 per name, 3 per reply) because chat templates vary by model.
 *
 * @param model - A hub id, or an absolute or relative path to a folder holding `tokenizer.json`.
 * @param options - Where to look locally and whether the hub may be used.
 * @throws InvalidInputError when `@huggingface/transformers` is not installed or the tokenizer cannot be loaded.
 *
 * @example
 * ```ts
 * const counter = await createHuggingFaceTokenCounter("./models/universal-sentence-encoder-lite-onnx");
 * counter.count("hello world"); // 3
 * ```
 */
export function createHuggingFaceTokenCounter(model: string, options: HuggingFaceTokenCounterOptions = {}): Promise<TokenCounter> {
  if (typeof model !== "string" || model.trim() === "") {
    return Promise.reject(new InvalidInputError("model: must be a Hugging Face hub id or a path to a local model folder."));
  }
  const folder = localFolder(model, options.localModelPath);
  const allowRemoteModels = folder === undefined && options.allowRemoteModels === true;
  const key = JSON.stringify([folder ?? model, allowRemoteModels]);
  let load = loads.get(key);
  if (!load) {
    const name = `hf:${folder !== undefined && isExplicitPath(model) ? basename(folder) : model}`;
    load = loadCounter(model, folder, name, allowRemoteModels);
    // A failed load is not cached: the user may install the package or fix the folder and retry.
    load.catch(() => loads.delete(key));
    loads.set(key, load);
  }
  return load;
}

/** The absolute path of the local folder `model` names, under `localModelPath` first; undefined for a hub id. */
function localFolder(model: string, localModelPath: string | undefined): string | undefined {
  const candidates = [resolve(model)];
  if (localModelPath !== undefined && !isAbsolute(model)) candidates.unshift(resolve(localModelPath, model));
  return candidates.find(isDirectory);
}

// `./models/x` or `/srv/models/x` names a folder, whose location should not leak into the stored name;
// `org/name` reads as a hub id even when such a folder exists, and keeps its full id.
const isExplicitPath = (model: string): boolean => isAbsolute(model) || model.startsWith(".");

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function loadCounter(model: string, folder: string | undefined, name: string, allowRemoteModels: boolean): Promise<TokenCounter> {
  const { AutoTokenizer, env } = await importTransformers("tokenizer: Hugging Face tokenizers");
  // transformers.js 4 asks the hub whether tokenizer_config.json exists even with `local_files_only`,
  // so an offline load is always given an absolute folder path, which it never sends to the hub.
  // This also leaves the global `env`, which the application may have set for its own models, alone.
  const source = folder ?? (allowRemoteModels ? model : offlineCopy(env, model));
  if (source === undefined) {
    throw new InvalidInputError(
      `tokenizer: the Hugging Face tokenizer ${JSON.stringify(name)} is not available offline; pass a folder holding tokenizer.json, set localModelPath, or pass allowRemoteModels: true to download it.`,
    );
  }
  let tokenizer: LoadedTokenizer;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(source, { local_files_only: !allowRemoteModels });
  } catch (error) {
    const hint = allowRemoteModels ? "check the hub id and the network" : "the folder needs tokenizer.json and tokenizer_config.json";
    throw new InvalidInputError(`tokenizer: could not load the Hugging Face tokenizer ${JSON.stringify(name)}; ${hint}.`, { cause: error });
  }
  return {
    name,
    chatFormat: approximateChatFormat,
    count(text: string): number {
      if (text.length === 0) return 0;
      return tokenizer.encode(text, { add_special_tokens: false }).length;
    },
  };
}

/** A copy of hub model `id` already on disk: in transformers.js's local model folder or its file cache. */
function offlineCopy(env: TransformersModule["env"], id: string): string | undefined {
  const roots = [env.allowLocalModels ? env.localModelPath : null, env.useFSCache ? env.cacheDir : null];
  for (const root of roots) {
    const folder = root ? resolve(root, id) : undefined;
    if (folder !== undefined && existsSync(join(folder, "tokenizer.json"))) return folder;
  }
  return undefined;
}
