import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { NotFoundError } from "../errors/not-found-error.js";

/** The largest export file read by default: 512 MiB. */
export const defaultMaxFileBytes = 512 * 1024 * 1024;

/**
 * Reads a file whole, refusing one larger than `maxBytes` before reading it.
 * @throws NotFoundError when the file does not exist; InvalidInputError when it is too large.
 */
export async function readSourceFile(path: string, maxBytes = defaultMaxFileBytes): Promise<Buffer> {
  const info = await stat(path).catch((error: unknown) => {
    throw new NotFoundError(`No such file: ${path}. Check the path and try again.`, { cause: error });
  });
  if (!info.isFile()) throw new InvalidInputError(`Not a file: ${path}.`);
  if (info.size > maxBytes) {
    throw new InvalidInputError(`The file is ${info.size} bytes, over the limit of ${maxBytes}; raise maxFileBytes if it is really an export.`);
  }
  return readFile(path);
}

/** Parses JSON, turning a syntax error (a truncated file) into an {@link InvalidInputError}. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${what} is not valid JSON (truncated or corrupt); re-export it.`, { cause: error });
  }
}

/**
 * Every file under `folder` (searched recursively, symbolic links not followed) whose name ends with
 * `extension`, in a stable order.
 * @throws NotFoundError when the folder does not exist.
 */
export async function findFiles(folder: string, extension: string): Promise<string[]> {
  const info = await stat(folder).catch((error: unknown) => {
    throw new NotFoundError(`No such folder: ${folder}. Pass the folder that holds the conversations.`, { cause: error });
  });
  if (!info.isDirectory()) throw new InvalidInputError(`Not a folder: ${folder}.`);
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
