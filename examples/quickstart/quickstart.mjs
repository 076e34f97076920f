// Mnemo quick start: store a multi-session conversation in an embedded database (PGlite, no
// server), then read it back: history, statistics, and a long message rebuilt from its pieces.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createMemory } from "@mnemo/core";

const dataDir = resolve(process.env.MNEMO_HOME ?? ".mnemo-quickstart");
const sample = JSON.parse(await readFile(new URL("./conversation.json", import.meta.url), "utf8"));
const memory = await createMemory({ database: { dataDir }, tokenizer: "gpt-4o" });

const messages = sample.sessions.flatMap((session) =>
  session.turns.map((turn, index) => ({
    userId: sample.userId,
    conversationId: session.conversationId,
    role: turn.role,
    content: turn.content,
    createdAt: new Date(Date.parse(session.startedAt) + index * 45_000),
  })),
);
const results = await memory.appendMany(messages);
console.log(`Stored in ${dataDir} (${memory.engine}, tokenizer ${memory.tokenizer.name})`);
console.log(`  ${results.filter((result) => result.created).length} new messages, ${results.filter((result) => !result.created).length} already stored\n`);

for (const conversation of (await memory.conversations({ userId: sample.userId })).reverse()) {
  console.log(`── ${conversation.conversationId}: ${conversation.messageCount} messages, ${conversation.tokenCount} tokens`);
  for (const message of await memory.history({ userId: sample.userId, conversationId: conversation.conversationId, last: 50 })) {
    const text = message.content.length > 90 ? `${message.content.slice(0, 87).replaceAll("\n", " ")}...` : message.content;
    console.log(`  #${message.seq} ${message.role.padEnd(9)} ${String(message.tokenCount).padStart(4)} tok  ${text}`);
  }
}

const stats = await memory.stats({ userId: sample.userId });
console.log(
  `\nStatistics for ${sample.userId}: ${stats.conversations} conversations, ${stats.messages} messages, ${stats.tokens} tokens in ${stats.pieces} pieces`,
);
for (const [role, totals] of Object.entries(stats.byRole)) console.log(`  ${role.padEnd(9)} ${totals.messages} messages, ${totals.tokens} tokens`);

const longest = results.reduce((best, result) => (result.pieceCount > best.pieceCount ? result : best));
const original = messages[results.indexOf(longest)].content.normalize("NFC");
const rebuilt = await memory.getMessage({ userId: longest.userId, conversationId: longest.conversationId, id: longest.id });
console.log(`\nLongest message: ${longest.tokenCount} tokens stored in ${longest.pieceCount} pieces (512 tokens at most each);`);
console.log(
  `rebuilt from its pieces it is ${rebuilt.content === original ? "byte for byte identical" : "DIFFERENT"} to what was sent (sha256 ${rebuilt.sha256.slice(0, 16)}…):\n`,
);
console.log(rebuilt.content.split("\n").slice(0, 3).join("\n"));
console.log("…");

// What the model sees on the next call: the last conversation within a 1,500-token budget.
const [latest] = await memory.conversations({ userId: sample.userId, limit: 1 });
await memory.modelMemory.add({ userId: sample.userId, content: "Prefers step-by-step answers", category: "style", by: "model" });
const context = await memory.buildContext({ userId: sample.userId, conversationId: latest.conversationId, maxTokens: 1500, reserve: 300 });
console.log(`
Context for the next call in ${latest.conversationId}: ${context.messages.length} messages, ${context.tokenCount} tokens (budget 1,200)`);
for (const [name, section] of Object.entries(context.sections)) {
  const left = section.omitted.length ? `, ${section.omitted.length} left out (${[...new Set(section.omitted.map((o) => o.reason))].join(", ")})` : "";
  console.log(`  ${name.padEnd(9)} ${String(section.tokens).padStart(4)} tok, ${section.included.length} included${left}`);
}
console.log(`  summary: ${context.summary.status}`);
await memory.close();
