import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "./program/exit-codes.js";
import { finished, mnemo, startMnemo, type TestStore, testStores, waitForLine } from "./test-support/run-mnemo.js";

const samples = new URL("../../../examples/lmstudio-sample/", import.meta.url).pathname;

/** A small ChatGPT export: one conversation whose current branch ends in the regenerated answer. */
function chatGptExport(): string {
  const node = (id: string, parent: string | null, role: string | null, text: string, children: string[], time: number) => ({
    id,
    parent,
    children,
    message: role ? { id, author: { role }, create_time: time, content: { content_type: "text", parts: [text] }, metadata: {} } : null,
  });
  return JSON.stringify([
    {
      id: "c-1",
      title: "Choosing a road bike",
      create_time: 1760000000,
      current_node: "a2",
      mapping: {
        root: node("root", null, null, "", ["q"], 0),
        q: node("q", "root", "user", "Should I pick a gravel bike or an endurance road bike for commuting?", ["a1", "a2"], 1760000001),
        a1: node("a1", "q", "assistant", "A discarded draft.", [], 1760000002),
        a2: node("a2", "q", "assistant", "A gravel bike: wider tyres, mudguard mounts and a relaxed position suit commuting.", [], 1760000003),
      },
    },
    { id: "broken", title: "no mapping" },
  ]);
}

