import { resolve } from "node:path";
import {
  defaultLmStudioFolder,
  type ImportItem,
  type ImportReport,
  importConversations,
  type Memory,
  openDriver,
  readChatGptExport,
  readJsonl,
  readLangChainPostgres,
  readLmStudioFolder,
  type SettingValue,
} from "@mnemo/core";
import { createProgress } from "../progress/progress.js";

/** A source that `sync` can read again: a folder or file, by importer. */
export interface ImportSource {
  type: "lmstudio" | "chatgpt" | "jsonl";
  path: string;
}

/** The setting where file sources are remembered for `sync`. */
export const sourcesSetting = "import.sources";

/** Reads a file source into import items. */
export async function itemsOf(source: ImportSource, maxFileBytes?: number): Promise<AsyncIterable<ImportItem>> {
  const options = { maxFileBytes };
  if (source.type === "lmstudio") return readLmStudioFolder(source.path, options);
  if (source.type === "chatgpt") return readChatGptExport(source.path, options);
  return readJsonl(source.path, options);
}

/** The folder `import lmstudio` reads when none is given. */
export function lmStudioFolder(folder: string | undefined): string {
  return resolve(folder ?? defaultLmStudioFolder());
}

/** Imports items with a progress display (conversations, messages, rate) on stderr. */
export async function importWithProgress(memory: Memory, userId: string, items: AsyncIterable<ImportItem>, showProgress: boolean): Promise<ImportReport> {
  const progress = createProgress({
    label: "Importing",
    unit: "conversations",
    total: 0,
    enabled: showProgress,
    extra: "{messages} new messages | {problems} problems",
  });
  try {
    return await importConversations(memory, {
      userId,
      items,
      onProgress(report) {
        const { created, updated, unchanged, failed } = report.conversations;
        progress.update(created + updated + unchanged + failed, { messages: report.messages.added, problems: report.problems.length });
      },
    });
  } finally {
    progress.stop();
  }
}

/** Imports a LangChain `PostgresChatMessageHistory` table from the database at `url`. */
export async function importLangChain(memory: Memory, userId: string, options: { url: string; table: string; sessions?: string[] }, showProgress: boolean) {
  const source = await openDriver(options.url, 2);
  try {
    const items = await readLangChainPostgres(source, { tableName: options.table, sessionIds: options.sessions });
    return await importWithProgress(memory, userId, items, showProgress);
  } finally {
    await source.close();
  }
}

/** Remembers a file source for `sync` (in the user's `import.sources` setting), once. */
export async function rememberSource(memory: Memory, userId: string, source: ImportSource): Promise<void> {
  const known = await rememberedSources(memory, userId);
  if (known.some((entry) => entry.type === source.type && entry.path === source.path)) return;
  await memory.settings.set({ userId, key: sourcesSetting, value: [...known, source] as unknown as SettingValue, by: "system" });
}

/** The file sources imported before, for `sync`. */
export async function rememberedSources(memory: Memory, userId: string): Promise<ImportSource[]> {
  const value = (await memory.settings.get({ userId })).values[sourcesSetting];
  if (!Array.isArray(value)) return [];
  const sources: ImportSource[] = [];
  for (const entry of value as unknown[]) {
    const { type, path } = (entry ?? {}) as Record<string, unknown>;
    if ((type === "lmstudio" || type === "chatgpt" || type === "jsonl") && typeof path === "string") sources.push({ type, path });
  }
  return sources;
}

/** The report for people. */
export function describeReport(report: ImportReport, heading = "Import"): string {
  const { created, updated, unchanged, failed } = report.conversations;
  const lines = [
    `${heading}: ${created} new, ${updated} updated, ${unchanged} unchanged, ${failed} failed conversations; ${report.messages.added} new messages (${report.messages.existing} already stored).`,
  ];
  const skipped = Object.entries(report.skipped);
  if (skipped.length > 0) lines.push(`Not imported (no text): ${skipped.map(([type, count]) => `${count} ${type}`).join(", ")}.`);
  if (report.problems.length > 0) {
    lines.push(`${report.problems.length} problem(s), skipped:`);
    for (const problem of report.problems) lines.push(`  ${problem.source}: ${problem.message}`);
  }
  return lines.join("\n");
}
