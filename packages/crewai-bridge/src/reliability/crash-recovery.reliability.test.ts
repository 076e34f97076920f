import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const conversations = 240;
const perConversation = 6;
const content = (conversation: number, index: number) => `Conversation ${conversation}, turn ${index}: ${"the import goes on ✓ ".repeat(20 + (index % 5))}`;

// An import in its own process, as `mnemo import jsonl` runs it: one line per stored conversation, then the report.
const importInChild = `
import { createMemory, importConversations, readJsonl } from "@mnemo/core";
const [database, schema, file] = process.argv.slice(1);
const memory = await createMemory({ database: database.startsWith("postgres") ? database : { dataDir: database }, schema });
let done = 0;
const report = await importConversations(memory, { userId: "ada", items: await readJsonl(file), onProgress: (progress) => {
  const stored = progress.conversations.created + progress.conversations.unchanged;
  if (stored > done) { done = stored; console.log("stored " + stored); }
} });
await memory.close();
console.log(JSON.stringify(report));`;

const bridgeMain = join(import.meta.dirname, "../../dist/main.js");

function lines(child: ChildProcess, onLine: (line: string) => void): Promise<number | null> {
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", onLine);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe.each(testEngines())("kill -9 in the middle of writes on $name", (engine) => {
  let opened: OpenTestEngine | undefined;
  let directory: string;
  let database: string;
  let schema: string;

  beforeAll(async () => {
    if (!engine.available) return;
    directory = await mkdtemp(join(tmpdir(), "mnemo-crash-"));
    const rows = [];
    for (let conversation = 0; conversation < conversations; conversation++) {
      for (let index = 0; index < perConversation; index++) {
        rows.push(JSON.stringify({ conversationId: `c${conversation}`, role: index % 2 ? "assistant" : "user", content: content(conversation, index) }));
      }
    }
    await writeFile(join(directory, "export.jsonl"), `${rows.join("\n")}\n`);
    if (engine.name === "postgres") {
      opened = await engine.open();
      schema = opened.newSchema();
      database = process.env.DATABASE_URL as string;
    } else {
      schema = "mnemo";
      database = join(directory, "data");
    }
  });
  afterAll(async () => {
    await opened?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  const openMemory = (): Promise<Memory> => createMemory({ database: engine.name === "postgres" ? database : { dataDir: database }, schema });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("an import killed mid-way leaves only whole conversations, then resumes to exactly the expected counts", { timeout: 400_000 }, async () => {
      const file = join(directory, "export.jsonl");
      const first = spawn(process.execPath, ["--input-type=module", "-e", importInChild, database, schema, file], { cwd: import.meta.dirname });
      let stored = 0;
      const exited = lines(first, (line) => {
        if (line.startsWith("stored ")) stored = Number(line.slice(7));
        if (stored >= 30 && first.exitCode === null && !first.killed) first.kill("SIGKILL");
      });
      expect(await exited).toBe(null);
      expect(first.signalCode).toBe("SIGKILL");

      // After the crash (the embedded engine also takes over the dead process's lock): whole conversations only.
      let memory = await openMemory();
      try {
        const listed = await memory.conversations({ userId: "ada", limit: 1_000 });
        expect(listed.length).toBeGreaterThanOrEqual(30);
        expect(listed.length).toBeLessThan(conversations);
        for (const conversation of listed) {
          expect(conversation.messageCount, conversation.conversationId).toBe(perConversation);
          const number = Number(conversation.conversationId.replace("jsonl:c", ""));
          const history = await memory.history({ userId: "ada", conversationId: conversation.conversationId, last: 100 });
          expect(history.map((message) => message.content)).toEqual(Array.from({ length: perConversation }, (_, index) => content(number, index)));
        }
        const before = listed.length;
        await memory.close();

        const second = spawn(process.execPath, ["--input-type=module", "-e", importInChild, database, schema, file], { cwd: import.meta.dirname });
        let report = "";
        const finished = lines(second, (line) => {
          if (line.startsWith("{")) report = line;
        });
        expect(await finished).toBe(0);
        expect(JSON.parse(report).conversations).toEqual({ created: conversations - before, updated: 0, unchanged: before, failed: 0 });

        memory = await openMemory();
        const stats = await memory.stats({ userId: "ada" });
        expect(stats).toMatchObject({ conversations, messages: conversations * perConversation });
      } finally {
        await memory.close();
      }
    });

    it.skipIf(engine.name !== "postgres")(
      "a bridge killed during batch saves keeps each batch whole; resending completes it exactly",
      { timeout: 300_000 },
      async () => {
        if (!existsSync(bridgeMain)) throw new Error(`${bridgeMain} is missing: build the package first (npx turbo run build --filter=@mnemo/crewai-bridge)`);
        const memory = await openMemory();
        try {
          const { key } = await memory.apiKeys.create({ users: ["ada"] });
          const start = async () => {
            const bridge = spawn(process.execPath, [bridgeMain, "--database", database, "--schema", schema, "--port", "0"], { cwd: import.meta.dirname });
            const url = await new Promise<string>((resolve, reject) => {
              lines(bridge, (line) => {
                const entry = JSON.parse(line) as { event?: string; url?: string };
                if (entry.event === "listening") resolve(entry.url as string);
              }).then(() => reject(new Error("the bridge exited before listening")));
            });
            return { bridge, url };
          };
          const batch = (client: number, round: number) => ({
            records: Array.from({ length: 100 }, (_, index) => ({
              id: `b${client}-${round}-${index}`,
              content: `batch ${client}/${round} record ${index}`,
              embedding: Array.from({ length: 1536 }, (_, dimension) => Math.sin(client + round + index + dimension)),
            })),
          });
          const save = (url: string, body: unknown) =>
            fetch(`${url}/v1/collections/crewai/records`, {
              method: "POST",
              headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
              body: JSON.stringify(body),
            }).then(
              (response) => response.status,
              () => 0,
            );
          const rounds = 8;
          const acknowledged = new Set<string>();
          let { bridge, url } = await start();
          const clients = [0, 1, 2, 3].map(async (client) => {
            for (let round = 0; round < rounds; round++) {
              if ((await save(url, batch(client, round))) === 200) acknowledged.add(`${client}-${round}`);
              else return;
            }
          });
          await new Promise((done) => setTimeout(done, 3_000));
          bridge.kill("SIGKILL");
          await Promise.all(clients);
          expect(acknowledged.size).toBeLessThan(4 * rounds); // the kill did interrupt saving

          const counts = await memory.records.list({ userId: "ada", collection: "crewai", limit: 10_000 });
          const perBatch = new Map<string, number>();
          for (const record of counts) {
            const name = record.id.slice(1, record.id.lastIndexOf("-"));
            perBatch.set(name, (perBatch.get(name) ?? 0) + 1);
          }
          for (const [name, count] of perBatch) expect(count, name).toBe(100);
          for (const name of acknowledged) expect(perBatch.get(name), name).toBe(100);

          ({ bridge, url } = await start());
          try {
            for (let client = 0; client < 4; client++) for (let round = 0; round < rounds; round++) expect(await save(url, batch(client, round))).toBe(200);
            expect(await memory.records.count({ userId: "ada", collection: "crewai" })).toBe(4 * rounds * 100);
          } finally {
            bridge.kill("SIGTERM");
          }
        } finally {
          await memory.close();
        }
      },
    );
  });
});
