// Run by mnemo-chat-store.test.ts in a fresh process: reads a conversation back through
// ChatMemoryBuffer over MnemoChatStore and prints its messages as JSON.
import { MockLLM } from "@llamaindex/core/llms/mock";
import { createMemory } from "@mnemo/core";
import { MnemoChatStore } from "@mnemo/llamaindex-store";
import { ChatMemoryBuffer } from "llamaindex";

const [database, schema, userId, key] = process.argv.slice(2);
const memory = await createMemory({ database: database.startsWith("postgres") ? database : { dataDir: database }, schema });
const chatStore = new MnemoChatStore({ memory, userId });
const buffer = new ChatMemoryBuffer({ chatStore, chatStoreKey: key, llm: new MockLLM() });
process.stdout.write(JSON.stringify(await buffer.getAllMessages()));
await chatStore.close();
await memory.close();
