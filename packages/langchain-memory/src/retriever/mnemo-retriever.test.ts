import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { createHashingEmbedder, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoChatMessageHistory } from "../chat-message-history.js";
import { MnemoRetriever } from "./mnemo-retriever.js";

describe.each(testEngines())("MnemoRetriever on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema(), embedder: createHashingEmbedder(64) });
    await new MnemoChatMessageHistory({ memory, userId: "ada", sessionId: "lisbon" }).addMessages([
      new HumanMessage({ content: "Find me a quiet hotel in Lisbon.", id: "m1" }),
      new AIMessage({ content: "The Memmo Alfama hotel in Lisbon is quiet.", id: "m2" }),
    ]);
    await memory.appendMany([
      { userId: "ada", conversationId: "work", role: "user", content: "The Lisbon office opens in May.", metadata: { project: "expansion" } },
      { userId: "ada", conversationId: "work", role: "assistant", content: "Noted: Lisbon office, May.", metadata: { project: "other" } },
      { userId: "bob", conversationId: "lisbon", role: "user", content: "Bob's secret Lisbon hotel plan." },
    ]);
    await memory.modelMemory.add({ userId: "ada", content: "Prefers quiet hotels in Lisbon", category: "travel", importance: 0.9, scope: "/travel" });
    await memory.modelMemory.add({ userId: "ada", content: "Works on the Lisbon expansion", category: "work", scope: "/work" });
    await memory.documents.add({
      userId: "ada",
      title: "Lisbon guide",
      source: "https://example.com/lisbon.md",
      content: "# Hotels\n\nLisbon hotels near Alfama are quiet at night.",
    });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("returns conversation pieces with ids, scores and source metadata, never another user's", async () => {
      const documents = await new MnemoRetriever({ memory, userId: "ada", k: 10 }).invoke("Lisbon hotel");
      expect(documents.length).toBe(4);
      expect(documents.every((document) => document.metadata.sourceType === "conversation")).toBe(true);
      expect(documents.map((document) => document.pageContent).join(" ")).not.toContain("Bob");
      const hotel = documents.find((document) => document.id === "lisbon/m2#0");
      expect(hotel?.pageContent).toBe("The Memmo Alfama hotel in Lisbon is quiet.");
      expect(hotel?.metadata).toMatchObject({ source: "conversation:lisbon", conversationId: "lisbon", messageId: "m2", role: "assistant", chunkIndex: 0 });
      expect(hotel?.metadata.score).toBeGreaterThan(0);
      // The serialized LangChain message is left out of the document's metadata.
      expect(hotel?.metadata.messageMetadata).toEqual({});
      expect(documents.map((document) => document.metadata.rank)).toEqual([1, 2, 3, 4]);
    });

    it("applies Mnemo's conversation filters", async () => {
      const byConversation = await new MnemoRetriever({ memory, userId: "ada", k: 10, conversations: { conversationIds: ["work"] } }).invoke("Lisbon");
      expect(byConversation.map((document) => document.metadata.conversationId)).toEqual(["work", "work"]);
      const byMetadata = await new MnemoRetriever({ memory, userId: "ada", k: 10, conversations: { metadata: { project: "expansion" } } }).invoke("Lisbon");
      expect(byMetadata.map((document) => document.pageContent)).toEqual(["The Lisbon office opens in May."]);
      const byRole = await new MnemoRetriever({ memory, userId: "ada", k: 10, conversations: { roles: ["assistant"], mode: "lexical" } }).invoke("Lisbon");
      expect(byRole.map((document) => document.metadata.role)).toEqual(["assistant", "assistant"]);
    });

    it("searches model memory and reference documents, interleaved by rank", async () => {
      const retriever = new MnemoRetriever({ memory, userId: "ada", k: 3, sources: ["conversations", "memories", "documents"] });
      const documents = await retriever.invoke("quiet hotel Lisbon");
      expect(documents.map((document) => document.metadata.sourceType)).toEqual(["conversation", "memory", "document"]);
      const [, fact, chunk] = documents;
      expect(fact?.pageContent).toBe("Prefers quiet hotels in Lisbon");
      expect(fact?.metadata).toMatchObject({ source: "memory:/travel", category: "travel", importance: 0.9, scope: "/travel" });
      expect(fact?.id).toBe(fact?.metadata.memoryId);
      expect(chunk?.pageContent).toContain("near Alfama are quiet");
      expect(chunk?.metadata).toMatchObject({ source: "https://example.com/lisbon.md", title: "Lisbon guide" });
      expect(chunk?.metadata.heading).toEqual(expect.any(String));
      expect(chunk?.id).toBe(`${chunk?.metadata.documentId}#0`);
    });

    it("filters model memory by scope", async () => {
      const documents = await new MnemoRetriever({ memory, userId: "ada", k: 5, sources: ["memories"], memories: { scope: "/work" } }).invoke("Lisbon");
      expect(documents.map((document) => document.pageContent)).toEqual(["Works on the Lisbon expansion"]);
    });

    it("rejects bad options with InvalidInputError", () => {
      expect(() => new MnemoRetriever({ memory, userId: "ada", k: 0 })).toThrow(InvalidInputError);
      expect(() => new MnemoRetriever({ memory, userId: "ada", sources: [] })).toThrow(InvalidInputError);
      expect(() => new MnemoRetriever({ memory, userId: "ada", sources: ["web" as "documents"] })).toThrow(InvalidInputError);
    });
  });
});
