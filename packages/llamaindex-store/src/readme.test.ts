import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { sharedModelAvailable, sharedModelFolder } from "./test-support/shared-test-model.js";

/**
 * The README's TypeScript runs as written, against the built package: the quick start on its own, and
 * every other snippet, in order, as one walk-through (they share `memory`, `index`, `vectorStore` and
 * `buffer`). Only the places are swapped: the shared test model for model ids and folders, an in-memory
 * database for `./data`, a temporary `MNEMO_HOME`, and LlamaIndex's MockLLM as `Settings.llm`.
 */
const packageRoot = resolve(import.meta.dirname, "..");
const folder = resolve(packageRoot, ".readme-snippets");
const readme = await readFile(resolve(packageRoot, "README.md"), "utf8");
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/gu)].map((match) => match[1] as string);

const offline = (code: string) =>
  code
    .replaceAll('"Xenova/all-MiniLM-L6-v2", allowRemoteModels: true', JSON.stringify(sharedModelFolder))
    .replaceAll('"./models/universal-sentence-encoder-lite-onnx"', JSON.stringify(sharedModelFolder))
    .replaceAll('{ dataDir: "./data" }', '{ dataDir: "memory://" }');

/** One module from several snippets: their named imports merged, their bodies in order. */
function module(codes: string[], prelude: string[], epilogue: string[]): string {
  const imports = new Map<string, Set<string>>();
  const body: string[] = [];
  for (const line of [...prelude, ...codes].join("\n").split("\n")) {
    const found = /^import \{ (.+) \} from "(.+)";$/u.exec(line);
    if (!found) body.push(line);
    else for (const name of (found[1] as string).split(",")) imports.set(found[2] as string, (imports.get(found[2] as string) ?? new Set()).add(name.trim()));
  }
  const importLines = [...imports].map(([from, names]) => `import { ${[...names].join(", ")} } from "${from}";`);
  return [...importLines, ...body, ...epilogue, "export {};"].join("\n");
}

describe.runIf(sharedModelAvailable)("README snippets", () => {
  let home: string | undefined;
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    if (home) await rm(home, { recursive: true, force: true });
  });

  async function run(name: string, source: string): Promise<string[]> {
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${name}.ts`);
    await writeFile(file, source);
    const printed: string[] = [];
    const log = vi
      .spyOn(console, "log")
      .mockImplementation(
        (...values: unknown[]) => void printed.push(values.map((value) => (typeof value === "string" ? value : JSON.stringify(value))).join(" ")),
      );
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    return printed;
  }

  it("are all here: the quick start and one for every export", () => {
    expect(snippets.length).toBe(7);
    for (const name of [
      "MnemoVectorStore",
      "MnemoChatStore",
      "loadSessionSnapshot",
      "saveSessionSnapshot",
      "createMnemoTools",
      "createRetrieveUserInfoTool",
      "MnemoEmbedding",
      "fromLlamaIndexEmbedding",
    ]) {
      expect(snippets.slice(1).some((code) => code.includes(name))).toBe(true);
    }
  });

  it("the quick start runs", async () => {
    const printed = await run("quick-start", offline(snippets[0] as string));
    expect(printed.join("\n")).toContain("The Memmo Alfama has a rooftop pool.");
  }, 120_000);

  it("the walk-through runs", async () => {
    home = await mkdtemp(join(tmpdir(), "mnemo-readme-"));
    vi.stubEnv("MNEMO_HOME", home);
    try {
      const prelude = [
        'import { MockLLM as ReadmeMockLLM } from "@llamaindex/core/llms/mock";',
        'import { createMemory as createReadmeMemory } from "@mnemo/core";',
        'import { Settings as ReadmeSettings } from "llamaindex";',
        'const memory = await createReadmeMemory({ database: { dataDir: "memory://" } });',
        "ReadmeSettings.llm = new ReadmeMockLLM({ timeBetweenToken: 0 });",
      ];
      const printed = await run("walk-through", module(snippets.slice(1).map(offline), prelude, ["await memory.close();"]));
      expect(printed.join("\n")).toContain("A quiet hotel in Lisbon?");
    } finally {
      vi.unstubAllEnvs();
    }
  }, 240_000);
});
