// Mnemo quick start: import realistic LM Studio conversations into an embedded store (PGlite: no
// server, offline), print statistics and topics, then answer a question the way Mnemo helps a local
// model — an enhanced prompt built from relevant earlier exchanges, and a token-budgeted context.
// One process, one store opening; each step names the `mnemo` command that does the same.
import { resolve } from "node:path";
import { createMemory, enhancePrompt, importConversations, readLmStudioFolder } from "@mnemo/core";

const started = Date.now();
const dataDir = resolve(process.env.MNEMO_HOME ?? ".mnemo-quickstart");
const samples = resolve(import.meta.dirname, "../lmstudio-sample");
const userId = "me";
const question = "How can I make my nightly PostgreSQL load of 40 million rows faster?";
const step = (title, command) => console.log(`\n── ${title}   (same as: mnemo --data-dir ${dataDir} ${command})`);

const memory = await createMemory({ database: { dataDir } });
try {
  console.log(`Mnemo quick start: embedded store in ${dataDir}; nothing leaves this machine.`);

  step("Import the sample LM Studio conversations", "import lmstudio examples/lmstudio-sample");
  const report = await importConversations(memory, { userId, items: readLmStudioFolder(samples) });
  const { created, updated, unchanged } = report.conversations;
  console.log(
    `${created} new, ${updated} updated, ${unchanged} unchanged conversations; ${report.messages.added} new messages, ${report.messages.existing} already stored.`,
  );

  step("Statistics and topics", "stats");
  const stats = await memory.stats({ userId });
  console.log(
    `${stats.conversations} conversations, ${stats.messages} messages, ${stats.tokens} tokens, ${stats.firstMessageAt?.toISOString().slice(0, 10)} to ${stats.lastMessageAt?.toISOString().slice(0, 10)}`,
  );
  for (const [role, totals] of Object.entries(stats.byRole))
    console.log(`  ${role.padEnd(9)} ${String(totals.messages).padStart(3)} messages ${String(totals.tokens).padStart(6)} tokens`);
  const { topics } = await memory.topics({ userId });
  for (const topic of topics) console.log(`  topic: ${topic.keywords.join(", ")} (${topic.conversations.length} conversations)`);

  step("An enhanced prompt for a new question, context within 600 tokens", `enhance "${question}"`);
  const enhanced = await enhancePrompt(memory, { userId, question, maxContextTokens: 600 });
  console.log(enhanced.prompt);
  console.log(
    `\n(${enhanced.sources.length} earlier exchanges, ${enhanced.tokens.context} context tokens, keywords: ${enhanced.keywords.join(", ")}; summariser: ${enhanced.summarizer})`,
  );

  step("The same question in a new chat: the budgeted context for the next model call", "context quickstart:new-chat --max-tokens 1200 --reserve 400");
  await memory.settings.set({ userId, key: "system_prompt", value: "You are a concise assistant. Use what you know about the user." });
  await memory.modelMemory.add({ userId, content: "Runs PostgreSQL 16 and loads data nightly from CSV files", category: "setup", by: "model" });
  await memory.append({ userId, conversationId: "quickstart:new-chat", role: "user", content: question });
  const { messages, tokenCount, budget, sections } = await memory.buildContext({
    userId,
    conversationId: "quickstart:new-chat",
    maxTokens: 1200,
    reserve: 400,
  });
  console.log(
    `${tokenCount} tokens ≤ ${budget.maxTokens} − ${budget.reserve} reserved for the answer: ${Object.entries(sections)
      .filter(([, section]) => section.tokens > 0)
      .map(([name, section]) => `${name} ${section.tokens}`)
      .join(", ")}`,
  );
  for (const message of messages) console.log(`\n[${message.role}]\n${message.content}`);
} finally {
  await memory.close();
}
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Run it again: nothing new is stored (imports are idempotent).`);
console.log('Next: mnemo import lmstudio (your ~/.lmstudio/conversations), mnemo enhance "…" --copy, mnemo ui — see packages/cli/README.md.');
