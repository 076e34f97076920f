import type { Queryable } from "../driver/driver.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import type { MessageRole } from "../ingest/message-input.js";
import { type ImportedConversation, type ImportedMessage, type ImportItem, isRecord, tally } from "./imported-conversation.js";

/** Options for {@link readLangChainPostgres}. */
export interface LangChainPostgresReadOptions {
  /** The table `PostgresChatMessageHistory` writes to, optionally schema-qualified. @default "langchain_chat_histories" */
  tableName?: string | undefined;
  /** Only these sessions. @default every session in the table */
  sessionIds?: readonly string[] | undefined;
}

const typeToRole: Record<string, MessageRole> = { human: "user", ai: "assistant", system: "system", tool: "tool", function: "tool", generic: "user" };

/**
 * Reads the table of LangChain's `PostgresChatMessageHistory` (`@langchain/community`: columns `id SERIAL`,
 * `session_id VARCHAR(255)`, `message JSONB` holding the message's `toDict()` data and `type`): one
 * conversation per session, messages in `id` order, the id `langchain:` + the session id. A row that is not
 * a LangChain message makes its session a problem (never half-imported).
 * @param source - a connection to the database that holds the table (e.g. `openDriver(url)`).
 * @throws NotFoundError when the table does not exist; InvalidInputError for a bad table name.
 * @example
 * const source = await openDriver("postgres://localhost/app");
 * const report = await importConversations(memory, { userId: "me", items: await readLangChainPostgres(source) });
 */
export async function readLangChainPostgres(source: Queryable, options: LangChainPostgresReadOptions = {}): Promise<AsyncGenerator<ImportItem>> {
  const table = quoteTable(options.tableName ?? "langchain_chat_histories");
  let sessions: string[];
  try {
    const { rows } = await source.query<{ session_id: string }>(`SELECT DISTINCT session_id FROM ${table} ORDER BY session_id`);
    sessions = rows.map((row) => row.session_id).filter((id) => !options.sessionIds || options.sessionIds.includes(id));
  } catch (error) {
    if (MnemoError.isInstance(error) && /42P01|3F000/.test(error.message)) {
      throw new NotFoundError(`No table ${options.tableName ?? "langchain_chat_histories"} in that database; pass --table with the table name.`, {
        cause: error,
      });
    }
    throw error;
  }
  return readSessions(source, table, sessions);
}

async function* readSessions(source: Queryable, table: string, sessions: string[]): AsyncGenerator<ImportItem> {
  for (const sessionId of sessions) {
    const { rows } = await source.query<{ id: number; message: unknown }>(`SELECT id, message FROM ${table} WHERE session_id = $1 ORDER BY id`, [sessionId]);
    const where = `${table}/${sessionId}`;
    try {
      yield { conversation: toConversation(sessionId, where, rows) };
    } catch (error) {
      if (!MnemoError.isInstance(error)) throw error;
      yield { problem: { source: where, message: error.message } };
    }
  }
}

function quoteTable(name: string): string {
  const parts = name.split(".");
  if (parts.length > 2 || parts.some((part) => !/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(part))) {
    throw new InvalidInputError("tableName: must be a table name, optionally schema-qualified (letters, digits, _).");
  }
  return parts.map((part) => `"${part}"`).join(".");
}

function toConversation(sessionId: string, source: string, rows: { id: number; message: unknown }[]): ImportedConversation {
  const skipped: Record<string, number> = {};
  const messages: ImportedMessage[] = [];
  for (const row of rows) {
    const message = toMessage(row.message, skipped);
    if (message) messages.push({ ...message, metadata: { ...message.metadata, langchainRowId: Number(row.id) } });
  }
  return { conversationId: `langchain:${sessionId}`, source, metadata: { format: "langchain-postgres", sessionId }, messages, skipped };
}

function toMessage(stored: unknown, skipped: Record<string, number>): ImportedMessage | undefined {
  if (!isRecord(stored) || typeof stored.type !== "string") throw new InvalidInputError("A row is not a LangChain message (no type).");
  // Rows written by old LangChain versions nest the fields under `data`.
  const data = isRecord(stored.data) ? stored.data : stored;
  const role = typeToRole[stored.type];
  if (!role) throw new InvalidInputError(`A row has an unknown LangChain message type; expected one of ${Object.keys(typeToRole).join(", ")}.`);
  const content = textOf(data.content ?? data.text, skipped);
  const metadata: Record<string, unknown> = { langchainType: stored.type };
  for (const key of ["id", "tool_calls", "tool_call_id", "status"] as const) {
    if (data[key] !== undefined && data[key] !== null && !(Array.isArray(data[key]) && data[key].length === 0)) metadata[key] = data[key];
  }
  if (isRecord(data.response_metadata) && typeof data.response_metadata.model_name === "string") metadata.model = data.response_metadata.model_name;
  if (content.trim() === "") {
    tally(skipped, "message without text");
    return undefined;
  }
  const name =
    typeof data.name === "string" && data.name !== "" ? data.name : stored.type === "generic" && typeof data.role === "string" ? data.role : undefined;
  return { role, content, name, metadata };
}

function textOf(content: unknown, skipped: Record<string, number>): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw new InvalidInputError("A row's content is neither text nor a list of content blocks.");
  const texts: string[] = [];
  for (const block of content) {
    if (typeof block === "string") texts.push(block);
    else if (isRecord(block) && block.type === "text" && typeof block.text === "string") texts.push(block.text);
    else tally(skipped, isRecord(block) ? `content:${String(block.type)}` : "content:invalid");
  }
  return texts.join("\n");
}
