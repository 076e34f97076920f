import { createMemory as createMnemo, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { ChatMemoryBuffer, ContextChatEngine, Document, loadMemory, MetadataMode, Settings, VectorStoreIndex } from "llamaindex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoChatStore } from "../chat-store/mnemo-chat-store.js";
import { MnemoEmbedding } from "../embeddings/mnemo-embedding.js";
import { loadSessionSnapshot, saveSessionSnapshot } from "../memory/session-snapshot.js";
import { RecordingLLM } from "../test-support/recording-llm.js";
import { sharedModelAvailable, sharedTestEmbedder } from "../test-support/shared-test-model.js";
import { MnemoVectorStore } from "../vector-store/mnemo-vector-store.js";

const documents = () => [
  new Document({
    id_: "hotel-guide",
    text: "The Memmo Alfama hotel in Lisbon has a rooftop swimming pool with a view over the river Tagus. Breakfast is served until eleven.",
    metadata: { kind: "guide", city: "Lisbon" },
  }),
  new Document({
    id_: "train-notes",
    text: "The train from Lisbon to Porto takes about three hours. Tickets are cheaper when bought a week ahead.",
    metadata: { kind: "notes", city: "Porto" },
  }),
  new Document({
    id_: "food-tips",
    text: "Pastel de nata is a custard tart. The best ones are eaten warm with cinnamon, near the monastery in Belém.",
    metadata: { kind: "guide", city: "Lisbon" },
  }),
];

describe.runIf(sharedModelAvailable).each(testEngines())("chat over documents with the real model on $name", (engine) => {
  let opened: OpenTestEngine;
  let database: OpenTestEngine["database"];
  let schema: string;
  let memory: Memory;
  let embedModel: MnemoEmbedding;
  const restartMnemo = async () => {
    await memory?.close();
    memory = await createMnemo({ database, schema });
  };

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    database = opened.database;
    schema = opened.newSchema();
    embedModel = new MnemoEmbedding(await sharedTestEmbedder());
    Settings.embedModel = embedModel;
    await restartMnemo();
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("ingests documents, answers through a query engine, chats for several turns, restarts and continues", async () => {
      const vectorStore = () => new MnemoVectorStore({ memory, userId: "ada", embedModel });
      const index = await VectorStoreIndex.fromVectorStore(vectorStore());
      for (const document of documents()) await index.insert(document);

      const retrieved = await index.asRetriever({ similarityTopK: 1 }).retrieve({ query: "Where can I swim on a roof?" });
      expect(retrieved.map((hit) => hit.node.sourceNode?.nodeId)).toEqual(["hotel-guide"]);
      expect(retrieved[0]?.node.metadata).toEqual({ kind: "guide", city: "Lisbon" });

      const llm = new RecordingLLM([
        "The Memmo Alfama has a rooftop pool.",
        "Hello Ada, nice to meet you.",
        "The pool is at the Memmo Alfama.",
        "About three hours.",
        "Your name is Ada, and you asked about the pool and the train.",
      ]);
      Settings.llm = llm;
      const answer = await index.asQueryEngine({ similarityTopK: 1 }).query({ query: "Which hotel has a rooftop pool?" });
      expect(answer.toString()).toBe("The Memmo Alfama has a rooftop pool.");
      expect(answer.sourceNodes?.map((hit) => hit.node.sourceNode?.nodeId)).toEqual(["hotel-guide"]);
      expect(llm.lastPrompt()).toContain("rooftop swimming pool");

      // Several turns through ContextChatEngine, with the history kept by ChatMemoryBuffer in Mnemo.
      const chat = async (engineRetriever: VectorStoreIndex, buffer: ChatMemoryBuffer, message: string) => {
        const chatEngine = new ContextChatEngine({ retriever: engineRetriever.asRetriever({ similarityTopK: 1 }), chatModel: llm });
        const response = await chatEngine.chat({ message, chatHistory: await buffer.getMessages() });
        buffer.put({ role: "user", content: message });
        buffer.put(response.message);
        return response;
      };
      let chatStore = new MnemoChatStore({ memory, userId: "ada" });
      let buffer = new ChatMemoryBuffer({ chatStore, chatStoreKey: "trip", llm, tokenLimit: 3_000 });
      await chat(index, buffer, "Hi, I'm Ada.");
      const second = await chat(index, buffer, "Is there a hotel with a pool on the roof?");
      expect(second.sourceNodes?.[0]?.node.sourceNode?.nodeId).toBe("hotel-guide");
      expect(llm.lastPrompt()).toContain("user: Hi, I'm Ada.");
      expect(llm.lastPrompt()).toContain("rooftop swimming pool");
      await chat(index, buffer, "How long is the train to Porto?");
      expect(llm.lastPrompt()).toContain("three hours");
      await chatStore.close();

      // Restart: a new Mnemo memory, store, index and buffer over the same database; the conversation goes on.
      await restartMnemo();
      const reopened = await VectorStoreIndex.fromVectorStore(vectorStore());
      chatStore = new MnemoChatStore({ memory, userId: "ada" });
      buffer = new ChatMemoryBuffer({ chatStore, chatStoreKey: "trip", llm, tokenLimit: 3_000 });
      expect((await buffer.getAllMessages()).map((message) => message.content)).toEqual([
        "Hi, I'm Ada.",
        "Hello Ada, nice to meet you.",
        "Is there a hotel with a pool on the roof?",
        "The pool is at the Memmo Alfama.",
        "How long is the train to Porto?",
        "About three hours.",
      ]);
      const last = await chat(reopened, buffer, "What is my name?");
      expect(last.message.content).toBe("Your name is Ada, and you asked about the pool and the train.");
      expect(llm.lastPrompt()).toContain("user: Hi, I'm Ada.");
      await chatStore.close();
      expect((await memory.history({ userId: "ada", conversationId: "trip", last: 20 })).map((message) => message.role)).toEqual([
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
      ]);

      // Deleting a source document removes its nodes from retrieval. `false`: the reopened index's in-memory
      // document store never saw the document (LlamaIndex 0.12.1's SimpleKVStore throws on an unknown collection).
      await reopened.deleteRefDoc("hotel-guide", false);
      const after = await reopened.asRetriever({ similarityTopK: 3 }).retrieve({ query: "rooftop pool" });
      expect(after.map((hit) => hit.node.sourceNode?.nodeId).sort()).toEqual(["food-tips", "train-notes"]);
      expect(after[0]?.node.getContent(MetadataMode.NONE)).not.toContain("rooftop");
    });

    it("chats with the newer Memory API, saved to Mnemo and loaded again after a restart", async () => {
      const index = await VectorStoreIndex.fromVectorStore(new MnemoVectorStore({ memory, userId: "ada", collection: "memory-api", embedModel }));
      for (const document of documents()) await index.insert(document);
      const llm = new RecordingLLM(["Try a pastel de nata in Belém.", "Warm, with cinnamon."]);
      const session = { memory, userId: "ada", sessionId: "food" };
      const chatMemory = loadMemory(await loadSessionSnapshot(session), { tokenLimit: 3_000 });
      const first = new ContextChatEngine({ retriever: index.asRetriever({ similarityTopK: 1 }), chatModel: llm, chatHistory: chatMemory });
      await first.chat({ message: "What sweet should I try in Lisbon?" });
      expect(llm.lastPrompt()).toContain("custard tart");
      await saveSessionSnapshot(chatMemory, session);

      await restartMnemo();
      const restored = loadMemory(await loadSessionSnapshot({ ...session, memory }), { tokenLimit: 3_000 });
      const second = new ContextChatEngine({ retriever: index.asRetriever({ similarityTopK: 1 }), chatModel: llm, chatHistory: restored });
      await second.chat({ message: "How should I eat it?" });
      expect(llm.lastPrompt()).toContain("user: What sweet should I try in Lisbon?");
      expect(llm.lastPrompt()).toContain("assistant: Try a pastel de nata in Belém.");
      await saveSessionSnapshot(restored, { ...session, memory });
      expect((await memory.history({ userId: "ada", conversationId: "food", last: 10 })).map((message) => message.content)).toEqual([
        "What sweet should I try in Lisbon?",
        "Try a pastel de nata in Belém.",
        "How should I eat it?",
        "Warm, with cinnamon.",
      ]);
    });
  });
});
