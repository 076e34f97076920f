import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

/**
 * Every TypeScript snippet of the README that imports this package runs as written (against the
 * built package, like a user's code). The migration snippet (LangChain's old class) is the only one skipped.
 */
const packageRoot = resolve(import.meta.dirname, "..");
const folder = resolve(packageRoot, ".readme-snippets");
const readme = await readFile(resolve(packageRoot, "README.md"), "utf8");
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/gu)]
  .map((match) => match[1] as string)
  .filter((code) => code.includes('from "@mnemo/langchain-memory'));

describe("README snippets", () => {
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it("are all here", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
    expect(readme).toContain("PostgresChatMessageHistory({ pool, sessionId })");
  });

  it.each(snippets.map((code, index) => ({ index, code, title: code.split("\n").find((line) => line.includes("@mnemo/langchain-memory")) })))(
    "snippet $index runs: $title",
    async ({ index, code }) => {
      await mkdir(folder, { recursive: true });
      const file = resolve(folder, `snippet-${index}.ts`);
      await writeFile(file, `${code}\nexport {};\n`);
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        await import(pathToFileURL(file).href);
      } finally {
        log.mockRestore();
      }
    },
    120_000,
  );
});
