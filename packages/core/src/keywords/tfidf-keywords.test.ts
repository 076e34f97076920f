import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { englishStopWords } from "../search/stop-words.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { keybertKeywords } from "./keybert.js";
import { termFrequencies } from "./tfidf-keywords.js";

const messages = [
  "The Memmo Alfama hotel in Lisbon has a quiet terrace.",
  "Lisbon trams are old; tram 28 climbs to Alfama.",
  "Book the Memmo hotel for May, and the hotel shuttle too.",
  "Our PostgreSQL replica lag grows during the backfill.",
];

/** The TF-IDF reference: lower-cased words without stop words and numbers, df over the user's messages. */
function expectedKeywords(index: number, top: number): string[] {
  const words = (text: string) =>
    (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !/^\d+$/.test(w) && !englishStopWords.includes(w));
  // (The reference splits on anything but letters and digits; the test texts have no apostrophes or hyphens.)
  const df = (term: string) => messages.filter((message) => words(message).includes(term)).length;
  const own = words(messages[index] as string);
  return [...new Set(own)]
    .map((term) => ({ term, score: (1 + Math.log(own.filter((w) => w === term).length)) * Math.log(1 + messages.length / df(term)) }))
    .sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : 1))
    .slice(0, top)
    .map((entry) => entry.term);
}

describe.each(testEngines())("TF-IDF keywords on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema(), keywords: { top: 3 } });
    // Two batches: document frequencies accumulate across writes.
    await memory.appendMany(messages.slice(0, 2).map((content) => ({ userId: "ada", conversationId: "trip", role: "user" as const, content })));
    await memory.appendMany(
      messages.slice(2).map((content, i) => ({ userId: "ada", conversationId: i === 0 ? "trip" : "db", role: "user" as const, content })),
    );
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("shows each message's top keywords in search results, scored as TF-IDF over the user's messages", async () => {
      const hit = (await memory.search({ userId: "ada", query: "backfill replica", limit: 1 }))[0];
      expect(hit?.content).toBe(messages[3]);
      // The last message was written after the others, so its df counts all four.
      expect(hit?.keywords).toEqual(expectedKeywords(3, 3));
      const shuttle = (await memory.search({ userId: "ada", query: "shuttle", limit: 1 }))[0];
      expect(shuttle?.keywords).toContain("hotel"); // tf 2 outweighs its df
    });

    it("filters search by keyword", async () => {
      const hotel = await memory.search({ userId: "ada", query: "hotel lisbon alfama", keywords: ["HOTEL"] });
      expect(hotel.length).toBeGreaterThan(0);
      for (const result of hotel) expect(result.keywords).toContain("hotel");
      expect(await memory.search({ userId: "ada", query: "hotel", keywords: ["no-such-keyword"] })).toEqual([]);
    });

    it("keeps document frequencies per user, and forgets a deleted conversation's words", async () => {
      await memory.append({ userId: "bob", conversationId: "x", role: "user", content: "backfill backfill replica" });
      const bob = (await memory.search({ userId: "bob", query: "backfill", limit: 1 }))[0];
      expect(bob?.keywords).toEqual(["backfill", "replica"]);
      await memory.deleteConversation({ userId: "ada", conversationId: "db" });
      await memory.append({ userId: "ada", conversationId: "later", role: "user", content: "replica replica lisbon" });
      // df(replica) is 1 again (the db conversation is gone), df(lisbon) is 2: replica ranks first.
      const later = (await memory.search({ userId: "ada", query: "replica", limit: 1 }))[0];
      expect(later?.keywords).toEqual(["replica", "lisbon"]);
    });

    it("stores KeyBERT phrases when asked, computed with the embedder before the write", async () => {
      const embedder = createHashingEmbedder();
      const keybert = await createMemory({ database: opened.database, schema: opened.newSchema(), embedder, keywords: { method: "keybert", top: 3 } });
      const text = "Please book the Memmo Alfama hotel in Lisbon for the first week of May.";
      await keybert.append({ userId: "ada", conversationId: "c", role: "user", content: text });
      const [hit] = await keybert.search({ userId: "ada", query: "Alfama" });
      const expected = (await keybertKeywords([{ text }], embedder, { top: 3 }))[0]?.map((keyword) => keyword.keyword);
      expect(hit?.keywords.sort()).toEqual(expected?.sort());
      expect(hit?.keywords.some((keyword) => keyword.includes(" "))).toBe(true);
      await expect(createMemory({ database: opened.database, schema: opened.newSchema(), keywords: { method: "keybert" } })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });

    it("stores no keywords with top 0", async () => {
      const none = await createMemory({ database: opened.database, schema: opened.newSchema(), keywords: { top: 0 } });
      await none.append({ userId: "ada", conversationId: "c", role: "user", content: "Memmo hotel" });
      expect((await none.search({ userId: "ada", query: "hotel" }))[0]?.keywords).toEqual([]);
    });
  });
});

describe("termFrequencies", () => {
  it("counts lower-cased words, keeping inner apostrophes and hyphens, without stop words, numbers or single letters", () => {
    const counts = termFrequencies("The HOTEL's roof-top bar, the hotel's pool; tram 28 and 3-4 x", new Set(["the", "and"]));
    expect(Object.fromEntries(counts)).toEqual({ "hotel's": 2, "roof-top": 1, bar: 1, pool: 1, tram: 1 });
  });
});
