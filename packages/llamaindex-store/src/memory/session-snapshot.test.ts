import { createMemory as createMnemo, InvalidInputError, type Memory } from "@mnemo/core";
import { createHashingEmbedder, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { createMemory, loadMemory, vectorBlock } from "llamaindex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoEmbedding } from "../embeddings/mnemo-embedding.js";
import { MnemoVectorStore } from "../vector-store/mnemo-vector-store.js";
import { loadSessionSnapshot, saveSessionSnapshot, sessionCursorCollection } from "./session-snapshot.js";

describe.each(testEngines())("LlamaIndex Memory sessions in Mnemo on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMnemo({ database: opened.database, schema: opened.newSchema() });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("saves a Memory and loads it back with the same ids, times, contents and options", async () => {
      const session = { memory, userId: "ada", sessionId: "s1" };
      const chatMemory = createMemory();
      await chatMemory.add({ role: "user", content: "Find me a quiet hotel in Lisbon." });
      await chatMemory.add({ role: "assistant", content: "The Memmo Alfama.", options: { model: "mock" } });
      await chatMemory.add({
        role: "user",
        content: [
          { type: "text", text: "And this view?" },
          { type: "image_url", image_url: { url: "https://example.com/v.png" } },
        ],
      });
      expect(await saveSessionSnapshot(chatMemory, session)).toEqual({ saved: 3 });
      expect(await saveSessionSnapshot(chatMemory.snapshot(), session)).toEqual({ saved: 0 });

      const restored = loadMemory(await loadSessionSnapshot(session));
      expect(await restored.get()).toEqual(await chatMemory.get());
      const original = JSON.parse(chatMemory.snapshot());
      const reloaded = JSON.parse(restored.snapshot());
      expect(reloaded.messages.map((message: { id: string; createdAt: string }) => [message.id, message.createdAt])).toEqual(
        original.messages.map((message: { id: string; createdAt: string }) => [message.id, message.createdAt]),
      );

      await restored.add({ role: "assistant", content: "It has a rooftop terrace." });
      expect(await saveSessionSnapshot(restored, session)).toEqual({ saved: 1 });
      const stored = await memory.history({ userId: "ada", conversationId: "s1", last: 10 });
      expect(stored.map((message) => message.content)).toEqual([
        "Find me a quiet hotel in Lisbon.",
        "The Memmo Alfama.",
        "And this view?",
        "It has a rooftop terrace.",
      ]);
    });

    it("loads an unknown session as an empty memory", async () => {
      expect(JSON.parse(await loadSessionSnapshot({ memory, userId: "ada", sessionId: "never" }))).toEqual({ messages: [], memoryCursor: 0 });
    });

    it("rejects what is not a snapshot, and writes nothing", async () => {
      const session = { memory, userId: "ada", sessionId: "bad" };
      for (const bad of ["not json", "{}", JSON.stringify({ messages: [{ role: "user", content: "no id" }] })]) {
        await expect(saveSessionSnapshot(bad, session)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      }
      expect(await memory.history({ userId: "ada", conversationId: "bad", last: 5 })).toEqual([]);
    });

    it("keeps the long-term cursor, and a vectorBlock over MnemoVectorStore recalls older turns after a restart", async () => {
      const session = { memory, userId: "ada", sessionId: "long" };
      const vectorStore = new MnemoVectorStore({
        memory,
        userId: "ada",
        collection: "memory-blocks",
        embedModel: new MnemoEmbedding(createHashingEmbedder(64)),
      });
      const blocks = () => [vectorBlock({ id: "long-term", priority: 1, vectorStore, retrievalContextWindow: 2 })];
      const chatMemory = createMemory({ tokenLimit: 60, memoryBlocks: blocks() });
      await chatMemory.add({ role: "user", content: "My passport number ends in 4471 and I fly to Lisbon on Friday." });
      for (let turn = 0; turn < 6; turn += 1) await chatMemory.add({ role: "assistant", content: `Small talk number ${turn} about the weather today.` });
      const cursor = JSON.parse(chatMemory.snapshot()).memoryCursor as number;
      expect(cursor).toBeGreaterThan(0);
      await saveSessionSnapshot(chatMemory, session);
      const storedNodes = await memory.records.count({ userId: "ada", collection: "memory-blocks" });
      expect(storedNodes).toBeGreaterThan(0);
      expect((await memory.records.get({ userId: "ada", collection: sessionCursorCollection, id: "long" }))?.metadata).toEqual({ memoryCursor: cursor });

      // Restart: a new Memory over the same data; old turns come back only through the vector block.
      // A larger limit on reload: the recalled block must fit in the long-term share of the context.
      const restored = loadMemory(await loadSessionSnapshot(session), { tokenLimit: 2_000, memoryBlocks: blocks() });
      expect(JSON.parse(restored.snapshot()).memoryCursor).toBe(cursor);
      const context = await restored.getLLM(undefined, [{ role: "user", content: "What does my passport number end in?" }]);
      const recalled = context.filter((message) => message.role === "memory").map((message) => String(message.content));
      expect(recalled.join("\n")).toContain("4471");
      // Further turns after a restart feed the block only with what it has not seen (the cursor was kept).
      const again = loadMemory(await loadSessionSnapshot(session), { tokenLimit: 60, memoryBlocks: blocks() });
      for (let turn = 0; turn < 6; turn += 1) await again.add({ role: "user", content: `More chat number ${turn} about museums and trams.` });
      const nodes = await memory.records.list({ userId: "ada", collection: "memory-blocks" });
      expect(nodes.length).toBeGreaterThan(storedNodes);
      expect(nodes.filter((node) => node.content.includes("4471"))).toHaveLength(1);
    });
  });
});
