import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { createOpenAICompatibleSummarizer } from "../summarize/openai-compatible-summarizer.js";
import { fakeOpenAIServer } from "../testing/fake-openai-server.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { enhancePrompt, keywordsOf } from "./enhance-prompt.js";

const longAnswer = `${"Use COPY instead of row-by-row INSERT statements, because COPY streams rows in one command. ".repeat(3)}${"Drop secondary indexes before the load and rebuild them afterwards with a larger maintenance_work_mem. ".repeat(40)}`;

/** Three past conversations; only the first two are about Postgres imports. */
async function seed(memory: Memory): Promise<void> {
  const at = (day: number) => new Date(Date.UTC(2026, 3, day));
  const title = (text: string) => ({ conversation: { title: text } });
  await memory.appendMany([
    {
      userId: "me",
      conversationId: "pg",
      role: "user",
      content: "How do I speed up a slow Postgres bulk import of 5 million rows?",
      createdAt: at(1),
      metadata: title("Slow Postgres import"),
    },
    { userId: "me", conversationId: "pg", role: "assistant", content: longAnswer, createdAt: at(1), metadata: title("Slow Postgres import") },
    { userId: "me", conversationId: "pg", role: "user", content: "ok", createdAt: at(1), metadata: title("Slow Postgres import") },
  ]);
  await memory.appendMany([
    { userId: "me", conversationId: "pg2", role: "user", content: "Is UNLOGGED table a good idea for a Postgres staging import?", createdAt: at(2) },
    {
      userId: "me",
      conversationId: "pg2",
      role: "assistant",
      content: "Yes, for staging:\n1. UNLOGGED tables skip the WAL, so the import is faster.\n2. They are emptied after a crash.",
      createdAt: at(2),
    },
  ]);
  await memory.appendMany([
    { userId: "me", conversationId: "bread", role: "user", content: "My sourdough starter smells of acetone.", createdAt: at(3) },
    { userId: "me", conversationId: "bread", role: "assistant", content: "Feed it twice a day; the smell means it is hungry.", createdAt: at(3) },
    { userId: "other", conversationId: "pg", role: "user", content: "Secret Postgres import notes of another user", createdAt: at(3) },
  ]);
}

describe("keywordsOf", () => {
  it("keeps content words, most frequent first", () => {
    expect(keywordsOf("How do I make my Postgres import faster? The import is slow.")).toEqual(["import", "make", "postgres", "faster", "slow"]);
  });
});

describe.each(testEngines())("enhancePrompt on $name", (engine) => {
  let opened: OpenTestEngine;
  const memories: Memory[] = [];
  const fake = fakeOpenAIServer("/v1/chat/completions", () => ({
    status: 200,
    json: { choices: [{ message: { content: "Earlier: use COPY and UNLOGGED staging tables." } }] },
  }));
  const open = async (options: Parameters<typeof createMemory>[0] = {}) => {
    const memory = await createMemory({ database: opened.database, schema: opened.newSchema(), ...options });
    memories.push(memory);
    await seed(memory);
    return memory;
  };
  beforeAll(async () => {
    await fake.start();
    if (engine.available) opened = await engine.open();
  });
  afterAll(async () => {
    for (const memory of memories) await memory.close();
    await opened?.close();
    await fake.close();
  });

  it.skipIf(!engine.available)("builds context from the relevant exchanges only, within the token budget, then the question", async () => {
    const memory = await open();
    // The question being asked, already stored in the current chat, is not its own context.
    await memory.append({ userId: "me", conversationId: "now", role: "user", content: "How can I make my Postgres import faster?" });
    const result = await enhancePrompt(memory, { userId: "me", question: "How can I make my Postgres import faster?", maxContextTokens: 300 });
    expect(result.keywords).toEqual(["make", "postgres", "import", "faster"]);
    expect(result.sources.map((source) => source.conversationId).sort()).toEqual(["pg", "pg2"]);
    expect(result.sources.find((source) => source.conversationId === "pg")?.title).toBe("Slow Postgres import");
    expect(result.tokens.context).toBeLessThanOrEqual(300);
    expect(result.tokens.context).toBe(memory.tokenizer.count(result.context));
    expect(result.prompt.startsWith(result.context)).toBe(true);
    expect(result.prompt.endsWith("\nHow can I make my Postgres import faster?")).toBe(true);
    expect(result.context).toMatch(/### Slow Postgres import \(2026-04-01\)/);
    expect(result.context).toMatch(/COPY/);
    expect(result.prompt).not.toMatch(/sourdough|Secret/);
    expect(result.context).toMatch(/^Assistant: UNLOGGED tables skip the WAL/m);
    expect(result.context).not.toMatch(/^Assistant: \d+\.$/m);
    expect(result.summarizer).toBe("extractive");
  });

  it.skipIf(!engine.available)("returns the bare question when nothing relevant exists, and rejects a blank one", async () => {
    const memory = await open();
    const result = await enhancePrompt(memory, { userId: "me", question: "quantum chromodynamics lattice" });
    expect(result).toMatchObject({ prompt: "quantum chromodynamics lattice", context: "", sources: [], tokens: { context: 0 } });
    await expect(enhancePrompt(memory, { userId: "me", question: "   " })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(enhancePrompt(memory, { userId: "me", question: "x", maxContextTokens: 5 })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it.skipIf(!engine.available)("searches hybrid with an embedder and summarises with a configured OpenAI-compatible endpoint", async () => {
    fake.reset();
    const memory = await open({ embedder: createHashingEmbedder(64) });
    const summarizer = createOpenAICompatibleSummarizer({ baseUrl: fake.baseUrl, model: "local-model" });
    const result = await enhancePrompt(memory, { userId: "me", question: "Postgres import tips?", summarizer, limit: 2 });
    expect(result.sources.length).toBeGreaterThan(0);
    expect(result.sources.length).toBeLessThanOrEqual(2);
    expect(fake.received.length).toBe(result.sources.length);
    expect(JSON.stringify(fake.received[0]?.body)).toMatch(/Postgres/);
    expect(result.context).toMatch(/Earlier: use COPY and UNLOGGED staging tables\./);
    expect(result.summarizer).toBe("openai-compatible:local-model");
  });
});
