import { strFromU8, unzipSync } from "fflate";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { type ImportedConversation, type ImportedMessage, type ImportItem, isRecord, tally, toDate } from "./imported-conversation.js";
import { defaultMaxFileBytes, parseJson, readSourceFile } from "./read-source-file.js";

/** Options for {@link readChatGptExport}. */
export interface ChatGptReadOptions {
  /** A larger file (or `conversations.json` inside the zip) is refused. @default 512 MiB */
  maxFileBytes?: number | undefined;
}

/**
 * Reads a ChatGPT data export — `conversations.json` or the export's `.zip` — one conversation per
 * entry; an entry that is not a conversation is reported as a problem and the others still import.
 * The conversation id is `chatgpt:` + the export's conversation id.
 * @throws NotFoundError for a missing file; InvalidInputError for a file that is not an export at all
 * (corrupt zip, no conversations.json, invalid JSON, not a list).
 * @example
 * const report = await importConversations(memory, { userId: "me", items: await readChatGptExport("export.zip") });
 */
export async function readChatGptExport(file: string, options: ChatGptReadOptions = {}): Promise<AsyncGenerator<ImportItem>> {
  const maxBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const bytes = await readSourceFile(file, maxBytes);
  const text = isZip(bytes) ? conversationsFromZip(bytes, maxBytes) : bytes.toString("utf8");
  const list = parseJson(text, "conversations.json");
  if (!Array.isArray(list)) throw new InvalidInputError("Not a ChatGPT export: conversations.json must hold a list of conversations.");
  return entries(list, file);
}

async function* entries(list: unknown[], file: string): AsyncGenerator<ImportItem> {
  for (const [index, entry] of list.entries()) {
    const source = `${file}#${index}`;
    try {
      yield { conversation: parseChatGptConversation(entry, source) };
    } catch (error) {
      if (!MnemoError.isInstance(error)) throw error;
      yield { problem: { source, message: error.message } };
    }
  }
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b;
}

function conversationsFromZip(bytes: Uint8Array, maxBytes: number): string {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (entry) => /(^|\/)conversations\.json$/.test(entry.name) && entry.originalSize <= maxBytes });
  } catch (error) {
    throw new InvalidInputError("The zip file is corrupt or truncated; download the export again.", { cause: error });
  }
  const name = Object.keys(files).sort((a, b) => a.length - b.length)[0];
  if (!name) throw new InvalidInputError("The zip holds no conversations.json (or it is over the size limit); is it a ChatGPT data export?");
  return strFromU8(files[name] as Uint8Array);
}

/**
 * Turns one entry of `conversations.json` into an {@link ImportedConversation}: the path from
 * `current_node` back to the root of `mapping`, oldest first; hidden system messages, empty nodes and
 * non-text parts are left out and counted in `skipped`.
 * @throws InvalidInputError when the entry is not a conversation (no mapping, a broken parent chain).
 */
export function parseChatGptConversation(entry: unknown, source: string): ImportedConversation {
  if (!isRecord(entry) || !isRecord(entry.mapping)) throw new InvalidInputError("Not a ChatGPT conversation: expected an object with a mapping.");
  const id = entry.conversation_id ?? entry.id;
  if (typeof id !== "string" || id === "") throw new InvalidInputError("Not a ChatGPT conversation: it has no id.");
  const skipped: Record<string, number> = {};
  const messages = pathToRoot(entry.mapping, entry.current_node)
    .map((node) => toMessage(node, skipped))
    .filter((message): message is ImportedMessage => message !== undefined);
  const metadata: Record<string, unknown> = { format: "chatgpt", conversationId: id };
  if (typeof entry.default_model_slug === "string") metadata.model = entry.default_model_slug;
  return {
    conversationId: `chatgpt:${id}`,
    source,
    title: typeof entry.title === "string" && entry.title.trim() !== "" ? entry.title : undefined,
    createdAt: toDate(entry.create_time, "s"),
    metadata,
    messages,
    skipped,
  };
}

function pathToRoot(mapping: Record<string, unknown>, currentNode: unknown): Record<string, unknown>[] {
  const path: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  let id = typeof currentNode === "string" ? currentNode : lastLeaf(mapping);
  while (id !== undefined) {
    const node = mapping[id];
    if (!isRecord(node)) throw new InvalidInputError("Broken ChatGPT conversation: a node on the current path is missing.");
    if (seen.has(id)) throw new InvalidInputError("Broken ChatGPT conversation: the parent chain loops.");
    seen.add(id);
    path.push(node);
    id = typeof node.parent === "string" ? node.parent : undefined;
  }
  return path.reverse();
}

// Old exports lack current_node: take the leaf reached by following the last child from the root.
function lastLeaf(mapping: Record<string, unknown>): string | undefined {
  const root = Object.entries(mapping).find(([, node]) => isRecord(node) && (node.parent === null || node.parent === undefined));
  let id = root?.[0];
  for (let depth = 0; id !== undefined && depth < 100_000; depth++) {
    const node = mapping[id];
    const children = isRecord(node) && Array.isArray(node.children) ? node.children : [];
    const next = children.at(-1);
    if (typeof next !== "string") return id;
    id = next;
  }
  return id;
}

function toMessage(node: Record<string, unknown>, skipped: Record<string, number>): ImportedMessage | undefined {
  const message = node.message;
  if (!isRecord(message)) return undefined; // the root placeholder
  const role = isRecord(message.author) ? message.author.role : undefined;
  const metadataOfMessage = isRecord(message.metadata) ? message.metadata : {};
  if (role === "system" && (metadataOfMessage.is_visually_hidden_from_conversation === true || isBlank(message))) {
    tally(skipped, "hidden system message");
    return undefined;
  }
  if (role !== "user" && role !== "assistant" && role !== "system" && role !== "tool") {
    tally(skipped, `role:${String(role)}`);
    return undefined;
  }
  const content = textOf(message.content, skipped);
  if (content.trim() === "") {
    if (!isBlank(message)) tally(skipped, "message without text");
    return undefined;
  }
  const metadata: Record<string, unknown> = {};
  if (typeof metadataOfMessage.model_slug === "string") metadata.model = metadataOfMessage.model_slug;
  const name = isRecord(message.author) && typeof message.author.name === "string" && message.author.name !== "" ? message.author.name : undefined;
  return { role, content, name, createdAt: toDate(message.create_time, "s"), metadata };
}

function isBlank(message: Record<string, unknown>): boolean {
  const content = message.content;
  return !isRecord(content) || !Array.isArray(content.parts) || content.parts.every((part) => part === "" || part === null);
}

function textOf(content: unknown, skipped: Record<string, number>): string {
  if (!isRecord(content)) return "";
  if (typeof content.text === "string") return content.text; // code, execution output
  if (!Array.isArray(content.parts)) {
    tally(skipped, `content:${String(content.content_type)}`);
    return "";
  }
  const texts: string[] = [];
  for (const part of content.parts) {
    if (typeof part === "string") texts.push(part);
    else tally(skipped, isRecord(part) ? `part:${String(part.content_type ?? "object")}` : "part:invalid");
  }
  return texts.join("\n");
}