describe.each(testStores())("mnemo on $name", (engine) => {
  let store: TestStore;
  let temp: string;
  const run = (...args: string[]) => mnemo([...store.args, ...args]);
  const runJson = async <T = Record<string, unknown>>(...args: string[]) => {
    const result = await run("--json", ...args);
    return { code: result.code, data: result.json<T>(), stderr: result.stderr };
  };

  beforeAll(async () => {
    if (!engine.available) return;
    store = await engine.create();
    temp = await mkdtemp(join(tmpdir(), "mnemo-cli-files-"));
  });
  afterAll(async () => {
    await store?.cleanup();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it.skipIf(!engine.available)("init, then import lmstudio: the samples once, a second run adds nothing, broken files are reported with exit 8", async () => {
    const init = await runJson("init");
    expect(init.code).toBe(0);
    expect(init.data).toMatchObject({ engine: engine.name, user: "me" });

    const folder = join(temp, "lmstudio");
    await cp(samples, folder, { recursive: true });
    const first = await runJson<{ conversations: Record<string, number>; messages: Record<string, number>; problems: unknown[] }>("import", "lmstudio", folder);
    expect(first.code).toBe(0);
    expect(first.data.conversations).toEqual({ created: 15, updated: 0, unchanged: 0, failed: 0 });
    expect(first.data.messages.added).toBe(66);
    const second = await runJson<typeof first.data>("import", "lmstudio", folder);
    expect(second.data.conversations).toEqual({ created: 0, updated: 0, unchanged: 15, failed: 0 });
    expect(second.data.messages).toEqual({ added: 0, existing: 66 });

    const broken = join(temp, "broken");
    await mkdir(broken);
    await writeFile(join(broken, "truncated.json"), '{"name":"x","messages":[{"versions":[');
    await writeFile(join(broken, "unknown.json"), JSON.stringify({ model: "not a conversation" }));
    await writeFile(join(broken, "wrong-types.json"), JSON.stringify({ name: 5, messages: "no" }));
    await writeFile(join(broken, "oversized.json"), JSON.stringify({ name: "big", messages: [], padding: "x".repeat(2 * 1024 * 1024) }));
    const report = await runJson<{ problems: { source: string; message: string }[] }>("import", "lmstudio", broken, "--max-file-mb", "1");
    expect(report.code).toBe(exitCodes.partialImport);
    const problems = Object.fromEntries(report.data.problems.map((problem) => [problem.source.split("/").at(-1), problem.message]));
    expect(problems["truncated.json"]).toMatch(/not valid JSON/);
    expect(problems["unknown.json"]).toMatch(/Not an LM Studio conversation/);
    expect(problems["wrong-types.json"]).toMatch(/Not an LM Studio conversation/);
    expect(problems["oversized.json"]).toMatch(/over the limit/);

    const missing = await run("import", "lmstudio", join(temp, "nope"));
    expect(missing.code).toBe(exitCodes.notFound);
    expect(missing.stderr).toMatch(/No such folder: .*nope\. Pass the folder/);
  });

  it.skipIf(!engine.available)("import chatgpt (zip) and jsonl; a corrupt export is a usage error that writes nothing", async () => {
    const zip = join(temp, "export.zip");
    await writeFile(zip, zipSync({ "conversations.json": strToU8(chatGptExport()) }));
    const chatgpt = await runJson<{ conversations: Record<string, number>; problems: unknown[] }>("import", "chatgpt", zip);
    expect(chatgpt.code).toBe(exitCodes.partialImport);
    expect(chatgpt.data.conversations.created).toBe(1);
    expect(chatgpt.data.problems).toHaveLength(1);
    const history = await runJson<{ content: string }[]>("history", "chatgpt:c-1");
    expect(history.data.map((message) => message.content)).toEqual([
      "Should I pick a gravel bike or an endurance road bike for commuting?",
      "A gravel bike: wider tyres, mudguard mounts and a relaxed position suit commuting.",
    ]);
    const truncated = join(temp, "conversations.json");
    await writeFile(truncated, chatGptExport().slice(0, 200));
    const bad = await run("import", "chatgpt", truncated);
    expect(bad.code).toBe(exitCodes.usage);
    expect(bad.stderr).toMatch(/not valid JSON \(truncated or corrupt\); re-export it/);

    const jsonl = join(temp, "chats.jsonl");
    await writeFile(
      jsonl,
      [
        {
          conversationId: "espresso",
          title: "Dialling in espresso",
          role: "user",
          content: "My espresso runs in 15 seconds and tastes sour.",
          createdAt: "2026-01-02T08:00:00Z",
        },
        {
          conversationId: "espresso",
          role: "assistant",
          content: "Grind finer until an 18 g dose gives about 36 g in 25 to 30 seconds.",
          createdAt: "2026-01-02T08:00:04Z",
        },
      ]
        .map((line) => JSON.stringify(line))
        .join("\n"),
    );
    const lines = await runJson<{ conversations: Record<string, number> }>("import", "jsonl", jsonl);
    expect(lines.code).toBe(0);
    expect(lines.data.conversations.created).toBe(1);
  });

  it.skipIf(!engine.available || engine.name !== "postgres")(
    "import langchain-postgres reads a table written by LangChain's own PostgresChatMessageHistory",
    async () => {
      const { PostgresChatMessageHistory } = await import("@langchain/community/stores/message/postgres");
      const { AIMessage, HumanMessage } = await import("@langchain/core/messages");
      const { default: pg } = await import("pg");
      const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
      const table = `lc_${Date.now().toString(36)}`;
      try {
        const history = new PostgresChatMessageHistory({ pool, sessionId: "lc-session", tableName: table });
        await history.addMessages([new HumanMessage("What is a good name for a cat?"), new AIMessage("Miso, Pixel or Biscuit.")]);
        const importArgs = (name: string) => ["import", "langchain-postgres", "--source", process.env.DATABASE_URL as string, "--table", name];
        const imported = await runJson<{ conversations: Record<string, number> }>(...importArgs(table));
        expect(imported.code).toBe(0);
        expect(imported.data.conversations.created).toBe(1);
        const messages = await runJson<{ role: string; content: string }[]>("history", "langchain:lc-session");
        expect(messages.data.map((message) => [message.role, message.content])).toEqual([
          ["user", "What is a good name for a cat?"],
          ["assistant", "Miso, Pixel or Biscuit."],
        ]);
        const again = await runJson<{ messages: Record<string, number> }>(...importArgs(table));
        expect(again.data.messages.added).toBe(0);
        const missing = await run(...importArgs(`${table}_missing`));
        expect(missing.code).toBe(exitCodes.notFound);
        expect((await run("import", "langchain-postgres")).code).toBe(exitCodes.usage);
      } finally {
        await pool.query(`DROP TABLE IF EXISTS ${table}`);
        await pool.end();
      }
    },
  );

  it.skipIf(!engine.available)("sync re-imports remembered sources incrementally, and --watch picks up a new conversation", async () => {
    const synced = await runJson<{ conversations: Record<string, number>; sources: { type: string }[] }>("sync");
    expect(synced.data.sources.map((source) => source.type).sort()).toEqual(["chatgpt", "jsonl", "lmstudio", "lmstudio"]);
    expect(synced.data.conversations.created).toBe(0);
    expect(synced.data.conversations.unchanged).toBe(17);

    const watcher = startMnemo([...store.args, "--json", "sync", "--watch", "--interval", "1"]);
    try {
      await waitForLine(watcher, (line) => line.includes('"unchanged":17'));
      const file = join(temp, "lmstudio", "1751963400000.conversation.json");
      const conversation = JSON.parse(await readFile(file, "utf8"));
      conversation.messages.push({
        versions: [{ type: "singleStep", role: "user", content: [{ type: "text", text: "Do San Marzano tomatoes grow well in pots?" }] }],
        currentlySelected: 0,
      });
      await writeFile(join(temp, "lmstudio", "1751963400000.conversation.json"), JSON.stringify(conversation));
      const line = await waitForLine(watcher, (text) => text.includes('"updated":1'));
      expect(JSON.parse(line).messages.added).toBe(1);
    } finally {
      watcher.kill("SIGTERM");
    }
    expect((await finished(watcher)).code).toBe(0);
  });

  it.skipIf(!engine.available)("search, history, context and enhance answer from the imported conversations", async () => {
    const hits = await runJson<{ conversationId: string; content: string }[]>("search", "--limit", "3", "DFS", "channel", "radar");
    expect(hits.data[0]?.conversationId).toBe("lmstudio:1764533400000.conversation");
    const list = await runJson<{ conversationId: string; title: string }[]>("history");
    expect(list.data.find((item) => item.conversationId === "lmstudio:1764533400000.conversation")?.title).toBe("Wi-Fi dropouts with a mesh network");
    const context = await runJson<{ tokenCount: number; messages: { role: string }[] }>(
      "context",
      "lmstudio:1764533400000.conversation",
      "--max-tokens",
      "300",
      "--reserve",
      "50",
    );
    expect(context.code).toBe(0);
    expect(context.data.tokenCount).toBeLessThanOrEqual(250);
    expect((await run("history", "no-such-conversation")).code).toBe(exitCodes.notFound);

    const enhanced = await runJson<{ prompt: string; sources: { title: string }[]; tokens: { context: number } }>(
      "enhance",
      "--max-tokens",
      "400",
      "My video calls drop every few minutes on Wi-Fi, what should I check?",
    );
    expect(enhanced.code).toBe(0);
    expect(enhanced.data.sources[0]?.title).toBe("Wi-Fi dropouts with a mesh network");
    expect(enhanced.data.tokens.context).toBeLessThanOrEqual(400);
    expect(enhanced.data.prompt).toMatch(/DFS/);
    expect(enhanced.data.prompt.endsWith("My video calls drop every few minutes on Wi-Fi, what should I check?")).toBe(true);

    const plain = await run("enhance", "How do I fix a mutable borrow in a Rust loop?");
    expect(plain.stdout).toMatch(/### Rust borrow checker/);
    const copy = await run("enhance", "--copy", "How do I fix a mutable borrow in a Rust loop?");
    expect(copy.code).toBe(exitCodes.noClipboard);
    expect(copy.stderr).toMatch(/no clipboard is available here/);
    expect(copy.stdout).toMatch(/### Rust borrow checker/);
  });

  it.skipIf(!engine.available)("memory add, list, edit, rm and settings set, get, history, rollback", async () => {
    const added = await runJson<{ action: string; entry: { memoryId: string } }>(
      "memory",
      "add",
      "--category",
      "preference",
      "--importance",
      "0.8",
      "Prefers",
      "metric",
      "units",
    );
    expect(added.data.action).toBe("created");
    const id = added.data.entry.memoryId;
    const edited = await runJson<{ content: string; version: number }>("memory", "edit", id, "--content", "Prefers metric units and 24-hour time");
    expect(edited.data).toMatchObject({ content: "Prefers metric units and 24-hour time", version: 2 });
    const listed = await runJson<{ memoryId: string }[]>("memory", "list");
    expect(listed.data.map((entry) => entry.memoryId)).toEqual([id]);
    expect((await run("memory", "edit", id)).code).toBe(exitCodes.usage);
    expect((await run("memory", "rm", id)).code).toBe(0);
    expect((await run("memory", "rm", id)).code).toBe(exitCodes.notFound);
    expect((await run("memory", "add", "--importance", "7", "x")).code).toBe(exitCodes.usage);

    await run("settings", "set", "system_prompt", "You are terse.");
    await run("settings", "set", "system_prompt", "You are thorough.");
    await run("settings", "set", "temperature", "0.2");
    const got = await runJson<{ value: unknown }>("settings", "get", "temperature");
    expect(got.data.value).toBe(0.2);
    const history = await runJson<{ version: number; value: string; active: boolean }[]>("settings", "history", "system_prompt");
    expect(history.data.map((change) => [change.version, change.value, change.active]).sort()).toEqual([
      [1, "You are terse.", false],
      [2, "You are thorough.", true],
    ]);
    const rolled = await runJson<{ value: string; version: number }>("settings", "rollback", "system_prompt");
    expect(rolled.data).toMatchObject({ value: "You are terse.", version: 3 });
    expect((await run("settings", "set", "Bad Key", "x")).code).toBe(exitCodes.usage);
  });

  it.skipIf(!engine.available)("stats, compact, reindex, export and forget", async () => {
    // The LangChain import (server only) added one conversation of two messages.
    const langchain = engine.name === "postgres" ? 1 : 0;
    const stats = await runJson<{ conversations: number; messages: number; topics: { topics: { keywords: string[] }[] } }>("stats");
    expect(stats.data.conversations).toBe(17 + langchain);
    expect(stats.data.messages).toBe(66 + 1 + 2 + 2 + 2 * langchain);
    expect(stats.data.topics.topics.length).toBeGreaterThan(1);
    const compact = await runJson<{ summarized: number; conversations: unknown[] }>("compact", "--idle-for", "1s", "--keep-tokens", "50");
    expect(compact.code).toBe(0);
    expect(compact.data.summarized).toBeGreaterThan(0);
    const reindex = await runJson<{ searchVectors: number; embedded: number }>("reindex");
    expect(reindex.data).toEqual({ searchVectors: 0, embedded: 0 });

    const file = join(temp, "export.json");
    const exported = await run("export", "--output", file);
    expect(exported.code).toBe(0);
    const document = JSON.parse(await readFile(file, "utf8"));
    expect(document).toMatchObject({ format: "mnemo-export", version: 1, userId: "me" });
    expect(document.conversations).toHaveLength(17 + langchain);
    const exportedMessages = document.conversations.flatMap((conversation: { messages: { kind: string }[] }) =>
      conversation.messages.filter((message) => message.kind === "message"),
    );
    expect(exportedMessages).toHaveLength(71 + 2 * langchain);
    expect(document.settings.history.system_prompt).toHaveLength(3);
    expect(document.modelMemory).toEqual([]);
    const stdout = await run("export");
    expect(JSON.parse(stdout.stdout).conversations).toHaveLength(17 + langchain);

    expect((await run("forget", "--conversation", "jsonl:espresso")).code).toBe(exitCodes.usage);
    expect((await run("forget", "--conversation", "jsonl:espresso", "--yes")).code).toBe(0);
    expect((await run("history", "jsonl:espresso")).code).toBe(exitCodes.notFound);
    expect((await run("forget", "--all", "--yes")).code).toBe(0);
    expect((await runJson<{ messages: number }>("stats")).data.messages).toBe(0);
  });

  it.skipIf(!engine.available || engine.name !== "pglite")("the embedded store is locked while another mnemo process uses it", async () => {
    const ui = startMnemo([...store.args, "ui", "--port", "0"]);
    try {
      await waitForLine(ui, (line) => line.includes("http://127.0.0.1:"));
      const blocked = await run("stats");
      expect(blocked.code).toBe(exitCodes.unavailable);
      expect(blocked.stderr).toMatch(/already open in process \d+/);
    } finally {
      ui.kill("SIGTERM");
    }
    expect((await finished(ui)).code).toBe(0);
    expect((await run("stats")).code).toBe(0);
  });
});
