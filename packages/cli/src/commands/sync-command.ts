import { existsSync, type FSWatcher, watch } from "node:fs";
import { emptyImportReport, type ImportReport, importConversations, type Memory, MnemoError } from "@mnemo/core";
import type { Command } from "commander";
import { exitCodes, UsageError } from "../program/exit-codes.js";
import { type CommandContext, runAction } from "../program/run-action.js";
import { showProgress } from "./import-commands.js";
import { describeReport, type ImportSource, importWithProgress, itemsOf, lmStudioFolder, rememberedSources } from "./import-source.js";

interface SyncOptions {
  watch?: boolean;
  interval: string;
}

/** Registers `mnemo sync`. */
export function registerSync(program: Command): void {
  program
    .command("sync")
    .description("re-import every folder and file imported before (incremental: only new conversations and messages are written)")
    .option("-w, --watch", "keep running: re-import when a source changes (and every --interval seconds)")
    .option("--interval <seconds>", "with --watch, also re-check this often", "60")
    .addHelpText(
      "after",
      "\nSources are remembered by `mnemo import lmstudio|chatgpt|jsonl`; with none, the default LM Studio folder is synced.\nLangChain tables are not remembered (they need a connection): run `mnemo import langchain-postgres` again.\nWith --watch, each pass prints one line (one JSON object per line with --json); stop it with Ctrl-C.",
    )
    .action(
      runAction<SyncOptions>(async (context) => {
        const interval = Number(context.options.interval);
        if (!Number.isFinite(interval) || interval < 0.2) throw new UsageError("--interval must be a number of seconds, at least 0.2.");
        const memory = await context.memory();
        const sources = await syncSources(memory, context.userId);
        if (!context.options.watch) {
          const report = await syncOnce(memory, context.userId, sources, showProgress(context));
          context.out.result({ sources, ...report }, (data) => describeReport(data, "Sync"));
          return report.problems.length > 0 ? exitCodes.partialImport : exitCodes.ok;
        }
        await watchSources(context, memory, sources, interval * 1000);
        return exitCodes.ok;
      }),
    );
}

async function syncSources(memory: Memory, userId: string): Promise<ImportSource[]> {
  const remembered = await rememberedSources(memory, userId);
  if (remembered.length > 0) return remembered;
  const folder = lmStudioFolder(undefined);
  if (existsSync(folder)) return [{ type: "lmstudio", path: folder }];
  throw new UsageError(`Nothing to sync: import something first (mnemo import lmstudio [dir]); the default LM Studio folder ${folder} does not exist.`);
}

async function syncOnce(memory: Memory, userId: string, sources: ImportSource[], progress: boolean): Promise<ImportReport> {
  const total = emptyImportReport();
  for (const source of sources) {
    let report: ImportReport;
    try {
      report = progress
        ? await importWithProgress(memory, userId, await itemsOf(source), true)
        : await importConversations(memory, { userId, items: await itemsOf(source) });
    } catch (error) {
      if (!MnemoError.isInstance(error) || (error.code !== "not_found" && error.code !== "invalid_input")) throw error;
      total.problems.push({ source: source.path, message: error.message });
      continue;
    }
    for (const key of ["created", "updated", "unchanged", "failed"] as const) total.conversations[key] += report.conversations[key];
    total.messages.added += report.messages.added;
    total.messages.existing += report.messages.existing;
    for (const [type, count] of Object.entries(report.skipped)) total.skipped[type] = (total.skipped[type] ?? 0) + count;
    total.problems.push(...report.problems);
  }
  return total;
}

async function watchSources(context: CommandContext<SyncOptions>, memory: Memory, sources: ImportSource[], intervalMs: number): Promise<void> {
  let wake: (() => void) | undefined;
  let changed = false;
  const watchers: FSWatcher[] = [];
  for (const source of sources) {
    try {
      const watcher = watch(source.path, { recursive: source.type === "lmstudio" }, () => {
        changed = true;
        setTimeout(() => wake?.(), 300);
      });
      watchers.push(watcher);
    } catch {
      context.out.note(`Cannot watch ${source.path} (missing?); it is re-checked every ${intervalMs / 1000} s.`);
    }
  }
  let stopping = false;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  context.out.note(`Watching ${sources.length} source(s); Ctrl-C to stop.`);
  try {
    while (!stopping) {
      changed = false;
      const report = await syncOnce(memory, context.userId, sources, false);
      const line = { at: new Date().toISOString(), ...report };
      process.stdout.write(context.out.json ? `${JSON.stringify(line)}\n` : `[${line.at}] ${describeReport(report, "Sync")}\n`);
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (changed) wake();
      });
      wake = undefined;
    }
  } finally {
    for (const watcher of watchers) watcher.close();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
