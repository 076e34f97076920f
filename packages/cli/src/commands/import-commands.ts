import { resolve } from "node:path";
import type { ImportReport } from "@mnemo/core";
import type { Command } from "commander";
import { exitCodes, UsageError } from "../program/exit-codes.js";
import { type CommandContext, runAction } from "../program/run-action.js";
import { describeReport, type ImportSource, importLangChain, importWithProgress, itemsOf, lmStudioFolder, rememberSource } from "./import-source.js";

interface FileOptions {
  maxFileMb?: string;
}

/** Registers `mnemo import lmstudio|chatgpt|jsonl|langchain-postgres`. */
export function registerImport(program: Command): void {
  const command = program
    .command("import")
    .description("import conversations from LM Studio, a ChatGPT export, JSON Lines, or a LangChain Postgres table")
    .addHelpText(
      "after",
      "\nEvery import is idempotent (a second run adds nothing) and incremental (a conversation that went on gets only its new messages).\nEach conversation is written in one transaction; corrupt or unknown files are reported and skipped (exit status 8).",
    );
  const maxFile = (sub: Command) => sub.option("--max-file-mb <n>", "skip files larger than this many MiB", "512");

  maxFile(
    command
      .command("lmstudio")
      .argument("[dir]", "folder searched recursively for *.json conversation files", "~/.lmstudio/conversations")
      .description("import LM Studio conversations (one file = one conversation)"),
  ).action(
    runAction<FileOptions>(async (context, dir) => {
      const folder = dir === "~/.lmstudio/conversations" ? lmStudioFolder(undefined) : lmStudioFolder(dir);
      return importFile(context, { type: "lmstudio", path: folder });
    }),
  );

  maxFile(command.command("chatgpt").argument("<file>", "conversations.json or the export's .zip").description("import a ChatGPT data export")).action(
    runAction<FileOptions>(async (context, file) => importFile(context, { type: "chatgpt", path: resolve(file as string) })),
  );

  maxFile(
    command
      .command("jsonl")
      .argument("<file>", "a .jsonl file")
      .description("import JSON Lines: one message per line")
      .addHelpText(
        "after",
        '\nEach line: {"conversationId": "trip", "role": "user", "content": "…", "createdAt": "2026-05-01T10:00:00Z", "title": "…", "name": "…", "metadata": {…}}\n(conversation_id / session_id, text, and roles human / ai are accepted too; createdAt, title, name, metadata are optional.)',
      ),
  ).action(runAction<FileOptions>(async (context, file) => importFile(context, { type: "jsonl", path: resolve(file as string) })));

  command
    .command("langchain-postgres")
    .description("import LangChain's PostgresChatMessageHistory table (one conversation per session_id)")
    .option("--source <url>", "the database holding the table (default: $LANGCHAIN_DATABASE_URL)")
    .option("--table <name>", "the table name, optionally schema-qualified", "langchain_chat_histories")
    .option("--session <id...>", "only these session ids")
    .action(
      runAction<{ source?: string; table: string; session?: string[] }>(async (context) => {
        const url = context.options.source ?? process.env.LANGCHAIN_DATABASE_URL;
        if (!url) throw new UsageError("Pass --source postgres://… (the database that holds the LangChain table), or set LANGCHAIN_DATABASE_URL.");
        const memory = await context.memory();
        const report = await importLangChain(
          memory,
          context.userId,
          { url, table: context.options.table, sessions: context.options.session },
          showProgress(context),
        );
        return finish(context, report);
      }),
    );
}

async function importFile(context: CommandContext<FileOptions>, source: ImportSource): Promise<number> {
  const maxFileBytes = mebibytes(context.options.maxFileMb);
  const items = await itemsOf(source, maxFileBytes);
  const memory = await context.memory();
  const report = await importWithProgress(memory, context.userId, items, showProgress(context));
  await rememberSource(memory, context.userId, source);
  return finish(context, report, source);
}

function finish(context: { out: CommandContext["out"] }, report: ImportReport, source?: ImportSource): number {
  context.out.result({ ...(source ? { source } : {}), ...report }, (data) => describeReport(data));
  return report.problems.length > 0 ? exitCodes.partialImport : exitCodes.ok;
}

/** True when a progress bar may be drawn (not --json, not --no-progress). */
export function showProgress(context: { out: { json: boolean }; options: { progress?: boolean | undefined } }): boolean {
  return !context.out.json && context.options.progress !== false;
}

function mebibytes(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError("--max-file-mb must be a positive number.");
  return Math.round(value * 1024 * 1024);
}
