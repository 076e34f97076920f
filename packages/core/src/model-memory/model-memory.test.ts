import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../errors/conflict-error.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { createMemory, type MemoryOptions } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { wordDice } from "../search/word-dice.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

describe("wordDice", () => {
  it("is 1 for the same words in any case and order, 0 for none shared", () => {
    expect(wordDice("Likes green tea", "tea, green: LIKES")).toBe(1);
    expect(wordDice("likes tea", "owns a cat")).toBe(0);
    expect(wordDice("likes green tea", "likes green tea a lot")).toBeCloseTo(0.75);
  });
});

describe.each(testEngines())("model memory on $name", (engine) => {
  let opened: OpenTestEngine;
  const open = (options: MemoryOptions = {}) => createMemory({ database: opened.database, schema: opened.newSchema(), ...options });

  beforeAll(async () => {
    if (engine.available) opened = await engine.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    let memory: Memory;
    beforeAll(async () => {
      memory = await open();
    });

    it("adds, updates, deletes and keeps the full change history", async () => {
      const { entry, action } = await memory.modelMemory.add({ userId: "ada", content: "  Prefers  window seats ", category: "travel", by: "model" });
      expect(action).toBe("created");
      expect(entry).toMatchObject({ content: "Prefers window seats", category: "travel", importance: 0.5, version: 1, createdBy: "model", scope: "/" });
      expect(entry.tokenCount).toBe(memory.tokenizer.count("Prefers window seats"));
      const updated = await memory.modelMemory.update({ userId: "ada", memoryId: entry.memoryId, importance: 0.9, metadata: { from: "profile" }, by: "user" });
      expect(updated).toMatchObject({ version: 2, importance: expect.closeTo(0.9, 5), updatedBy: "user", createdBy: "model", metadata: { from: "profile" } });
      expect(await memory.modelMemory.delete({ userId: "ada", memoryId: entry.memoryId })).toBe(true);
      expect(await memory.modelMemory.delete({ userId: "ada", memoryId: entry.memoryId })).toBe(false);
      expect(await memory.modelMemory.get({ userId: "ada", memoryId: entry.memoryId })).toBeUndefined();
      const history = await memory.modelMemory.history({ userId: "ada", memoryId: entry.memoryId });
      expect(history.map((change) => [change.version, change.action, change.changedBy])).toEqual([
        [3, "delete", "user"],
        [2, "update", "user"],
        [1, "create", "model"],
      ]);
    });

    it("treats the same normalised content as a no-op and a near-duplicate as an update", async () => {
      const first = await memory.modelMemory.add({ userId: "bob", content: "Likes green tea" });
      const again = await memory.modelMemory.add({ userId: "bob", content: "likes   GREEN tea" });
      expect(again).toMatchObject({ action: "unchanged", entry: { memoryId: first.entry.memoryId, version: 1 } });
      const near = await memory.modelMemory.add({ userId: "bob", content: "Likes green tea very much", importance: 0.7 });
      expect(near.action).toBe("updated");
      expect(near.entry).toMatchObject({ memoryId: first.entry.memoryId, content: "Likes green tea very much", version: 2 });
      const other = await memory.modelMemory.add({ userId: "bob", content: "Owns a cat called Miso" });
      expect(other.action).toBe("created");
      // Another scope is another collection.
      expect((await memory.modelMemory.add({ userId: "bob", content: "Likes green tea", scope: "/crew/researcher" })).action).toBe("created");
      expect(await memory.modelMemory.list({ userId: "bob", scope: "/crew" })).toHaveLength(1);
      expect(await memory.modelMemory.list({ userId: "bob" })).toHaveLength(3);
    });

    it("near-duplicates by embedding when an embedder is configured", async () => {
      const withVectors = await open({ embedder: createHashingEmbedder() });
      const first = await withVectors.modelMemory.add({ userId: "ada", content: "Lives in Lisbon near the river" });
      // The hashing embedder puts texts with the same words in the same direction.
      const same = await withVectors.modelMemory.add({ userId: "ada", content: "Lives near the river in Lisbon!" });
      expect(same).toMatchObject({ action: "updated", entry: { memoryId: first.entry.memoryId } });
      expect((await withVectors.modelMemory.add({ userId: "ada", content: "Works as a nurse" })).action).toBe("created");
      const hits = await withVectors.modelMemory.search({ userId: "ada", query: "which river is near home" });
      expect(hits[0]?.memoryId).toBe(first.entry.memoryId);
    });

    it("saves one entry when many processes save the same fact at once", async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => memory.saveToModelMemory({ userId: "carol", content: "Is vegetarian" })));
      expect(results.filter((result) => result.action === "created")).toHaveLength(1);
      expect(new Set(results.map((result) => result.entry.memoryId)).size).toBe(1);
      expect(await memory.modelMemory.list({ userId: "carol" })).toHaveLength(1);
    });

    it("promotes a logged message with its source, made by the model", async () => {
      await memory.append({ userId: "dan", conversationId: "c1", id: "m1", role: "user", content: "I am allergic to peanuts." });
      const { entry } = await memory.saveToModelMemory({ userId: "dan", conversationId: "c1", messageId: "m1", category: "health", importance: 1 });
      expect(entry).toMatchObject({ content: "I am allergic to peanuts.", source: { conversationId: "c1", messageId: "m1" }, createdBy: "model" });
      await expect(memory.saveToModelMemory({ userId: "dan", conversationId: "c1", messageId: "nope" })).rejects.toBeInstanceOf(NotFoundError);
    });

    it("retrieves user info by relevance and importance, or as a digest", async () => {
      const userId = "erin";
      await memory.modelMemory.add({ userId, content: "Allergic to peanuts", category: "health", importance: 1 });
      await memory.modelMemory.add({ userId, content: "Likes peanuts in stories about elephants", importance: 0.1 });
      await memory.modelMemory.add({ userId, content: "Has two daughters", category: "family", importance: 0.8 });
      const food = await memory.retrieveUserInfo({ userId, query: "peanuts" });
      expect(food.entries[0]?.content).toBe("Allergic to peanuts");
      expect(food.entries.map((entry) => entry.content)).not.toContain("Has two daughters");
      const digest = await memory.retrieveUserInfo({ userId });
      expect(digest.digest.split("\n")).toEqual([
        "- [health] Allergic to peanuts",
        "- [family] Has two daughters",
        "- Likes peanuts in stories about elephants",
      ]);
      const [entry] = await memory.modelMemory.list({ userId, limit: 1 });
      expect(entry?.lastAccessedAt).toBeInstanceOf(Date);
    });

    it("keeps users apart", async () => {
      const { entry } = await memory.modelMemory.add({ userId: "frank", content: "Secret: plays the tuba" });
      expect(await memory.modelMemory.search({ userId: "gina", query: "tuba" })).toEqual([]);
      expect(await memory.modelMemory.get({ userId: "gina", memoryId: entry.memoryId })).toBeUndefined();
      await expect(memory.modelMemory.update({ userId: "gina", memoryId: entry.memoryId, content: "hacked" })).rejects.toBeInstanceOf(NotFoundError);
      expect(await memory.modelMemory.delete({ userId: "gina", memoryId: entry.memoryId })).toBe(false);
      expect((await memory.modelMemory.get({ userId: "frank", memoryId: entry.memoryId }))?.content).toBe("Secret: plays the tuba");
    });

    it("rejects bad input with a typed error and writes nothing", async () => {
      const bad: unknown[] = [
        { userId: "hal", content: "" },
        { userId: "hal", content: "a\u0000b" },
        { userId: "hal", content: "x", importance: 2 },
        { userId: "hal", content: "x", scope: "/a/../b" },
        { userId: "hal", content: "x", scope: "/a%" },
        { userId: "hal", content: "x", metadata: { deep: "\ud800" } },
        { userId: "", content: "x" },
      ];
      for (const input of bad) {
        await expect(memory.modelMemory.add(input as never)).rejects.toBeInstanceOf(InvalidInputError);
      }
      await expect(memory.modelMemory.update({ userId: "hal", memoryId: "not-a-uuid" })).rejects.toBeInstanceOf(InvalidInputError);
      expect(await memory.modelMemory.list({ userId: "hal" })).toEqual([]);
    });

    it("refuses an update that would duplicate another entry", async () => {
      await memory.modelMemory.add({ userId: "ivy", content: "Drinks coffee black" });
      const { entry } = await memory.modelMemory.add({ userId: "ivy", content: "Runs marathons" });
      await expect(memory.modelMemory.update({ userId: "ivy", memoryId: entry.memoryId, content: "drinks coffee black" })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect((await memory.modelMemory.get({ userId: "ivy", memoryId: entry.memoryId }))?.version).toBe(1);
    });
  });
});
