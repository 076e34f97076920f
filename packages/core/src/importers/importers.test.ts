import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDriver } from "../driver/open-driver.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { readChatGptExport } from "./chatgpt.js";
import { importConversations } from "./import-conversations.js";
import { readJsonl } from "./jsonl.js";
import { readLangChainPostgres } from "./langchain-postgres.js";
import { readLmStudioFolder } from "./lmstudio.js";

const fixtures = join(import.meta.dirname, "fixtures");

describe.each(testEngines())("importers on $name", (engine) => {
  let opened: OpenTestEngine;
  let temp: string;
  const memories: Memory[] = [];
  const open = async (options: Parameters<typeof createMemory>[0] = {}) => {
    const memory = await createMemory({ database: opened.database, schema: opened.newSchema(), ...options });
    memories.push(memory);
    return memory;
  };

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    temp = await mkdtemp(join(tmpdir(), "mnemo-import-"));
  });
  afterAll(async () => {
    for (const memory of memories) await memory.close();
    await opened?.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it.skipIf(!engine.available)("LM Studio: imports the selected versions with metadata, reports broken files, and a second run adds nothing", async () => {
    const memory = await open();
    const folder = join(fixtures, "lmstudio");
    const first = await importConversations(memory, { userId: "me", items: readLmStudioFolder(folder) });
    expect(first.conversations).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 0 });
    expect(first.messages).toEqual({ added: 8, existing: 0 });
    expect(first.problems.map((problem) => problem.source.split("/").at(-1)).sort()).toEqual([
      "settings.json",
      "truncated.conversation.json",
      "wrong-types.conversation.json",
    ]);
    expect(first.problems.find((problem) => problem.source.endsWith("truncated.conversation.json"))?.message).toMatch(/not valid JSON/);
    expect(first.skipped).toEqual({ file: 1, "step:debugInfoBlock": 1, "step:toolCallRequest": 1, "empty message": 1 });

    const baking = await memory.history({ userId: "me", conversationId: "lmstudio:1748000000000.conversation", last: 10 });
    expect(baking.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(baking[2]?.content).toBe("Which flour should I feed it, rye or white?");
    expect(baking[2]?.metadata).toMatchObject({ versions: 2, files: [{ name: "1748000002000 - flour-bag.jpg", type: "image" }] });
    expect(baking[1]?.metadata).toMatchObject({ model: "qwen3-8b", stats: { tokensPerSecond: 21.4 } });
    expect(baking[0]?.metadata.conversation).toMatchObject({
      title: "Sourdough starter troubleshooting",
      model: "qwen3-8b",
      systemPrompt: "You are a patient baking coach.",
      file: join(folder, "1748000000000.conversation.json"),
    });
    expect(baking[0]?.createdAt.getTime()).toBe(1748000000000);
    const postgres = await memory.history({ userId: "me", conversationId: "lmstudio:2026-05/1748100000000.conversation", last: 10 });
    expect(postgres.map((message) => message.content.slice(0, 12))).toEqual(["Loading 5 mi", "Use COPY ins", "ok", "ok"]);

    const second = await importConversations(memory, { userId: "me", items: readLmStudioFolder(folder) });
    expect(second.conversations).toEqual({ created: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(second.messages).toEqual({ added: 0, existing: 8 });
    expect((await memory.stats({ userId: "me" })).messages).toBe(8);
  });

  it.skipIf(!engine.available)("LM Studio: a conversation that went on gets only its new messages", async () => {
    const memory = await open();
    const folder = join(temp, "grow");
    await cp(join(fixtures, "lmstudio", "2026-05"), folder, { recursive: true });
    await importConversations(memory, { userId: "me", items: readLmStudioFolder(folder) });
    const file = join(folder, "1748100000000.conversation.json");
    const data = JSON.parse(await readFile(file, "utf8"));
    data.messages.push({
      versions: [{ type: "singleStep", role: "user", content: [{ type: "text", text: "Does UNLOGGED help too?" }] }],
      currentlySelected: 0,
    });
    await writeFile(file, JSON.stringify(data));
    const report = await importConversations(memory, { userId: "me", items: readLmStudioFolder(folder) });
    expect(report.conversations).toEqual({ created: 0, updated: 1, unchanged: 0, failed: 0 });
    expect(report.messages).toEqual({ added: 1, existing: 4 });
  });

  it.skipIf(!engine.available)(
    "LM Studio: an oversized file and a message over the store's limit are reported; nothing of that conversation is written",
    async () => {
      const memory = await open({ limits: { maxContentLength: 120 } });
      const report = await importConversations(memory, { userId: "me", items: readLmStudioFolder(join(fixtures, "lmstudio"), { maxFileBytes: 2500 }) });
      expect(report.conversations).toEqual({ created: 0, updated: 0, unchanged: 0, failed: 1 });
      expect(report.problems.find((problem) => problem.source.endsWith("1748000000000.conversation.json"))?.message).toMatch(/over the limit/);
      expect(report.problems.find((problem) => problem.source.endsWith("1748100000000.conversation.json"))?.message).toMatch(/invalid_input/);
      expect((await memory.stats({ userId: "me" })).messages).toBe(0);
      await expect(importConversations(memory, { userId: "me", items: readLmStudioFolder(join(temp, "nope")) })).rejects.toBeInstanceOf(NotFoundError);
    },
  );

  it.skipIf(!engine.available)("ChatGPT: follows current_node to the root, from conversations.json or the zip; broken entries are reported", async () => {
    const memory = await open();
    const file = join(fixtures, "chatgpt", "conversations.json");
    const report = await importConversations(memory, { userId: "me", items: await readChatGptExport(file) });
    expect(report.conversations.created).toBe(2);
    expect(report.problems.map((problem) => problem.source.split("#")[1])).toEqual(["2", "3"]);
    expect(report.skipped).toMatchObject({ "hidden system message": 1, "part:image_asset_pointer": 1 });
    const lisbon = await memory.history({ userId: "me", conversationId: "chatgpt:6a1f0c2e-0000-4000-8000-000000000001", last: 10 });
    expect(lisbon.map((message) => message.content.slice(0, 12))).toEqual(["Is October a", "Yes. October", "Is this tram", "That is tram"]);
    expect(lisbon.some((message) => message.content.includes("older draft"))).toBe(false);
    expect(lisbon[1]?.createdAt.getTime()).toBe(1747000030000);
    expect(lisbon[1]?.metadata).toMatchObject({ model: "gpt-4o", conversation: { title: "Lisbon in October" } });

    const zip = join(temp, "export.zip");
    await writeFile(zip, zipSync({ "chat.html": strToU8("<html></html>"), "conversations.json": await readFile(file) }));
    const again = await importConversations(memory, { userId: "me", items: await readChatGptExport(zip) });
    expect(again.conversations).toMatchObject({ created: 0, unchanged: 2 });
    expect(again.messages.added).toBe(0);
  });

  it.skipIf(!engine.available)("ChatGPT: a truncated file, a corrupt zip, a zip without conversations and a non-list are typed errors", async () => {
    const text = await readFile(join(fixtures, "chatgpt", "conversations.json"), "utf8");
    const truncated = join(temp, "truncated.json");
    await writeFile(truncated, text.slice(0, text.length / 2));
    await expect(readChatGptExport(truncated)).rejects.toThrow(/not valid JSON/);
    const zipBytes = zipSync({ "conversations.json": strToU8(text) });
    const corrupt = join(temp, "corrupt.zip");
    await writeFile(corrupt, zipBytes.slice(0, zipBytes.length - 30));
    await expect(readChatGptExport(corrupt)).rejects.toBeInstanceOf(InvalidInputError);
    const other = join(temp, "other.zip");
    await writeFile(other, zipSync({ "notes.txt": strToU8("hi") }));
    await expect(readChatGptExport(other)).rejects.toThrow(/no conversations\.json/);
    const object = join(temp, "object.json");
    await writeFile(object, JSON.stringify({ conversations: [] }));
    await expect(readChatGptExport(object)).rejects.toThrow(/list of conversations/);
    await expect(readChatGptExport(join(fixtures, "chatgpt", "conversations.json"), { maxFileBytes: 100 })).rejects.toThrow(/over the limit/);
  });

  it.skipIf(!engine.available)(
    "JSONL: groups lines by conversation; a broken line is reported and a conversation with a bad message is skipped whole",
    async () => {
      const memory = await open();
      const good = await importConversations(memory, { userId: "me", items: await readJsonl(join(fixtures, "jsonl", "chats.jsonl")) });
      expect(good.conversations.created).toBe(2);
      expect(good.problems).toEqual([]);
      const bike = await memory.history({ userId: "me", conversationId: "jsonl:bike", last: 10 });
      expect(bike.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
      expect(bike[1]?.content).toMatch(/^Every 150/);
      const garden = await memory.history({ userId: "me", conversationId: "jsonl:garden", last: 10 });
      expect(garden[0]?.metadata.conversation).toMatchObject({ title: "Tomatoes on the balcony" });
      expect(garden[1]?.metadata).toMatchObject({ model: "mistral-7b" });

      const broken = await importConversations(memory, { userId: "me", items: await readJsonl(join(fixtures, "jsonl", "broken.jsonl")) });
      expect(broken.conversations.created).toBe(1);
      expect(broken.problems.map((problem) => problem.message)).toEqual([
        "Expected a JSON object.",
        "Missing conversationId (a non-empty string).",
        "Not valid JSON (truncated or corrupt line).",
        "Conversation not imported: line 4: role must be one of user, assistant, system, tool.",
        "Conversation not imported: line 5: content must be a non-empty string.",
      ]);
      expect((await memory.stats({ userId: "me", conversationId: "jsonl:bad-role" })).messages).toBe(0);
      expect((await memory.stats({ userId: "me", conversationId: "jsonl:fine" })).messages).toBe(2);
    },
  );

  it.skipIf(!engine.available)("LangChain PostgresChatMessageHistory: one conversation per session, a session with a foreign row is reported", async () => {
    const memory = await open();
    const source = await openDriver(opened.database);
    const schema = opened.newSchema();
    const table = `${schema}.langchain_chat_histories`;
    // The table exactly as @langchain/community's PostgresChatMessageHistory creates it (ensureTable).
    await source.script(`CREATE SCHEMA ${schema}; CREATE TABLE ${table} (id SERIAL PRIMARY KEY, session_id VARCHAR(255) NOT NULL, message JSONB NOT NULL);`);
    const rows: [string, unknown][] = [
      ["s1", { type: "system", content: "You are a travel agent.", additional_kwargs: {}, response_metadata: {} }],
      ["s1", { type: "human", content: "Find me a hotel in Porto.", additional_kwargs: {}, response_metadata: {}, id: "h1" }],
      ["s2", { type: "human", content: "ok", additional_kwargs: {}, response_metadata: {} }],
      [
        "s1",
        {
          type: "ai",
          content: "",
          tool_calls: [{ id: "c1", name: "search_hotels", args: { city: "Porto" }, type: "tool_call" }],
          additional_kwargs: {},
          response_metadata: {},
        },
      ],
      ["s1", { type: "tool", content: "Pestana Vintage, 140 EUR", tool_call_id: "c1", name: "search_hotels", additional_kwargs: {}, response_metadata: {} }],
      [
        "s1",
        {
          type: "ai",
          content: [{ type: "text", text: "The Pestana Vintage is on the river." }],
          response_metadata: { model_name: "gpt-4o" },
          additional_kwargs: {},
        },
      ],
      ["s2", { type: "alien", content: "?" }],
      ["s3", { type: "human", data: { content: "An old-format row", additional_kwargs: {} } }],
    ];
    for (const [session, message] of rows) await source.query(`INSERT INTO ${table} (session_id, message) VALUES ($1, $2)`, [session, JSON.stringify(message)]);
    const report = await importConversations(memory, { userId: "me", items: await readLangChainPostgres(source, { tableName: table }) });
    expect(report.conversations.created).toBe(2);
    expect(report.problems).toEqual([
      { source: `"${schema}"."langchain_chat_histories"/s2`, message: expect.stringMatching(/unknown LangChain message type/) },
    ]);
    expect(report.skipped).toEqual({ "message without text": 1 });
    const s1 = await memory.history({ userId: "me", conversationId: "langchain:s1", last: 10 });
    expect(s1.map((message) => [message.role, message.content])).toEqual([
      ["system", "You are a travel agent."],
      ["user", "Find me a hotel in Porto."],
      ["tool", "Pestana Vintage, 140 EUR"],
      ["assistant", "The Pestana Vintage is on the river."],
    ]);
    expect(s1[2]).toMatchObject({ name: "search_hotels", metadata: { tool_call_id: "c1" } });
    expect(s1[3]?.metadata).toMatchObject({ model: "gpt-4o" });
    const again = await importConversations(memory, { userId: "me", items: await readLangChainPostgres(source, { tableName: table }) });
    expect(again.messages.added).toBe(0);
    await expect(readLangChainPostgres(source, { tableName: `${schema}.missing` })).rejects.toBeInstanceOf(NotFoundError);
    await expect(readLangChainPostgres(source, { tableName: "x; DROP TABLE y" })).rejects.toBeInstanceOf(InvalidInputError);
    await source.close();
  });
});
