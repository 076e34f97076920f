import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../errors/conflict-error.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MigrationError } from "../errors/migration-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import type { MessageInput } from "../ingest/message-input.js";
import { migrate } from "../store/migrate.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { createMemory, type MemoryOptions } from "./create-memory.js";
import type { Memory } from "./memory.js";

const longText = Array.from({ length: 400 }, (_, index) => `Sentence ${index} says something about PostgreSQL memory 🧠 and 記憶.`).join(" ");

describe.each(testEngines())("Memory contract on $name", (engine) => {
  let opened: OpenTestEngine;
  const open = (options: MemoryOptions = {}) => createMemory({ database: opened.database, schema: opened.newSchema(), ...options });
  const message = (overrides: Partial<MessageInput> = {}): MessageInput => ({
    userId: "ada",
    conversationId: "c1",
    role: "user",
    content: "Hello there",
    ...overrides,
  });

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

    it("appends messages with gap-free sequence numbers and reads them back in order", async () => {
      const results = await memory.appendMany([
        message({ conversationId: "order", content: "first" }),
        message({ conversationId: "order", role: "assistant", content: "second" }),
        message({ conversationId: "order", role: "tool", name: "search", content: "third", metadata: { tool_call_id: "t1", nested: { a: [1, 2] } } }),
      ]);
      expect(results.map((result) => [result.seq, result.created])).toEqual([
        [1, true],
        [2, true],
        [3, true],
      ]);
      const history = await memory.history({ userId: "ada", conversationId: "order", last: 10 });
      expect(history.map((stored) => [stored.seq, stored.role, stored.content])).toEqual([
        [1, "user", "first"],
        [2, "assistant", "second"],
        [3, "tool", "third"],
      ]);
      expect(history[2]?.name).toBe("search");
      expect(history[2]?.metadata).toEqual({ tool_call_id: "t1", nested: { a: [1, 2] } });
      expect(history[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(history[0]?.tokenCount).toBe(memory.tokenizer.count("first"));
    });

    it("splits a long message into token-sized pieces and rebuilds it exactly", async () => {
      const stored = await memory.append(message({ conversationId: "long", content: longText, id: "long-1" }));
      expect(stored.pieceCount).toBeGreaterThan(1);
      expect(stored.tokenCount).toBe(memory.tokenizer.count(longText));
      const read = await memory.getMessage({ userId: "ada", conversationId: "long", id: "long-1" });
      expect(read?.content).toBe(longText);
      expect(read?.pieceCount).toBe(stored.pieceCount);
      const [last] = await memory.history({ userId: "ada", conversationId: "long", last: 1 });
      expect(last?.content).toBe(longText);
    });

    it("stores content in NFC", async () => {
      const stored = await memory.append(message({ conversationId: "nfc", content: "Cafe\u0301" }));
      expect(stored.content).toBe("Café");
    });

    it("treats a repeated id as a no-op and a reused id with other content as a conflict", async () => {
      const first = await memory.append(message({ conversationId: "ids", id: "m1", content: "same" }));
      const again = await memory.append(message({ conversationId: "ids", id: "m1", content: "same" }));
      expect(again.created).toBe(false);
      expect(again.seq).toBe(first.seq);
      expect(again.createdAt).toEqual(first.createdAt);
      await expect(memory.append(message({ conversationId: "ids", id: "m1", content: "different" }))).rejects.toSatisfy(ConflictError.isInstance);
      expect((await memory.stats({ userId: "ada", conversationId: "ids" })).messages).toBe(1);
    });

    it("deduplicates by content by default, and keeps repeats with dedupe: 'id'", async () => {
      await memory.append(message({ conversationId: "dedupe", content: "ok" }));
      const repeat = await memory.append(message({ conversationId: "dedupe", content: "ok" }));
      expect(repeat.created).toBe(false);
      const later = await memory.append(message({ conversationId: "dedupe", content: "ok", createdAt: "2024-01-01T00:00:00Z" }));
      expect(later.created).toBe(true);
      const kept = await memory.append(message({ conversationId: "dedupe", content: "ok", dedupe: "id" }));
      expect(kept.created).toBe(true);
      expect(kept.seq).toBe(3);
      const batch = await memory.appendMany([message({ conversationId: "dedupe2", content: "x" }), message({ conversationId: "dedupe2", content: "x" })]);
      expect(batch.map((result) => [result.seq, result.created])).toEqual([
        [1, true],
        [1, true],
      ]);
      expect((await memory.stats({ userId: "ada", conversationId: "dedupe2" })).messages).toBe(1);
    });

    it("re-importing the same batch adds nothing", async () => {
      const batch = Array.from({ length: 20 }, (_, index) =>
        message({ conversationId: `import-${index % 3}`, content: `turn ${index}`, createdAt: new Date(Date.UTC(2024, 0, 1, 0, index)) }),
      );
      await memory.appendMany(batch);
      const before = await memory.stats({ userId: "ada" });
      const again = await memory.appendMany(batch);
      expect(again.every((result) => !result.created)).toBe(true);
      expect(await memory.stats({ userId: "ada" })).toEqual(before);
    });

    it("reads the last N, after a sequence number, and after a time", async () => {
      const base = Date.UTC(2024, 5, 1);
      await memory.appendMany(
        Array.from({ length: 10 }, (_, index) => message({ conversationId: "reads", content: `m${index + 1}`, createdAt: new Date(base + index * 60_000) })),
      );
      const contents = (list: { content: string }[]) => list.map((stored) => stored.content);
      expect(contents(await memory.history({ userId: "ada", conversationId: "reads", last: 3 }))).toEqual(["m8", "m9", "m10"]);
      expect(contents(await memory.history({ userId: "ada", conversationId: "reads", afterSeq: 7 }))).toEqual(["m8", "m9", "m10"]);
      expect(contents(await memory.history({ userId: "ada", conversationId: "reads", afterSeq: 2, limit: 2 }))).toEqual(["m3", "m4"]);
      expect(contents(await memory.history({ userId: "ada", conversationId: "reads", after: new Date(base + 8 * 60_000) }))).toEqual(["m10"]);
      expect(await memory.history({ userId: "ada", conversationId: "nope", last: 5 })).toEqual([]);
    });

    it("lists conversations most recent first with totals, and reports statistics", async () => {
      const fresh = await open();
      await fresh.appendMany([
        message({ conversationId: "old", content: "a b c", createdAt: "2023-01-01T00:00:00Z" }),
        message({ conversationId: "new", content: "d e", role: "assistant", createdAt: "2024-01-01T00:00:00Z" }),
        message({ conversationId: "new", content: "f", createdAt: "2024-01-02T00:00:00Z" }),
      ]);
      const list = await fresh.conversations({ userId: "ada" });
      expect(list.map((conversation) => [conversation.conversationId, conversation.messageCount])).toEqual([
        ["new", 2],
        ["old", 1],
      ]);
      expect(list[0]?.tokenCount).toBe(fresh.tokenizer.count("d e") + fresh.tokenizer.count("f"));
      const stats = await fresh.stats({ userId: "ada" });
      expect(stats).toMatchObject({ conversations: 2, messages: 3, pieces: 3, summaries: 0 });
      expect(stats.byRole.assistant?.messages).toBe(1);
      expect(stats.firstMessageAt).toEqual(new Date("2023-01-01T00:00:00Z"));
      expect((await fresh.stats({ userId: "ada", conversationId: "new" })).messages).toBe(2);
      await fresh.close();
    });

    it("keeps users apart, deletes a conversation, and deletes a user with everything of theirs", async () => {
      const fresh = await open();
      await fresh.appendMany([message({ conversationId: "shared", content: "ada's" }), message({ userId: "bob", conversationId: "shared", content: "bob's" })]);
      expect((await fresh.history({ userId: "bob", conversationId: "shared", last: 10 })).map((stored) => stored.content)).toEqual(["bob's"]);
      expect(await fresh.deleteConversation({ userId: "bob", conversationId: "shared" })).toBe(true);
      expect(await fresh.deleteConversation({ userId: "bob", conversationId: "shared" })).toBe(false);
      expect((await fresh.history({ userId: "ada", conversationId: "shared", last: 10 })).length).toBe(1);
      expect(await fresh.deleteUser({ userId: "ada" })).toBe(true);
      expect(await fresh.stats({ userId: "ada" })).toMatchObject({ conversations: 0, messages: 0 });
      await fresh.close();
    });

    describe("bad input gets a typed error and writes nothing", () => {
      const cases: [string, Partial<MessageInput> | Record<string, unknown>, string][] = [
        ["empty content", { content: "" }, "0.content"],
        ["blank content", { content: "  \n " }, "0.content"],
        ["U+0000", { content: "a\u0000b" }, "0.content"],
        ["a lone surrogate", { content: "a\ud800b" }, "0.content"],
        ["an unknown role", { role: "robot" }, "0.role"],
        ["a missing user", { userId: "" }, "0.userId"],
        ["metadata with U+0000", { metadata: { "k\u0000": 1 } }, "0.metadata"],
        ["metadata that is not JSON", { metadata: { when: new Date() } }, "0.metadata"],
        ["a bad time", { createdAt: "yesterday" }, "0.createdAt"],
        ["content over the limit", { content: "x".repeat(2_001) }, "0.content"],
      ];
      it.each(cases)("%s", async (_label, overrides, path) => {
        const fresh = await open({ limits: { maxContentLength: 2_000 } });
        const error = await fresh.append(message({ conversationId: "bad", ...(overrides as Partial<MessageInput>) })).catch((caught) => caught);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).code).toBe("invalid_input");
        expect((error as InvalidInputError).issues.map((issue) => issue.path)).toContain(path);
        expect(await fresh.stats({ userId: "ada" })).toMatchObject({ conversations: 0, messages: 0 });
        await fresh.close();
      });

      it("a batch with one bad message writes none of it", async () => {
        const fresh = await open();
        const batch = [message({ content: "fine" }), message({ content: "also fine" }), message({ content: "bad\u0000" })];
        await expect(fresh.appendMany(batch)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error) && error.issues[0]?.path === "2.content");
        expect((await fresh.stats({ userId: "ada" })).messages).toBe(0);
        expect(await fresh.conversations({ userId: "ada" })).toEqual([]);
        await fresh.close();
      });

      it("rejects bad read arguments", async () => {
        await expect(memory.history({ userId: "ada", conversationId: "c1", last: -1 })).rejects.toSatisfy(InvalidInputError.isInstance);
        await expect(memory.conversations({ userId: "" })).rejects.toSatisfy(InvalidInputError.isInstance);
      });
    });

    it("migrates once when two processes start together, and refuses a changed migration", async () => {
      const schema = opened.newSchema();
      const [a, b] = await Promise.all([createMemory({ database: opened.database, schema }), createMemory({ database: opened.database, schema })]);
      await a.close();
      await b.close();
      const { openDriver } = await import("../driver/open-driver.js");
      const driver = await openDriver(opened.database);
      expect((await migrate(driver, schema)).applied).toEqual([]);
      const changed = [{ version: 1, name: "data model", sql: () => "SELECT 1" }];
      const error = await migrate(driver, schema, changed).catch((caught) => caught);
      expect(MigrationError.isInstance(error)).toBe(true);
      expect(MnemoError.isInstance(error)).toBe(true);
      await driver.close();
    });

    it("close() is idempotent and leaves a database handle it was given open", async () => {
      const fresh = await open();
      await fresh.close();
      await fresh.close();
      const probe = await open();
      expect((await probe.append(message({ content: "still open" }))).created).toBe(true);
      await probe.close();
    });
  });
});
