import { InvalidInputError, type Memory, type StoredMessage } from "@mnemo/core";
import { type LlamaIndexMemoryMessage, toMemoryMessage, toMessageInput } from "../chat-store/llamaindex-message-mapping.js";

/** Which Mnemo conversation a LlamaIndex `Memory` session is. */
export interface MnemoSessionOptions {
  /** The Mnemo memory to store in (from `createMemory`). */
  memory: Memory;
  /** The tenant: every read and write is scoped to this user. */
  userId: string;
  /** The session: Mnemo's `conversationId`. */
  sessionId: string;
}

/** The records collection that keeps each session's long-term memory cursor. */
export const sessionCursorCollection = "llamaindex:memory-sessions";

const pageSize = 1_000;

/**
 * The stored session as a LlamaIndex `Memory` snapshot, to pass to LlamaIndex's own
 * `loadMemory(snapshot, { tokenLimit, memoryBlocks })`: every message of the conversation with its id
 * and time, oldest first, and the memory cursor saved last time (how many messages the memory blocks
 * have already taken, so a restart does not feed them again). It is a string, not a `Memory`, so that
 * the `Memory` is built by the same copy of LlamaIndex as your chat engine (which checks `instanceof`).
 * @example
 * const session = { memory, userId: "ada", sessionId: "trip" };
 * const chatMemory = loadMemory(await loadSessionSnapshot(session), { tokenLimit: 4000, memoryBlocks });
 * const engine = new ContextChatEngine({ retriever, chatHistory: chatMemory });
 * await engine.chat({ message: "Where did we stay last time?" });
 * await saveSessionSnapshot(chatMemory, session);
 */
export async function loadSessionSnapshot(options: MnemoSessionOptions): Promise<string> {
  const { memory, userId, sessionId } = options;
  const stored: StoredMessage[] = [];
  for (;;) {
    const page = await memory.history({ userId, conversationId: sessionId, afterSeq: stored.at(-1)?.seq ?? 0, limit: pageSize });
    stored.push(...page);
    if (page.length < pageSize) break;
  }
  const messages = stored.filter((message) => message.kind === "message").map(toMemoryMessage);
  const cursor = await memory.records.get({ userId, collection: sessionCursorCollection, id: sessionId });
  const saved = cursor?.metadata.memoryCursor;
  const memoryCursor = typeof saved === "number" && Number.isInteger(saved) ? Math.min(Math.max(saved, 0), messages.length) : 0;
  return JSON.stringify({ messages, memoryCursor });
}

/**
 * Saves a LlamaIndex `Memory` (or its `snapshot()` string) into the session: the messages not stored yet
 * are appended in order in one transaction (a message is known by its id, so saving again writes
 * nothing), then the memory cursor is kept. Saving never deletes: a message dropped from the `Memory`
 * stays stored (delete the conversation with `memory.deleteConversation` to start over).
 * @returns How many messages were new.
 * @throws InvalidInputError when the snapshot is not a LlamaIndex memory snapshot; nothing is written.
 * @throws ConflictError when a stored message id comes back with other content; nothing is written.
 */
export async function saveSessionSnapshot(source: { snapshot(): string } | string, options: MnemoSessionOptions): Promise<{ saved: number }> {
  const { messages, memoryCursor } = parseSnapshot(typeof source === "string" ? source : source.snapshot());
  const { memory, userId, sessionId } = options;
  const results = await memory.appendMany(messages.map((message) => toMessageInput(message, { userId, conversationId: sessionId })));
  await memory.records.upsert({
    userId,
    collection: sessionCursorCollection,
    records: [{ id: sessionId, content: "", metadata: { memoryCursor } }],
  });
  return { saved: results.filter((result) => result.created).length };
}

function parseSnapshot(snapshot: string): { messages: LlamaIndexMemoryMessage[]; memoryCursor: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(snapshot);
  } catch (error) {
    throw new InvalidInputError("saveSessionSnapshot: the snapshot is not JSON; pass a LlamaIndex Memory or its snapshot().", { cause: error });
  }
  const { messages, memoryCursor } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { messages?: unknown; memoryCursor?: unknown };
  const problems = Array.isArray(messages)
    ? messages.flatMap((message: Partial<LlamaIndexMemoryMessage> | null, index) =>
        typeof message?.id === "string" && typeof message.role === "string" && (typeof message.content === "string" || Array.isArray(message.content))
          ? []
          : [{ path: `messages.${index}`, message: "must be a memory message with an id, a role and content" }],
      )
    : [{ path: "messages", message: "must be an array of memory messages" }];
  if (problems.length > 0) throw new InvalidInputError("saveSessionSnapshot: the snapshot is not a LlamaIndex memory snapshot.", { issues: problems });
  return { messages: messages as LlamaIndexMemoryMessage[], memoryCursor: typeof memoryCursor === "number" ? memoryCursor : 0 };
}
