import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemory, type MemoryOptions } from "../memory/create-memory.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

// Three topics, three conversations each, in words that do not overlap between topics.
const subjects: Record<string, string[]> = {
  garden: ["tomatoes need compost and sunlight", "pruning roses in spring compost", "watering tomatoes every morning sunlight"],
  travel: ["flight to lisbon and hotel booking", "lisbon hotel near the river", "train tickets from lisbon to porto flight"],
  database: ["postgresql vacuum and replica lag", "index bloat on the postgresql replica", "vacuum settings for postgresql tables"],
};

describe.each(testEngines())("topics on $name", (engine) => {
  let opened: OpenTestEngine;
  const open = (options: MemoryOptions = {}) => createMemory({ database: opened.database, schema: opened.newSchema(), ...options });
  const load = async (memory: Awaited<ReturnType<typeof open>>) => {
    for (const [subject, texts] of Object.entries(subjects)) {
      for (const [index, text] of texts.entries()) {
        await memory.appendMany([
          { userId: "ada", conversationId: `${subject}-${index}`, role: "user", content: `Question: ${text}?` },
          { userId: "ada", conversationId: `${subject}-${index}`, role: "assistant", content: `Answer about ${text}.` },
        ]);
      }
    }
    await memory.append({ userId: "bob", conversationId: "other", role: "user", content: "unrelated words entirely" });
  };

  beforeAll(async () => {
    if (engine.available) opened = await engine.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    for (const representation of ["embeddings", "keywords"] as const) {
      it(`groups a user's conversations by topic from ${representation}, with keywords, estimating k`, async () => {
        const memory = await open(representation === "embeddings" ? { embedder: createHashingEmbedder(256) } : {});
        await load(memory);
        const result = await memory.topics({ userId: "ada" });
        expect(result.representation).toBe(representation);
        expect(result.k).toBe(3);
        const groups = result.topics.map((topic) => topic.conversations.map((c) => c.conversationId.split("-")[0]));
        for (const group of groups) expect(new Set(group).size).toBe(1);
        expect(groups.map((group) => group[0]).sort()).toEqual(["database", "garden", "travel"]);
        const travel = result.topics.find((topic) => topic.conversations[0]?.conversationId.startsWith("travel"));
        expect(travel?.keywords).toContain("lisbon");
        expect((await memory.topics({ userId: "ada", k: 2 })).topics).toHaveLength(2);
        expect(await memory.topics({ userId: "nobody" })).toMatchObject({ k: 0, topics: [] });
      });
    }
  });
});
