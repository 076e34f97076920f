// A LlamaIndex.TS chat over the Markdown files in ./documents, with its memory in Mnemo: the documents'
// nodes live in MnemoVectorStore, the conversation in a Mnemo conversation (saved after every turn), so
// the next run carries on where this one stopped. Offline by default; set MNEMO_LLM_URL to use a model.
import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline/promises";
import { createHuggingFaceEmbedder, createMemory } from "@mnemo/core";
import { loadSessionSnapshot, MnemoEmbedding, MnemoVectorStore, saveSessionSnapshot } from "@mnemo/llamaindex-store";
import { ContextChatEngine, Document, loadMemory, Settings, VectorStoreIndex } from "llamaindex";
import { OfflineLLM, OpenAICompatibleLLM } from "./llms.mjs";

const environment = process.env;
const userId = environment.MNEMO_USER ?? "demo";
const sessionId = environment.MNEMO_SESSION ?? "llamaindex-chat";
const embeddingModel = environment.MNEMO_EMBEDDING_MODEL ?? new URL("../../../shared/models/universal-sentence-encoder-lite-onnx", import.meta.url).pathname;
const database = environment.MNEMO_DATABASE ?? { dataDir: environment.MNEMO_HOME ?? join(homedir(), ".mnemo-llamaindex-chat") };

const memory = await createMemory({ database, ...(environment.MNEMO_SCHEMA ? { schema: environment.MNEMO_SCHEMA } : {}) });
const embedModel = new MnemoEmbedding(await createHuggingFaceEmbedder({ model: embeddingModel }));
const llm = environment.MNEMO_LLM_URL
  ? new OpenAICompatibleLLM({ baseUrl: environment.MNEMO_LLM_URL, model: environment.MNEMO_LLM_MODEL ?? "local-model", apiKey: environment.MNEMO_LLM_API_KEY })
  : new OfflineLLM();
Settings.embedModel = embedModel;
Settings.llm = llm;

// Documents are indexed once; a node's source document is its file name, so `vectorStore.delete(name)` removes it.
const vectorStore = new MnemoVectorStore({ memory, userId, collection: "llamaindex-chat:documents", embedModel });
const index = await VectorStoreIndex.fromVectorStore(vectorStore);
if ((await memory.records.count({ userId, collection: vectorStore.collection })) === 0 || environment.MNEMO_REINDEX) {
  await vectorStore.clear();
  const folder = new URL("./documents/", import.meta.url);
  for (const file of (await readdir(folder)).filter((name) => name.endsWith(".md")).sort()) {
    await index.insert(new Document({ id_: file, text: await readFile(new URL(file, folder), "utf8"), metadata: { file } }));
  }
}

const session = { memory, userId, sessionId };
const chatMemory = loadMemory(await loadSessionSnapshot(session), { tokenLimit: 4000 });
const engine = new ContextChatEngine({
  retriever: index.asRetriever({ similarityTopK: 2 }),
  chatModel: llm,
  chatHistory: chatMemory,
  systemPrompt: "You are a travel assistant. Answer from the context and the conversation; say so when you do not know.",
});
const remembered = (await chatMemory.get()).length;
console.log(`Mnemo: ${memory.engine}, user ${userId}, session ${sessionId}; ${remembered} earlier messages remembered. Model: ${llm.metadata.model}.`);

const interactive = process.stdin.isTTY === true;
const lines = createInterface({ input: process.stdin, terminal: interactive });
const pending = lines[Symbol.asyncIterator]();
const ask = async () => {
  if (interactive) process.stdout.write("you> ");
  const next = await pending.next();
  return next.done ? undefined : next.value;
};
for (let line = await ask(); line !== undefined; line = await ask()) {
  const message = line.trim();
  if (message === "" || message === "/exit") break;
  if (!interactive) console.log(`you> ${message}`);
  const response = await engine.chat({ message });
  console.log(`assistant> ${response.message.content}`);
  // Saved after every turn: a crash loses at most the turn in progress.
  await saveSessionSnapshot(chatMemory, session);
}
lines.close();
await memory.close();
