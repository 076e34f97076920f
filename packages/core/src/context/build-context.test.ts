import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageInput } from "../ingest/message-input.js";
import { createMemory, type MemoryOptions } from "../memory/create-memory.js";
import { summarizerFromFunction } from "../summarize/function-summarizer.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { countChatTokens } from "../tokens/count-chat-tokens.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { ContextBudgetError } from "./context-budget-error.js";

const topics = ["the garden", "a trip to Lisbon", "the PostgreSQL migration", "a birthday party", "learning the cello"];
/** A long conversation: turn i talks about one of five topics, at one-minute steps in 2025. */
function turns(userId: string, conversationId: string, count: number, start = Date.UTC(2025, 0, 1)): MessageInput[] {
  return Array.from({ length: count }, (_, i) => ({
    userId,
    conversationId,
    id: `${conversationId}-${i + 1}`,
    role: i % 2 === 0 ? "user" : "assistant",
    content: `Turn ${i + 1} is about ${topics[i % topics.length]}. ${"We talked it through in some detail. ".repeat(3)}`,
    createdAt: new Date(start + i * 60_000),
  }));
}

describe.each(testEngines())("context on $name", (engine) => {
  let opened: OpenTestEngine;
  const open = (options: MemoryOptions = {}) => createMemory({ database: opened.database, schema: opened.newSchema(), ...options });

  beforeAll(async () => {
    if (engine.available) opened = await engine.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("runs a chat loop: system prompt, memory, recent turns and older pieces within the budget, with a report", async () => {
      const memory = await open();
      await memory.settings.set({ key: "system_prompt", value: "You are a helpful assistant." });
      await memory.settings.set({ userId: "ada", key: "persona", value: "cheerful" });
      await memory.modelMemory.add({ userId: "ada", content: "Plays the cello in an amateur orchestra", category: "hobbies", importance: 0.9 });
      await memory.append({ userId: "ada", conversationId: "old", role: "user", content: "My cello teacher is called Margarida." });
      await memory.appendMany(turns("ada", "now", 6));
      await memory.append({ userId: "ada", conversationId: "now", role: "user", content: "Who teaches me the cello again?" });

      const context = await memory.buildContext({ userId: "ada", conversationId: "now", maxTokens: 2000, reserve: 200 });
      const counter = memory.tokenizer;
      expect(context.tokenCount).toBe(countChatTokens(counter, context.messages));
      expect(context.tokenCount).toBeLessThanOrEqual(1800);
      const [system, ...rest] = context.messages;
      expect(system?.role).toBe("system");
      expect(system?.content.startsWith("You are a helpful assistant.")).toBe(true);
      expect(system?.content).toContain("Plays the cello in an amateur orchestra");
      expect(system?.content).toContain("Margarida");
      expect(rest.at(-1)).toEqual({ role: "user", content: "Who teaches me the cello again?" });
      expect(rest).toHaveLength(7); // every recent turn fits
      expect(context.settings).toEqual({ persona: "cheerful" });
      expect(context.query).toBe("Who teaches me the cello again?");
      expect(context.summary.status).toBe("not-needed");
      expect(context.sections.memory.included).toHaveLength(1);
      expect(context.sections.retrieved.included.some((id) => id.startsWith("old#"))).toBe(true);
      // Turns of the current conversation already present verbatim are not repeated as retrieved pieces.
      expect(context.sections.retrieved.included.some((id) => id.startsWith("now#"))).toBe(false);
      expect((await memory.modelMemory.list({ userId: "ada" }))[0]?.lastAccessedAt).toBeInstanceOf(Date);
    });

    it("folds overflowing old turns into a running summary, archived but kept and searchable", async () => {
      const memory = await open();
      await memory.appendMany(turns("ada", "long", 60));
      const context = await memory.buildContext({ userId: "ada", conversationId: "long", maxTokens: 1500 });
      expect(context.summary).toMatchObject({ status: "summarized", covers: { fromSeq: 1 } });
      expect(context.tokenCount).toBeLessThanOrEqual(1500);
      expect(context.messages[0]?.content).toContain("## Summary of the earlier conversation");
      const stats = await memory.stats({ userId: "ada", conversationId: "long" });
      expect(stats).toMatchObject({ messages: 60, summaries: 1 });
      expect(stats.archivedMessages).toBe(context.summary.status === "summarized" ? context.summary.foldedMessages : -1);
      expect(await memory.history({ userId: "ada", conversationId: "long", last: 100 })).toHaveLength(60);
      const archived = await memory.search({ userId: "ada", query: "Turn 1 garden", conversationIds: ["long"], limit: 60 });
      expect(archived.some((hit) => hit.archived && hit.seq === 1)).toBe(true);
      // Hysteresis: the next call has room again and does not summarise.
      await memory.append({ userId: "ada", conversationId: "long", role: "user", content: "And now?" });
      expect((await memory.buildContext({ userId: "ada", conversationId: "long", maxTokens: 1500 })).summary.status).toBe("not-needed");
    });

    it("falls back to recent turns when the summariser fails, and writes nothing", async () => {
      const failing = summarizerFromFunction(() => {
        throw new Error("model server answered 500");
      });
      const memory = await open({ summarizer: failing });
      await memory.appendMany(turns("ada", "long", 60));
      const context = await memory.buildContext({ userId: "ada", conversationId: "long", maxTokens: 1500 });
      expect(context.summary).toMatchObject({ status: "failed" });
      expect(context.summary.status === "failed" && context.summary.error.message).toContain("500");
      expect(context.tokenCount).toBeLessThanOrEqual(1500);
      expect(context.messages.at(-1)?.content).toContain("Turn 60");
      expect(context.sections.recent.omitted.length).toBeGreaterThan(0);
      expect(await memory.stats({ userId: "ada", conversationId: "long" })).toMatchObject({ summaries: 0, archivedMessages: 0 });
    });

    it("writes exactly one summary when two callers overflow the same conversation at once", async () => {
      let calls = 0;
      const slow = summarizerFromFunction(async (request) => {
        calls += 1;
        await sleep(200);
        return `Summary of ${request.messages.length} turns.`;
      });
      const memory = await open({ summarizer: slow });
      await memory.appendMany(turns("ada", "long", 60));
      const contexts = await Promise.all([1, 2, 3].map(() => memory.buildContext({ userId: "ada", conversationId: "long", maxTokens: 1500 })));
      expect(contexts.map((context) => context.summary.status).sort()).toEqual(["busy", "busy", "summarized"]);
      expect(calls).toBe(1);
      expect((await memory.stats({ userId: "ada", conversationId: "long" })).summaries).toBe(1);
    });

    it("compacts idle conversations only, once", async () => {
      const memory = await open();
      await memory.appendMany(turns("ada", "idle", 40, Date.UTC(2025, 0, 1)));
      await memory.appendMany(turns("ada", "active", 40, Date.now() - 60_000));
      const first = await memory.compactIdle({ idleFor: "1d", keepTokens: 200 });
      expect(first.summarized).toBe(1);
      expect(first.conversations).toMatchObject([{ conversationId: "idle", status: "summarized" }]);
      const idle = await memory.stats({ userId: "ada", conversationId: "idle" });
      expect(idle.summaries).toBeGreaterThanOrEqual(1);
      expect(idle.archivedMessages).toBeGreaterThan(30);
      expect((await memory.stats({ userId: "ada", conversationId: "active" })).summaries).toBe(0);
      expect((await memory.compactIdle({ idleFor: "1d", keepTokens: 200 })).conversations).toEqual([]);
      await expect(memory.compactIdle({ idleFor: "soon" })).rejects.toThrow(/duration/);
    });

    it("throws a typed budget error that says by how much", async () => {
      const memory = await open();
      await memory.settings.set({ userId: "ada", key: "system_prompt", value: "Be brief. ".repeat(200) });
      await memory.append({ userId: "ada", conversationId: "c", role: "user", content: "Hi" });
      const error = await memory.buildContext({ userId: "ada", conversationId: "c", maxTokens: 300 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContextBudgetError);
      expect((error as ContextBudgetError).shortBy).toBe((error as ContextBudgetError).needed - 300);
    });

    it("counts with the model's tokenizer when it differs, and includes reference chunks when asked", async () => {
      const memory = await open();
      await memory.documents.add({
        userId: "ada",
        title: "Cello care",
        content: "# Strings\n\nChange cello strings every six months.\n\n# Bow\n\nRehair the bow yearly.",
      });
      await memory.append({ userId: "ada", conversationId: "c", role: "user", content: "How often should I change cello strings?" });
      const context = await memory.buildContext({ userId: "ada", conversationId: "c", maxTokens: 400, tokenizer: "cl100k_base", references: true });
      expect(context.tokenCount).toBe(countChatTokens(createTiktokenCounter("cl100k_base"), context.messages));
      expect(context.messages[0]?.content).toContain("Change cello strings every six months.");
      expect(context.sections.reference.included.length).toBeGreaterThan(0);
    });

    it("embeds the query once for memory, retrieval and reference search", async () => {
      const hashing = createHashingEmbedder();
      let queries = 0;
      const embedder = {
        ...hashing,
        embedQuery: (text: string) => {
          queries += 1;
          return hashing.embedQuery(text);
        },
      };
      const memory = await open({ embedder });
      await memory.modelMemory.add({ userId: "ada", content: "Plays the cello" });
      await memory.documents.add({ userId: "ada", title: "Cello care", content: "Change cello strings every six months." });
      await memory.append({ userId: "ada", conversationId: "c", role: "user", content: "How often do cello strings need changing?" });
      const context = await memory.buildContext({ userId: "ada", conversationId: "c", maxTokens: 1000, references: true });
      expect(queries).toBe(1);
      expect(context.sections.memory.included).toHaveLength(1);
      expect(context.sections.reference.included).toHaveLength(1);
      await expect(memory.search({ userId: "ada", query: "cello", queryVector: [1, 2, 3] })).rejects.toThrow(/queryVector: it has 3 dimensions/);
    });

    it("rejects bad options and an empty conversation with typed errors", async () => {
      const memory = await open();
      await expect(memory.buildContext({ userId: "ada", conversationId: "none", maxTokens: 100 })).rejects.toThrow(/append the user's message/);
      await expect(memory.buildContext({ userId: "ada", conversationId: "c", maxTokens: 100, reserve: 100 })).rejects.toThrow(/reserve/);
      await expect(memory.buildContext({ userId: "", conversationId: "c", maxTokens: 100 })).rejects.toThrow(/userId/);
    });
  });
});
