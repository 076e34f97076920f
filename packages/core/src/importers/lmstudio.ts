import { homedir } from "node:os";
import { join, relative } from "node:path";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { type ImportedConversation, type ImportedMessage, type ImportItem, isRecord, tally, toDate } from "./imported-conversation.js";
import { defaultMaxFileBytes, findFiles, parseJson, readSourceFile } from "./read-source-file.js";

/** Where LM Studio keeps its conversations: `~/.lmstudio/conversations`. */
export function defaultLmStudioFolder(): string {
  return join(homedir(), ".lmstudio", "conversations");
}

/** Options for {@link readLmStudioFolder}. */
export interface LmStudioReadOptions {
  /** Files larger than this are reported and skipped. @default 512 MiB */
  maxFileBytes?: number | undefined;
}

/**
 * Reads every LM Studio conversation file (`*.json`, searched recursively) under `folder`: one
 * conversation per file, or one problem per file that is not one (corrupt, truncated, another format).
 * The conversation id is `lmstudio:` + the file's path relative to `folder`, without `.json`.
 * @throws NotFoundError when the folder does not exist.
 * @example
 * const report = await importConversations(memory, { userId: "me", items: readLmStudioFolder(defaultLmStudioFolder()) });
 */
export async function* readLmStudioFolder(folder: string, options: LmStudioReadOptions = {}): AsyncGenerator<ImportItem> {
  for (const file of await findFiles(folder, ".json")) {
    const id = `lmstudio:${relative(folder, file)
      .replace(/\\/g, "/")
      .replace(/\.json$/, "")}`;
    try {
      const bytes = await readSourceFile(file, options.maxFileBytes ?? defaultMaxFileBytes);
      yield { conversation: parseLmStudioConversation(parseJson(bytes.toString("utf8"), "The file"), { conversationId: id, source: file }) };
    } catch (error) {
      if (!MnemoError.isInstance(error)) throw error;
      yield { problem: { source: file, message: error.message } };
    }
  }
}

/**
 * Turns one parsed LM Studio conversation file into an {@link ImportedConversation}: the selected
 * version of each message, text blocks joined; model, system prompt, token count, generation stats
 * and file path kept as metadata; other content and step types counted in `skipped`.
 * @throws InvalidInputError when the value is not an LM Studio conversation.
 */
export function parseLmStudioConversation(value: unknown, where: { conversationId: string; source: string }): ImportedConversation {
  if (!isRecord(value) || !Array.isArray(value.messages)) {
    throw new InvalidInputError("Not an LM Studio conversation: expected an object with a messages array.");
  }
  const skipped: Record<string, number> = {};
  const messages: ImportedMessage[] = [];
  value.messages.forEach((message, index) => {
    const imported = selectedVersion(message, index, skipped);
    if (imported) messages.push(imported);
  });
  const systemPrompt = findSystemPrompt(value);
  const model = isRecord(value.lastUsedModel) ? value.lastUsedModel.identifier : undefined;
  const metadata: Record<string, unknown> = { format: "lmstudio", file: where.source };
  if (typeof model === "string") metadata.model = model;
  if (systemPrompt) metadata.systemPrompt = systemPrompt;
  if (typeof value.tokenCount === "number") metadata.tokenCount = value.tokenCount;
  return {
    conversationId: where.conversationId,
    source: where.source,
    title: typeof value.name === "string" && value.name.trim() !== "" ? value.name : undefined,
    createdAt: toDate(value.createdAt),
    metadata,
    messages,
    skipped,
  };
}

function findSystemPrompt(value: Record<string, unknown>): string | undefined {
  const config = value.perChatPredictionConfig;
  if (isRecord(config) && Array.isArray(config.fields)) {
    const field = config.fields.find((entry) => isRecord(entry) && entry.key === "llm.prediction.systemPrompt");
    if (isRecord(field) && typeof field.value === "string" && field.value.trim() !== "") return field.value;
  }
  return typeof value.systemPrompt === "string" && value.systemPrompt.trim() !== "" ? value.systemPrompt : undefined;
}

function selectedVersion(message: unknown, index: number, skipped: Record<string, number>): ImportedMessage | undefined {
  if (!isRecord(message) || !Array.isArray(message.versions)) throw new InvalidInputError(`messages.${index}: expected an object with versions.`);
  const selected = typeof message.currentlySelected === "number" ? message.currentlySelected : 0;
  const version = message.versions[selected] ?? message.versions[0];
  if (!isRecord(version)) throw new InvalidInputError(`messages.${index}: the selected version is missing.`);
  const role = version.role;
  if (role !== "user" && role !== "assistant" && role !== "system") {
    tally(skipped, `role:${String(role)}`);
    return undefined;
  }
  const metadata: Record<string, unknown> = {};
  if (message.versions.length > 1) metadata.versions = message.versions.length;
  const texts: string[] = [];
  if (Array.isArray(version.content)) texts.push(...contentTexts(version.content, skipped, metadata));
  if (Array.isArray(version.steps)) texts.push(...stepTexts(version.steps, skipped, metadata));
  const content = texts.join("\n\n");
  if (content.trim() === "") {
    tally(skipped, "empty message");
    return undefined;
  }
  return { role, content, metadata };
}

function contentTexts(blocks: unknown[], skipped: Record<string, number>, metadata: Record<string, unknown>): string[] {
  const texts: string[] = [];
  for (const block of blocks) {
    if (isRecord(block) && block.type === "text" && typeof block.text === "string") texts.push(block.text);
    else if (isRecord(block) && block.type === "file") {
      if (!Array.isArray(metadata.files)) metadata.files = [];
      (metadata.files as unknown[]).push({ name: block.fileIdentifier ?? block.name, type: block.fileType });
      tally(skipped, "file");
    } else tally(skipped, isRecord(block) ? `content:${String(block.type)}` : "content:invalid");
  }
  return texts;
}

function stepTexts(steps: unknown[], skipped: Record<string, number>, metadata: Record<string, unknown>): string[] {
  const texts: string[] = [];
  for (const step of steps) {
    if (!isRecord(step) || step.type !== "contentBlock" || !Array.isArray(step.content)) {
      tally(skipped, isRecord(step) ? `step:${String(step.type)}` : "step:invalid");
      continue;
    }
    texts.push(...contentTexts(step.content, skipped, metadata));
    const genInfo = step.genInfo;
    if (isRecord(genInfo) && isRecord(genInfo.stats)) metadata.stats = genInfo.stats;
    if (isRecord(genInfo) && typeof genInfo.identifier === "string") metadata.model = genInfo.identifier;
  }
  return texts;
}
