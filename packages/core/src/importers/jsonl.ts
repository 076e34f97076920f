import { type MessageRole, messageRoles } from "../ingest/message-input.js";
import { type ImportedConversation, type ImportedMessage, type ImportItem, isRecord, toDate } from "./imported-conversation.js";
import { defaultMaxFileBytes, readSourceFile } from "./read-source-file.js";

/** Options for {@link readJsonl}. */
export interface JsonlReadOptions {
  /** A larger file is refused. @default 512 MiB */
  maxFileBytes?: number | undefined;
}

const roleAliases: Record<string, MessageRole> = { human: "user", ai: "assistant", bot: "assistant", model: "assistant", function: "tool" };

/**
 * Reads a JSON Lines file of messages, one object per line:
 * `{"conversationId": "trip", "role": "user", "content": "…", "createdAt"?: "2026-05-01T10:00:00Z" | epoch ms,
 * "name"?, "title"?, "metadata"?, "id"?}` (`conversation_id`/`session_id` and `text` are accepted too; roles
 * `human`/`ai` map to `user`/`assistant`). Lines are grouped by conversation in file order; the id is
 * `jsonl:` + the conversation id. A line that is not JSON is reported; a line with a known conversation but
 * wrong fields makes that whole conversation a problem (never half-imported); blank lines are ignored.
 * @throws NotFoundError for a missing file; InvalidInputError for one over the size limit.
 * @example
 * const report = await importConversations(memory, { userId: "me", items: await readJsonl("chats.jsonl") });
 */
export async function readJsonl(file: string, options: JsonlReadOptions = {}): Promise<AsyncGenerator<ImportItem>> {
  const lines = utf8Lines(await readSourceFile(file, options.maxFileBytes ?? defaultMaxFileBytes));
  const conversations = new Map<string, ImportedConversation & { broken?: string }>();
  const problems: ImportItem[] = [];
  lines.forEach((line, index) => {
    const source = `${file}:${index + 1}`;
    if (line === undefined) {
      problems.push({ problem: { source, message: "Not valid UTF-8 (corrupt line)." } });
      return;
    }
    if (line.trim() === "") return;
    const parsed = parseLine(line);
    if ("problem" in parsed) {
      problems.push({ problem: { source, message: parsed.problem } });
      return;
    }
    const conversation = conversations.get(parsed.conversationId) ?? { conversationId: `jsonl:${parsed.conversationId}`, source: file, messages: [] };
    conversations.set(parsed.conversationId, conversation);
    if ("invalid" in parsed) conversation.broken ??= `line ${index + 1}: ${parsed.invalid}`;
    else {
      conversation.messages.push(parsed.message);
      if (parsed.title && !conversation.title) conversation.title = parsed.title;
    }
  });
  return items(problems, [...conversations.values()]);
}

async function* items(problems: ImportItem[], conversations: (ImportedConversation & { broken?: string })[]): AsyncGenerator<ImportItem> {
  yield* problems;
  for (const { broken, ...conversation } of conversations) {
    if (broken) yield { problem: { source: `${conversation.source} (${conversation.conversationId})`, message: `Conversation not imported: ${broken}` } };
    else {
      conversation.createdAt = conversation.messages.find((message) => message.createdAt)?.createdAt;
      conversation.metadata = { format: "jsonl" };
      yield { conversation };
    }
  }
}

type ParsedLine = { problem: string } | { conversationId: string; invalid: string } | { conversationId: string; message: ImportedMessage; title?: string };

function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: "Not valid JSON (truncated or corrupt line)." };
  }
  if (!isRecord(value)) return { problem: "Expected a JSON object." };
  const conversationId = value.conversationId ?? value.conversation_id ?? value.session_id;
  if (typeof conversationId !== "string" || conversationId === "") return { problem: "Missing conversationId (a non-empty string)." };
  const rawRole = typeof value.role === "string" ? value.role.toLowerCase() : undefined;
  const role = rawRole && ((messageRoles as readonly string[]).includes(rawRole) ? (rawRole as MessageRole) : roleAliases[rawRole]);
  if (!role) return { conversationId, invalid: `role must be one of ${messageRoles.join(", ")}.` };
  const content = value.content ?? value.text;
  if (typeof content !== "string" || content.trim() === "") return { conversationId, invalid: "content must be a non-empty string." };
  const createdAt = value.createdAt ?? value.created_at ?? value.timestamp;
  const date = createdAt === undefined ? undefined : toDate(createdAt);
  if (createdAt !== undefined && !date) return { conversationId, invalid: "createdAt must be an ISO-8601 time or epoch milliseconds." };
  if (value.metadata !== undefined && !isRecord(value.metadata)) return { conversationId, invalid: "metadata must be an object." };
  const metadata: Record<string, unknown> = { ...(value.metadata as Record<string, unknown> | undefined) };
  if (typeof value.id === "string") metadata.sourceId = value.id;
  const name = typeof value.name === "string" && value.name !== "" ? value.name : undefined;
  const title = typeof value.title === "string" ? value.title : undefined;
  return { conversationId, message: { role, content, name, createdAt: date, metadata }, ...(title ? { title } : {}) };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The file's lines; a line that is not valid UTF-8 is `undefined` (reported, never stored with U+FFFD). */
function utf8Lines(bytes: Uint8Array): (string | undefined)[] {
  const lines: (string | undefined)[] = [];
  let start = 0;
  for (let index = 0; index <= bytes.length; index++) {
    if (index < bytes.length && bytes[index] !== 0x0a) continue;
    try {
      lines.push(strictUtf8.decode(bytes.subarray(start, index)).replace(/\r$/, ""));
    } catch {
      lines.push(undefined);
    }
    start = index + 1;
  }
  return lines;
}
