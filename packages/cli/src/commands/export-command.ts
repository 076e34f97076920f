import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Memory } from "@mnemo/core";
import type { Command } from "commander";
import { runAction } from "../program/run-action.js";
import { listConversations } from "./read-commands.js";

/** Registers `mnemo export`. */
export function registerExport(program: Command): void {
  program
    .command("export")
    .description("all of the user's data as one JSON document: conversations with every message, model memory with history, settings with history, documents")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .addHelpText(
      "after",
      '\nThe document: {"format": "mnemo-export", "version": 1, "userId", "exportedAt", "conversations": [{…, "messages": […]}], "modelMemory": […], "settings": {…}, "documents": […]}.\nIt is written as it is read, so large memories do not need to fit in RAM.',
    )
    .action(
      runAction<{ output?: string }>(async (context) => {
        const memory = await context.memory();
        const stream = context.options.output ? createWriteStream(context.options.output) : process.stdout;
        const counts = await writeExport(memory, context.userId, async (text) => {
          if (!stream.write(text)) await once(stream, "drain");
        });
        if (context.options.output) {
          stream.end();
          await once(stream, "finish");
          context.out.result(
            { output: context.options.output, ...counts },
            (data) => `Exported ${data.conversations} conversations, ${data.messages} messages, ${data.memories} memory entries to ${data.output}.`,
          );
        }
      }),
    );
}

/** Writes the export document piece by piece; returns what it counted. */
export async function writeExport(memory: Memory, userId: string, write: (text: string) => Promise<void>) {
  const counts = { conversations: 0, messages: 0, memories: 0, documents: 0 };
  await write(
    `{"format":"mnemo-export","version":1,"userId":${JSON.stringify(userId)},"exportedAt":${JSON.stringify(new Date().toISOString())},"conversations":[`,
  );
  for (let offset = 0; ; offset += 1000) {
    const page = await listConversations(memory, userId, { limit: 1000, offset });
    for (const conversation of page) {
      await write(`${counts.conversations++ > 0 ? "," : ""}${JSON.stringify(conversation).slice(0, -1)},"messages":[`);
      let first = true;
      for (let afterSeq = 0; ; ) {
        const messages = await memory.history({ userId, conversationId: conversation.conversationId, afterSeq, limit: 1000 });
        for (const message of messages) {
          await write(`${first ? "" : ","}${JSON.stringify(message)}`);
          first = false;
          counts.messages += 1;
        }
        if (messages.length < 1000) break;
        afterSeq = messages.at(-1)?.seq ?? afterSeq;
      }
      await write("]}");
    }
    if (page.length < 1000) break;
  }
  const entries = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await memory.modelMemory.list({ userId, limit: 1000, offset });
    for (const entry of page) entries.push({ ...entry, history: await memory.modelMemory.history({ userId, memoryId: entry.memoryId }) });
    if (page.length < 1000) break;
  }
  counts.memories = entries.length;
  const active = await memory.settings.get({ userId });
  const history: Record<string, unknown> = {};
  for (const key of Object.keys(active.values)) if (active.versions[key]?.scope === "user") history[key] = await memory.settings.history({ userId, key });
  const documents = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await memory.documents.list({ userId, limit: 1000, offset });
    for (const document of page) documents.push(await memory.documents.get({ userId, documentId: document.documentId }));
    if (page.length < 1000) break;
  }
  counts.documents = documents.length;
  await write(`],"modelMemory":${JSON.stringify(entries)},"settings":${JSON.stringify({ active, history })},"documents":${JSON.stringify(documents)}}\n`);
  return counts;
}
