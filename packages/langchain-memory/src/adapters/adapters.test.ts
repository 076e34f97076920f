import { AIMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { createMemory, createTiktokenCounter, defaultSummaryInstructions, InvalidInputError, type Memory } from "@mnemo/core";
import { createHashingEmbedder, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizerFromChatModel } from "./chat-model-summarizer.js";
import { embedderFromLangChain, MnemoEmbeddings } from "./langchain-embeddings.js";

describe("MnemoEmbeddings", () => {
  it("gives LangChain the Mnemo embedder's vectors", async () => {
    const embedder = createHashingEmbedder(32);
    const embeddings = new MnemoEmbeddings({ embedder });
    expect(await embeddings.embedDocuments(["hotel in Lisbon", "green tea"])).toEqual(await embedder.embedDocuments(["hotel in Lisbon", "green tea"]));
    expect(await embeddings.embedQuery("hotel")).toEqual(await embedder.embedQuery("hotel"));
  });
});

describe("summarizerFromChatModel", () => {
  it("sends the instructions and the transcript, and returns the model's answer", async () => {
    const model = fakeModel().respond(new AIMessage("Ada booked the Memmo Alfama."));
    const summarizer = summarizerFromChatModel(model);
    const summary = await summarizer.summarize({
      previousSummary: "Ada plans a trip.",
      messages: [
        { role: "user", content: "Book the Memmo Alfama." },
        { role: "assistant", content: "Booked." },
      ],
      maxTokens: 50,
      counter: createTiktokenCounter("o200k_base"),
    });
    expect(summary).toBe("Ada booked the Memmo Alfama.");
    expect(summarizer.id).toBe(`langchain:${model._llmType()}`);
    const [system, prompt] = model.calls[0]?.messages ?? [];
    expect(system?.content).toBe(defaultSummaryInstructions);
    expect(prompt?.content).toContain("Previous summary:\nAda plans a trip.");
    expect(prompt?.content).toContain("User: Book the Memmo Alfama.\nAssistant: Booked.");
    expect(prompt?.content).toContain("at most 50 tokens");
  });

  it("rejects a blank answer with InvalidInputError", async () => {
    const summarizer = summarizerFromChatModel(fakeModel().respond(new AIMessage("  ")), { id: "blank" });
    const request = { messages: [{ role: "user" as const, content: "Hello" }], maxTokens: 20, counter: createTiktokenCounter("o200k_base") };
    await expect(summarizer.summarize(request)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
  });
});

describe.each(testEngines())("LangChain models inside Mnemo on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  const model = fakeModel();

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    // A LangChain Embeddings (here Mnemo's test embedder behind LangChain's class) used as Mnemo's embedder: both directions at once.
    const embedder = await embedderFromLangChain(new MnemoEmbeddings({ embedder: createHashingEmbedder(24) }), { id: "langchain:hashing:24" });
    for (let fold = 0; fold < 5; fold++) model.respond(new AIMessage(`Summary ${fold}: the user compared hotel options.`));
    memory = await createMemory({
      database: opened.database,
      schema: opened.newSchema(),
      embedder,
      summarizer: summarizerFromChatModel(model, { id: "fake" }),
    });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("embeds with a LangChain Embeddings and summarises with a LangChain chat model", async () => {
      expect(memory.embedder?.dimensions).toBe(24);
      const turns = Array.from({ length: 30 }, (_, index) => ({
        userId: "ada",
        conversationId: "hotels",
        role: index % 2 === 0 ? ("user" as const) : ("assistant" as const),
        content: `Turn ${index}: hotel option ${index} near the river costs ${100 + index} euros per night.`,
      }));
      await memory.appendMany(turns);
      const hits = await memory.search({ userId: "ada", query: turns[7]?.content as string, mode: "vector", limit: 3, neighbourShare: 0 });
      // The exact text is its own nearest neighbour.
      expect(hits[0]?.content).toBe(turns[7]?.content);
      const context = await memory.buildContext({ userId: "ada", conversationId: "hotels", maxTokens: 500, retrieval: false });
      expect(context.summary.status).toBe("summarized");
      expect(context.messages[0]?.content).toContain("the user compared hotel options.");
      expect(model.calls.length).toBeGreaterThan(0);
    });
  });
});
