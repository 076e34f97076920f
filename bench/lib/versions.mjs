// Installed package versions, read from the package's own package.json (some packages do not export it).
import { existsSync, readFileSync } from "node:fs";

const folders = [new URL("../node_modules/", import.meta.url), new URL("../../node_modules/", import.meta.url)];

/** The installed version of `name` (bench's own node_modules first, then the workspace root's). */
export function packageVersion(name) {
  for (const folder of folders) {
    const file = new URL(`${name}/package.json`, folder);
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")).version;
  }
  throw new Error(`${name} is not installed`);
}
