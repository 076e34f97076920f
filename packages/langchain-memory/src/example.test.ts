import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fakeOpenAIServer, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** examples/langchain-chat/chat.mjs, run as a user would run it (it imports this package's dist). */
const chat = resolve(import.meta.dirname, "../../../examples/langchain-chat/chat.mjs");

function runChat(args: string[], input: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [chat, ...args], { env: { ...process.env, MNEMO_LLM_URL: "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      errors += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => (code === 0 ? done(output) : fail(new Error(`chat.mjs exited with ${code}: ${errors}`))));
    child.stdin.end(input);
  });
}

describe.each(testEngines())("examples/langchain-chat, offline, on $name", (engine) => {
  let opened: OpenTestEngine | undefined;
  let data: string;
  let schema = "mnemo";

  beforeAll(async () => {
    if (!engine.available) return;
    if (engine.name === "postgres") {
      opened = await engine.open();
      schema = opened.newSchema();
      data = process.env.DATABASE_URL as string;
    } else {
      data = await mkdtemp(join(tmpdir(), "mnemo-langchain-chat-"));
    }
  });
  afterAll(async () => {
    await opened?.close();
    if (engine.name === "pglite" && data) await rm(data, { recursive: true, force: true });
  });

  it.skipIf(!engine.available)(
    "remembers a fact from one run in the next",
    async () => {
      const args = ["--user", "ada", "--data", data, "--schema", schema];
      const first = await runChat(args, "Remember that I am allergic to peanuts.\n/memory\n");
      expect(first).toContain("model offline stand-in");
      expect(first).toContain("assistant> I'll remember that. (Saved: I am allergic to peanuts)");
      expect(first).toContain("- I am allergic to peanuts");
      const second = await runChat(args, "What do you know about me?\n");
      expect(second).toContain("assistant> What I remember about you: I am allergic to peanuts.");
      const stranger = await runChat(["--user", "bob", "--data", data, "--schema", schema], "What do you know about me?\n");
      expect(stranger).toContain("assistant> I don't know anything about you yet.");
    },
    300_000,
  );
});

describe("examples/langchain-chat against an OpenAI-compatible endpoint (MNEMO_LLM_URL)", () => {
  interface ChatBody {
    model: string;
    messages: { role: string; content: string | null }[];
    tools?: { function: { name: string } }[];
  }
  const fake = fakeOpenAIServer<ChatBody>("/v1/chat/completions", (request) => {
    const last = request.body.messages.at(-1);
    if (last?.role === "user" && last.content?.startsWith("I prefer")) {
      const call = {
        id: "call_1",
        type: "function",
        function: { name: "save_to_model_memory", arguments: JSON.stringify({ content: "Prefers window seats" }) },
      };
      return { status: 200, json: { id: "resp-1", choices: [{ message: { role: "assistant", content: null, tool_calls: [call] } }] } };
    }
    const system = request.body.messages[0]?.content ?? "";
    const content = last?.role === "tool" ? "Noted: window seats." : system.includes("Prefers window seats") ? "A window seat, as you like." : "Any seat.";
    return { status: 200, json: { id: `resp-${request.body.messages.length}-${content.length}`, choices: [{ message: { role: "assistant", content } }] } };
  });
  let data: string;

  beforeAll(async () => {
    await fake.start();
    data = await mkdtemp(join(tmpdir(), "mnemo-langchain-chat-llm-"));
  });
  afterAll(async () => {
    await fake.close();
    await rm(data, { recursive: true, force: true });
  });

  it("sends Mnemo's context and the tools, and stores the model's turns", async () => {
    const env = { MNEMO_LLM_URL: fake.baseUrl, MNEMO_LLM_MODEL: "test-model" };
    const first = await runChat(["--user", "cy", "--data", data], "I prefer window seats.\n", env);
    expect(first).toContain(`model test-model at ${fake.baseUrl}`);
    expect(first).toContain("assistant> Noted: window seats.");
    const second = await runChat(["--user", "cy", "--data", data], "Which seat should I book?\n", env);
    expect(second).toContain("assistant> A window seat, as you like.");

    const [call] = fake.received;
    expect(call?.body.model).toBe("test-model");
    expect(call?.body.tools?.map((tool) => tool.function.name)).toEqual(["save_to_model_memory", "retrieve_user_info", "search_memory"]);
    expect(call?.body.messages[0]).toMatchObject({ role: "system" });
    expect(call?.body.messages[0]?.content).toContain("You are a helpful assistant with a long-term memory.");
    const last = fake.received.at(-1)?.body;
    expect(last?.messages[0]?.content).toContain("## What you know about the user\n- Prefers window seats");
    expect(last?.messages.slice(1)).toEqual([{ role: "user", content: "Which seat should I book?" }]);
  }, 300_000);
});
