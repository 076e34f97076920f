import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ChatMessage } from "@llamaindex/core/llms";
import { MockLLM } from "@llamaindex/core/llms/mock";
import { createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { ChatMemoryBuffer } from "llamaindex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoChatStore } from "./mnemo-chat-store.js";

const run = promisify(execFile);
const childScript = new URL("./read-chat-store.child.mjs", import.meta.url).pathname;

/** Reads a conversation back through ChatMemoryBuffer in a fresh Node process. */
async function readInChildProcess(database: string, schema: string, userId: string, key: string): Promise<ChatMessage[]> {
  const { stdout } = await run(process.execPath, [childScript, database, schema, userId, key], { timeout: 180_000 });
  return JSON.parse(stdout);
}

const turns = (count: number, prefix: string): ChatMessage[] =>
  Array.from({ length: count }, (_, index) => ({ role: index % 2 === 0 ? "user" : "assistant", content: `${prefix} turn ${index}` }));

describe.each(testEngines())("MnemoChatStore on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let schema: string;
  const store = (userId = "ada") => new MnemoChatStore({ memory, userId });
  const buffer = (chatStore: MnemoChatStore, chatStoreKey: string) =>
    new ChatMemoryBuffer({ chatStore, chatStoreKey, llm: new MockLLM(), tokenLimit: 100_000 });

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    schema = opened.newSchema();
    memory = await createMemory({ database: opened.database, schema });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("keeps every unawaited ChatMemoryBuffer put, in order, per key", async () => {
      const chatStore = store();
      const trip = buffer(chatStore, "trip");
      const work = buffer(chatStore, "work");
      const tripTurns = turns(30, "trip");
      const workTurns = turns(30, "work");
      tripTurns.forEach((message, index) => {
        trip.put(message);
        work.put(workTurns[index] as ChatMessage);
      });
      expect(await trip.getAllMessages()).toEqual(tripTurns);
      expect(await work.getAllMessages()).toEqual(workTurns);
      const stored = await memory.history({ userId: "ada", conversationId: "trip", last: 100 });
      expect(stored.map((message) => [message.seq, message.role, message.content])).toEqual(
        tripTurns.map((message, index) => [index + 1, message.role, message.content]),
      );
    });

    it("reads the same conversation back in a fresh process", async () => {
      const chatStore = store("grace");
      const chat = buffer(chatStore, "handover");
      const written = turns(12, "handover");
      for (const message of written) chat.put(message);
      await chatStore.flush();
      const database = engine.name === "postgres" ? (process.env.DATABASE_URL as string) : undefined;
      if (database) {
        expect(await readInChildProcess(database, schema, "grace", "handover")).toEqual(written);
        return;
      }
      // PGlite in memory cannot be shared with another process: the same flow on a data directory.
      const dataDir = await mkdtemp(join(tmpdir(), "mnemo-chat-store-"));
      try {
        const onDisk = await createMemory({ database: { dataDir } });
        const diskStore = new MnemoChatStore({ memory: onDisk, userId: "grace" });
        const diskChat = buffer(diskStore, "handover");
        for (const message of written) diskChat.put(message);
        await diskStore.close();
        await onDisk.close();
        expect(await readInChildProcess(dataDir, "mnemo", "grace", "handover")).toEqual(written);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 300_000);

    it("round-trips content parts, options and every role exactly", async () => {
      const chatStore = store();
      const messages: ChatMessage[] = [
        { role: "system", content: "You are a travel agent." },
        { role: "developer", content: "Answer in one sentence." },
        {
          role: "user",
          content: [
            { type: "text", text: "Is this the view?" },
            { type: "image_url", image_url: { url: "https://example.com/v.png" } },
          ],
        },
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/terrace.png" } }] },
        { role: "assistant", content: "", options: { toolCall: [{ id: "call_1", name: "search", input: { city: "Lisbon", quiet: true } }] } },
        { role: "memory", content: "Ada prefers quiet rooms." },
        { role: "user", content: "Cafe\u0301 with a view" },
        { role: "user", content: "ok" },
        { role: "user", content: "ok" },
      ];
      for (const message of messages) chatStore.addMessage("exact", message);
      expect(await chatStore.getMessages("exact")).toEqual(messages);
      const stored = await memory.history({ userId: "ada", conversationId: "exact", last: 20 });
      expect(stored.map((message) => [message.role, message.content])).toEqual([
        ["system", "You are a travel agent."],
        ["system", "Answer in one sentence."],
        ["user", "Is this the view?"],
        ["user", "[image_url]"],
        ["assistant", "[empty message]"],
        ["system", "Ada prefers quiet rooms."],
        ["user", "Café with a view"],
        ["user", "ok"],
        ["user", "ok"],
      ]);
    });

    it("behaves like SimpleChatStore for set, insert at an index, delete one, delete all and keys", async () => {
      const { SimpleChatStore } = await import("@llamaindex/core/storage/chat-store");
      const chatStore = new MnemoChatStore({ memory, userId: "keys-user" });
      const reference = new SimpleChatStore();
      const [a, b, c, d] = turns(4, "edit") as [ChatMessage, ChatMessage, ChatMessage, ChatMessage];
      for (const target of [chatStore, reference]) {
        target.setMessages("k", [a, b]);
        target.setMessages("k", [a, b, c]);
        target.addMessage("k", d, 1);
        target.deleteMessage("k", 0);
        target.deleteMessage("k", 10);
        target.setMessages("other", [c]);
        target.setMessages("gone", [a]);
        target.deleteMessages("gone");
      }
      expect(await chatStore.getMessages("k")).toEqual(reference.getMessages("k"));
      expect(await chatStore.getMessages("k")).toEqual([d, b, c]);
      expect(await chatStore.getMessages("gone")).toEqual([]);
      expect([...(await chatStore.getKeys())].sort()).toEqual([...reference.getKeys()].sort());
    });

    it("appends only the new tail when set extends what is stored", async () => {
      const chatStore = store();
      const [a, b, c] = turns(3, "tail") as [ChatMessage, ChatMessage, ChatMessage];
      chatStore.setMessages("tail", [a, b]);
      const before = await memory.history({ userId: "ada", conversationId: "tail", last: 10 });
      chatStore.setMessages("tail", [a, b, c]);
      const after = await memory.history({ userId: "ada", conversationId: "tail", last: 10 });
      expect(await chatStore.getMessages("tail")).toEqual([a, b, c]);
      expect(after.slice(0, 2).map((message) => message.id)).toEqual(before.map((message) => message.id));
    });

    it("throws a failed write at the next read, keeps the writes after it, and then reads normally", async () => {
      const errors: unknown[] = [];
      const chatStore = new MnemoChatStore({ memory, userId: "ada", onError: (error) => errors.push(error) });
      chatStore.addMessage("failing", { role: "user", content: "before" });
      await chatStore.flush();
      chatStore.addMessage("failing", { role: "user", content: "broken \u0000 text" });
      chatStore.addMessage("failing", { role: "assistant", content: "after" });
      chatStore.addMessage("fine", { role: "user", content: "unaffected" });
      await expect(chatStore.getMessages("failing")).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      expect(errors).toHaveLength(1);
      expect(await chatStore.getMessages("failing")).toEqual([
        { role: "user", content: "before" },
        { role: "assistant", content: "after" },
      ]);
      expect(await chatStore.getMessages("fine")).toEqual([{ role: "user", content: "unaffected" }]);
    });

    it("flushes on close and refuses writes after it", async () => {
      const chatStore = store();
      const chat = buffer(chatStore, "closing");
      chat.put({ role: "user", content: "last words" });
      await chatStore.close();
      expect((await memory.history({ userId: "ada", conversationId: "closing", last: 5 })).map((message) => message.content)).toEqual(["last words"]);
      expect(() => chat.put({ role: "user", content: "too late" })).toThrow(InvalidInputError);
      await chatStore.close();
    });

    it("keeps users apart", async () => {
      const ada = store("ada-iso");
      const bob = store("bob-iso");
      ada.addMessage("shared-key", { role: "user", content: "Ada's secret" });
      bob.addMessage("shared-key", { role: "user", content: "Bob's note" });
      expect(await ada.getMessages("shared-key")).toEqual([{ role: "user", content: "Ada's secret" }]);
      expect(await bob.getMessages("shared-key")).toEqual([{ role: "user", content: "Bob's note" }]);
      expect([...(await bob.getKeys())]).toEqual(["shared-key"]);
    });
  });
});
