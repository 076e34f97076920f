import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fakeOpenAIServer, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedModelAvailable, sharedModelFolder } from "../test-support/shared-test-model.js";

const example = fileURLToPath(new URL("../../../../examples/llamaindex-chat-engine/chat.mjs", import.meta.url));

/** Runs the example in a child process with `input` on stdin; resolves with its stdout. */
function runExample(input: string[], environment: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [example],
      { env: { ...process.env, MNEMO_EMBEDDING_MODEL: sharedModelFolder, ...environment }, timeout: 140_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`The example failed: ${stderr}`, { cause: error })) : resolve(stdout)),
    );
    child.stdin?.end(`${input.join("\n")}\n`);
  });
}

describe.runIf(sharedModelAvailable).each(testEngines())("examples/llamaindex-chat-engine on $name", (engine) => {
  let opened: OpenTestEngine | undefined;
  let dataDir: string;
  const fake = fakeOpenAIServer("/v1/chat/completions", () => ({
    status: 200,
    json: { choices: [{ message: { role: "assistant", content: "Take tram 28 early." } }] },
  }));
  let stores = 0;
  /** A fresh place to keep the example's data: a new schema on the server, a new folder for PGlite. */
  const storage = (): Record<string, string> =>
    engine.name === "postgres"
      ? { MNEMO_DATABASE: process.env.DATABASE_URL as string, MNEMO_SCHEMA: (opened as OpenTestEngine).newSchema() }
      : { MNEMO_HOME: join(dataDir, String(++stores)) };

  beforeAll(async () => {
    if (!engine.available) return;
    if (engine.name === "postgres") opened = await engine.open();
    dataDir = await mkdtemp(join(tmpdir(), "mnemo-llamaindex-example-"));
    await fake.start();
  });
  afterAll(async () => {
    await opened?.close();
    await fake.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("answers offline from the documents and remembers the conversation across runs", async () => {
      const where = storage();
      const first = await runExample(["Which hotel has a rooftop pool?", "How long is the train to Porto?"], where);
      expect(first).toContain("0 earlier messages remembered");
      expect(first).toContain("assistant> From your documents: It has a rooftop swimming pool");
      expect(first).toContain("takes about three hours. (I was given 2 earlier messages");
      const second = await runExample(["What should I eat in Belém?"], where);
      expect(second).toContain("4 earlier messages remembered");
      expect(second).toMatch(/cinnamon.*Belém\. \(I was given 4 earlier messages/);
    }, 300_000);

    it("talks to an OpenAI-compatible endpoint when MNEMO_LLM_URL is set", async () => {
      fake.reset();
      const where = storage();
      await runExample(["Which hotel has a rooftop pool?"], where);
      const output = await runExample(["How do I get to the castle?"], { ...where, MNEMO_LLM_URL: fake.baseUrl, MNEMO_LLM_MODEL: "test-model" });
      expect(output).toContain("assistant> Take tram 28 early.");
      const body = fake.received[0]?.body as { model: string; messages: { role: string; content: string }[] };
      expect(body.model).toBe("test-model");
      const sent = body.messages.map((message) => `${message.role}: ${message.content}`).join("\n");
      expect(sent).toContain("user: Which hotel has a rooftop pool?");
      expect(sent).toContain("Tram 28 climbs");
      expect(body.messages.at(-1)?.role).toBe("system");
      expect(body.messages.filter((message) => message.role === "user").at(-1)?.content).toBe("How do I get to the castle?");
    }, 300_000);
  });
});
