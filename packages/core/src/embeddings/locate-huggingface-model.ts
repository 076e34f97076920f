import { existsSync, statSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { InvalidInputError } from "../errors/invalid-input-error.js";

/** Where a Hugging Face model will be loaded from. */
export interface LocatedModel {
  /** What to hand transformers.js: an absolute folder path, or a hub id when `remote`. */
  source: string;
  /** The model's name in embedder ids: the hub id, or the folder name of a path given as `/…` or `./…`. */
  name: string;
  /** True when the model is not on disk and may be downloaded from the hub. */
  remote: boolean;
}

/** The transformers.js `env` fields read here (the module's global settings, never changed). */
export interface TransformersLocalSettings {
  allowLocalModels: boolean;
  localModelPath: string;
  useFSCache: boolean;
  cacheDir: string | null;
}

/**
 * Finds `model` on disk: a path starting with `/` or `.` must be an existing folder; any other name is
 * looked up under `localModelPath`, the working directory, transformers.js's `env.localModelPath` and
 * its file cache, in that order. A hub id
 * found nowhere is returned as remote only when `allowRemoteModels` is set.
 *
 * transformers.js 4 asks the hub about a hub id even with `local_files_only`, but never about an
 * absolute path, so an offline model is always located as an absolute folder that exists.
 *
 * @throws InvalidInputError when the model is not on disk and may not be downloaded.
 */
export function locateHuggingFaceModel(
  env: TransformersLocalSettings,
  options: { model: string; localModelPath?: string | undefined; allowRemoteModels: boolean },
): LocatedModel {
  const { model, localModelPath, allowRemoteModels } = options;
  if (isExplicitPath(model)) {
    const folder = resolve(model);
    if (!isDirectory(folder)) {
      throw new InvalidInputError(`createHuggingFaceEmbedder: the model folder ${JSON.stringify(model)} does not exist; check the path.`, {
        issues: [{ path: "options.model", message: "names a folder that does not exist" }],
      });
    }
    return { source: folder, name: basename(folder), remote: false };
  }
  const folder = localCopy(model, [localModelPath, ".", env.allowLocalModels ? env.localModelPath : null, env.useFSCache ? env.cacheDir : null]);
  if (folder !== undefined) return { source: folder, name: model, remote: false };
  if (allowRemoteModels) return { source: model, name: model, remote: true };
  throw new InvalidInputError(
    `createHuggingFaceEmbedder: the Hugging Face model ${JSON.stringify(model)} is not available offline; pass a model folder, set localModelPath, or pass allowRemoteModels: true to download it.`,
    { issues: [{ path: "options.model", message: "is not on disk and allowRemoteModels is false" }] },
  );
}

// `./models/x` or `/srv/models/x` names a folder, whose location should not leak into the embedder id;
// `org/name` reads as a hub id even when such a folder exists, and keeps its full id.
const isExplicitPath = (model: string): boolean => isAbsolute(model) || model.startsWith(".");

/** The first `<root>/<model>` folder that holds a model config. */
function localCopy(model: string, roots: readonly (string | null | undefined)[]): string | undefined {
  const candidates = roots.flatMap((root) => (root ? [resolve(root, model)] : []));
  return candidates.find((folder) => existsSync(join(folder, "config.json")));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
