import { type ModelMemoryEntry, NotFoundError } from "@mnemo/core";
import type { Command } from "commander";
import { UsageError } from "../program/exit-codes.js";
import { integerOption, numberOption, oneLine } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";

const describeEntry = (entry: ModelMemoryEntry) =>
  `${entry.memoryId}  [${entry.category ?? "-"}] ${oneLine(entry.content, 120)}  (importance ${entry.importance}, v${entry.version})`;

/** Registers `mnemo memory list|add|edit|rm`: the curated long-term facts and preferences. */
export function registerMemory(program: Command): void {
  const memoryCommand = program.command("memory").description("the model memory: curated long-term facts and preferences (list, add, edit, rm)");
  memoryCommand
    .command("list")
    .description("list entries, most important and recent first")
    .option("--category <name>", "only this category")
    .option("--search <text>", "the entries most relevant to this text instead")
    .option("-n, --limit <n>", "entries", "50")
    .action(
      runAction<{ category?: string; search?: string; limit: string }>(async (context) => {
        const memory = await context.memory();
        const limit = integerOption(context.options.limit, "--limit", { min: 1, max: 1000 });
        const entries = context.options.search
          ? await memory.modelMemory.search({
              userId: context.userId,
              query: context.options.search,
              limit: Math.min(limit ?? 10, 200),
              categories: context.options.category ? [context.options.category] : undefined,
            })
          : await memory.modelMemory.list({ userId: context.userId, category: context.options.category, limit });
        context.out.result(entries, (list) => (list.length === 0 ? "No memory entries." : list.map(describeEntry).join("\n")));
      }),
    );
  memoryCommand
    .command("add")
    .argument("<content...>", "the fact or preference, e.g. prefers metric units")
    .description("add an entry (an identical or near-identical one is updated instead)")
    .option("--category <name>", "e.g. preference, fact, project")
    .option("--importance <0-1>", "how much it matters", "0.5")
    .action(
      runAction<{ category?: string; importance: string }>(async (context, ...words) => {
        const memory = await context.memory();
        const result = await memory.modelMemory.add({
          userId: context.userId,
          content: words.join(" "),
          category: context.options.category,
          importance: numberOption(context.options.importance, "--importance", { min: 0, max: 1 }),
          by: "user",
        });
        context.out.result(result, (data) => `${data.action}: ${describeEntry(data.entry)}`);
      }),
    );
  memoryCommand
    .command("edit")
    .argument("<id>", "the entry's id (from `mnemo memory list`)")
    .description("change an entry's content, category or importance (the old version stays in its history)")
    .option("--content <text>", "new content")
    .option("--category <name>", "new category")
    .option("--importance <0-1>", "new importance")
    .action(
      runAction<{ content?: string; category?: string; importance?: string }>(async (context, memoryId) => {
        const { content, category, importance } = context.options;
        if (content === undefined && category === undefined && importance === undefined)
          throw new UsageError("Nothing to change: pass --content, --category or --importance.");
        const memory = await context.memory();
        const entry = await memory.modelMemory.update({
          userId: context.userId,
          memoryId: memoryId as string,
          content,
          category,
          importance: numberOption(importance, "--importance", { min: 0, max: 1 }),
          by: "user",
        });
        context.out.result(entry, (data) => `updated: ${describeEntry(data)}`);
      }),
    );
  memoryCommand
    .command("rm")
    .argument("<id>", "the entry's id")
    .description("delete an entry (its history records the deletion)")
    .action(
      runAction(async (context, memoryId) => {
        const memory = await context.memory();
        const deleted = await memory.modelMemory.delete({ userId: context.userId, memoryId: memoryId as string, by: "user" });
        if (!deleted) throw new NotFoundError(`No memory entry ${memoryId}; list them with \`mnemo memory list\`.`);
        context.out.result({ deleted: memoryId }, () => `deleted ${memoryId}`);
      }),
    );
}
