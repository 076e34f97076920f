import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Every bare module a source file imports, following its relative imports (type-only imports excluded). */
function bareImports(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const match of source.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+"([^"]+)"/gmu)) {
    const specifier = match[1] as string;
    if (specifier.startsWith(".")) {
      for (const nested of bareImports(resolve(dirname(file), specifier.replace(/\.js$/u, ".ts")), seen)) found.add(nested);
    } else {
      found.add(specifier);
    }
  }
  return found;
}

const source = (path: string) => resolve(import.meta.dirname, path);

describe("entry points", () => {
  it("the main entry needs only @langchain/core (and Mnemo, zod): langchain and LangGraph stay optional", () => {
    const modules = [...bareImports(source("index.ts"))].map((specifier) =>
      specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/"),
    );
    expect(new Set(modules)).toEqual(new Set(["@langchain/core", "@mnemo/core", "zod", "node:crypto"].filter((name) => modules.includes(name))));
    expect(modules).not.toContain("langchain");
    expect(modules).not.toContain("@langchain/langgraph-checkpoint");
    expect(modules).not.toContain("@langchain/langgraph");
  });

  it("the agents entry is the one that loads langchain, the store entry the one that loads LangGraph's checkpoint package", () => {
    expect(bareImports(source("agents/index.ts"))).toContain("langchain");
    expect(bareImports(source("agents/index.ts"))).not.toContain("@langchain/langgraph-checkpoint");
    expect(bareImports(source("store/index.ts"))).toContain("@langchain/langgraph-checkpoint");
    expect(bareImports(source("store/index.ts"))).not.toContain("langchain");
  });
});
