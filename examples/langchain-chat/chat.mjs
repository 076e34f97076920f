// A chat with persistent memory: LangChain's createAgent with Mnemo's middleware (budgeted context in,
// every turn stored) and Mnemo's tools. Offline by default (a rule-based stand-in model); set
// MNEMO_LLM_URL (e.g. http://localhost:1234/v1 for LM Studio, http://localhost:11434/v1 for Ollama)
// to talk to a real model. Each run is a new conversation; what you said before is remembered.
//
//   node examples/langchain-chat/chat.mjs [--user ada] [--session <id>] [--data <dir or postgres:// url>] [--schema mnemo]
//
// Type a message per line; /memory lists what is remembered about you, /quit (or end of input) exits.
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { HumanMessage } from "@langchain/core/messages";
import { createMemory } from "@mnemo/core";
import { createMnemoTools, summarizerFromChatModel } from "@mnemo/langchain-memory";
import { createMnemoMiddleware } from "@mnemo/langchain-memory/agents";
import { createAgent } from "langchain";
import { OfflineChatModel } from "./offline-chat-model.mjs";
import { OpenAICompatibleChatModel } from "./openai-compatible-chat-model.mjs";

const { values: args } = parseArgs({
  options: {
    user: { type: "string", default: "me" },
    session: { type: "string", default: `chat-${new Date().toISOString().replace(/[:.]/gu, "-")}-${randomUUID().slice(0, 8)}` },
    data: { type: "string", default: process.env.MNEMO_HOME ?? resolve(import.meta.dirname, ".mnemo-langchain-chat") },
    schema: { type: "string", default: "mnemo" },
  },
});

const llmUrl = process.env.MNEMO_LLM_URL;
const model = llmUrl
  ? new OpenAICompatibleChatModel({ baseUrl: llmUrl, model: process.env.MNEMO_LLM_MODEL ?? "local-model", apiKey: process.env.MNEMO_LLM_API_KEY })
  : new OfflineChatModel();
const database = /^postgres(ql)?:\/\//u.test(args.data) ? args.data : { dataDir: args.data };
const memory = await createMemory({
  database,
  schema: args.schema,
  ...(llmUrl ? { summarizer: summarizerFromChatModel(model, { id: `example:${model.model}` }) } : {}),
});

const agent = createAgent({
  model,
  tools: createMnemoTools({ memory }),
  systemPrompt:
    "You are a helpful assistant with a long-term memory. When the user tells you a lasting fact about themselves, save it with save_to_model_memory.",
  middleware: [createMnemoMiddleware({ memory, maxTokens: 8_192, reserve: 1_024 })],
});
const runtime = { context: { userId: args.user, conversationId: args.session } };

console.log(`Mnemo + LangChain chat · user ${args.user} · conversation ${args.session} · model ${llmUrl ? `${model.model} at ${llmUrl}` : "offline stand-in"}`);
const lines = createInterface({ input: process.stdin, terminal: false });
const prompt = () => process.stdin.isTTY && process.stdout.write("you> ");
prompt();
try {
  for await (const line of lines) {
    const text = line.trim();
    if (text === "/quit") break;
    if (text === "/memory") {
      const entries = await memory.modelMemory.list({ userId: args.user });
      console.log(entries.length === 0 ? "(nothing remembered yet)" : entries.map((entry) => `- ${entry.content}`).join("\n"));
    } else if (text !== "") {
      const result = await agent.invoke({ messages: [new HumanMessage(text)] }, runtime);
      console.log(`assistant> ${result.messages.at(-1)?.text ?? ""}`);
    }
    prompt();
  }
} finally {
  lines.close();
  await memory.close();
}
