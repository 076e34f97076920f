import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { importConversations } from "./import-conversations.js";
import { readJsonl } from "./jsonl.js";

// Gaps left by importers.test.ts (LM Studio and ChatGPT truncated/corrupt/oversized files are covered there):
// JSONL cut mid-line, oversized, with invalid UTF-8 bytes, and with text the store cannot hold exactly.
const line = (conversationId: string, role: string, content: string) => JSON.stringify({ conversationId, role, content });

describe.each(testEngines())("corrupt JSONL imports on $name", (engine) => {
  let opened: OpenTestEngine;
  let temp: string;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    temp = await mkdtemp(join(tmpdir(), "mnemo-corrupt-"));
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("reports bad lines and bad conversations, stores the rest exactly, and stores nothing more when re-run", async () => {
      const file = join(temp, "mixed.jsonl");
      const good = [line("a", "user", "hello"), line("a", "assistant", "hi there")].join("\n");
      const nul = [line("b", "user", "fine"), JSON.stringify({ conversationId: "b", role: "assistant", content: "bad \u0000 byte" })].join("\n");
      const surrogate = JSON.stringify({ conversationId: "c", role: "user", content: "lone \ud800 half" });
      const invalidUtf8 = Buffer.concat([
        Buffer.from('{"conversationId":"d","role":"user","content":"'),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from('"}'),
      ]);
      const cut = line("e", "user", "this line is cut off in the middle").slice(0, 30);
      await writeFile(file, Buffer.concat([Buffer.from(`${good}\n${nul}\n${surrogate}\n`), invalidUtf8, Buffer.from(`\n${cut}`)]));

      const report = await importConversations(memory, { userId: "me", items: await readJsonl(file) });
      expect(report.conversations).toEqual({ created: 1, updated: 0, unchanged: 0, failed: 2 });
      expect(report.problems).toHaveLength(4); // b and c rejected by the store, the invalid UTF-8 line, the cut line
      expect(report.problems.some((problem) => /UTF-8/.test(problem.message))).toBe(true);
      expect((await memory.conversations({ userId: "me" })).map((conversation) => conversation.conversationId)).toEqual(["jsonl:a"]);
      expect((await memory.history({ userId: "me", conversationId: "jsonl:a", last: 10 })).map((message) => message.content)).toEqual(["hello", "hi there"]);
      const again = await importConversations(memory, { userId: "me", items: await readJsonl(file) });
      expect(again.conversations).toEqual({ created: 0, updated: 0, unchanged: 1, failed: 2 });
      expect((await memory.stats({ userId: "me" })).messages).toBe(2);
    });

    it("refuses a file over maxFileBytes with a typed error before reading it", async () => {
      const file = join(temp, "big.jsonl");
      await writeFile(file, `${line("z", "user", "x".repeat(5_000))}\n`.repeat(20));
      await expect(readJsonl(file, { maxFileBytes: 10_000 })).rejects.toSatisfy(InvalidInputError.isInstance);
      expect((await memory.stats({ userId: "big" })).messages).toBe(0);
    });
  });
});
