import { MnemoError } from "../errors/mnemo-error.js";
import type { Memory } from "../memory/memory.js";
import { type ImportedConversation, type ImportItem, type ImportProblem, tally, toMessageInputs } from "./imported-conversation.js";

/** Options for {@link importConversations}. */
export interface ImportOptions {
  /** Whose memory the conversations go into. */
  userId: string;
  /** What to import: a reader such as `readLmStudioFolder(folder)` or `await readChatGptExport(file)`. */
  items: AsyncIterable<ImportItem> | Iterable<ImportItem>;
  /** Called after each conversation or problem, with the running report. */
  onProgress?: ((report: ImportReport) => void) | undefined;
}

/** What an import did. A second run of the same data reports every conversation `unchanged`. */
export interface ImportReport {
  conversations: {
    /** New conversations. */
    created: number;
    /** Conversations that existed and got new messages (an LM Studio chat that went on). */
    updated: number;
    /** Conversations already fully stored: nothing written. */
    unchanged: number;
    /** Conversations not written because the store rejected them (a message over the size limit…); see `problems`. */
    failed: number;
  };
  messages: { added: number; existing: number };
  /** Parts of the sources that were not imported (images, tool steps, empty messages…), by type. */
  skipped: Record<string, number>;
  /** Files, entries or rows reported and skipped: corrupt, truncated, another format, too large. */
  problems: ImportProblem[];
}

/** An empty {@link ImportReport}. */
export function emptyImportReport(): ImportReport {
  return { conversations: { created: 0, updated: 0, unchanged: 0, failed: 0 }, messages: { added: 0, existing: 0 }, skipped: {}, problems: [] };
}

/**
 * Writes imported conversations into a memory, one conversation per transaction (`appendMany`), so a
 * conversation is stored whole or not at all. Idempotent and incremental: messages carry stable SHA-256
 * ids ({@link importedMessageId}), so a conversation already stored is recognised with one indexed read
 * and skipped, and one that grew gets only its new messages. A source that cannot be read, or a
 * conversation the store rejects, is reported in `problems` and the import goes on; other errors (the
 * database is down) stop it and are thrown.
 * @example
 * const report = await importConversations(memory, { userId: "me", items: readLmStudioFolder(defaultLmStudioFolder()) });
 * console.log(report.conversations.created, report.messages.added, report.problems);
 */
export async function importConversations(memory: Memory, options: ImportOptions): Promise<ImportReport> {
  const report = emptyImportReport();
  for await (const item of options.items) {
    if ("problem" in item) report.problems.push(item.problem);
    else await writeConversation(memory, options.userId, item.conversation, report);
    options.onProgress?.(report);
  }
  return report;
}

async function writeConversation(memory: Memory, userId: string, conversation: ImportedConversation, report: ImportReport): Promise<void> {
  for (const [type, count] of Object.entries(conversation.skipped ?? {})) tally(report.skipped, type, count);
  const inputs = toMessageInputs(userId, conversation);
  if (inputs.length === 0) {
    report.problems.push({ source: conversation.source, message: "The conversation has no messages with text; nothing imported." });
    return;
  }
  const stored = await storedIds(memory, userId, conversation.conversationId);
  const fresh = inputs.filter((input) => !stored.has(input.id as string));
  if (fresh.length === 0) {
    report.conversations.unchanged += 1;
    report.messages.existing += inputs.length;
    return;
  }
  try {
    const results = await memory.appendMany(fresh);
    const added = results.filter((result) => result.created).length;
    report.messages.added += added;
    report.messages.existing += inputs.length - added;
    if (stored.size === 0) report.conversations.created += 1;
    else report.conversations.updated += 1;
  } catch (error) {
    if (!MnemoError.isInstance(error) || error.code === "unavailable" || error.code === "migration_mismatch") throw error;
    report.conversations.failed += 1;
    report.problems.push({ source: conversation.source, message: `Not imported (${error.code}): ${error.message}` });
  }
}

// The ids of a conversation's stored messages: one read along the primary key, in pages.
async function storedIds(memory: Memory, userId: string, conversationId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let afterSeq = 0;
  for (;;) {
    const page = await memory.history({ userId, conversationId, afterSeq, limit: 10_000 });
    for (const message of page) ids.add(message.id);
    if (page.length < 10_000) return ids;
    afterSeq = page.at(-1)?.seq ?? afterSeq;
  }
}
