import type { ChatMessage } from "@llamaindex/core/llms";
import { BaseChatStore } from "@llamaindex/core/storage/chat-store";
import { InvalidInputError, type Memory, type StoredMessage } from "@mnemo/core";
import { KeyedWriteQueue } from "./keyed-write-queue.js";
import { toChatMessage, toMessageInput } from "./llamaindex-message-mapping.js";

/** Options for {@link MnemoChatStore}. */
export interface MnemoChatStoreOptions {
  /** The Mnemo memory to store in (from `createMemory`). The store never closes it. */
  memory: Memory;
  /** The tenant: every read and write is scoped to this user. A chat store key is a conversation of this user. */
  userId: string;
  /**
   * Told about each failed write as it happens (the failure is also thrown by the next read of that key,
   * `flush()` or `close()`). @default undefined
   */
  onError?: ((error: unknown, key: string) => void) | undefined;
}

type ChatWrite =
  | { kind: "add"; message: ChatMessage; index?: number | undefined }
  | { kind: "set"; messages: ChatMessage[] }
  | { kind: "delete"; index: number }
  | { kind: "clear" };

const pageSize = 1_000;

/**
 * A LlamaIndex chat store (for `ChatMemoryBuffer`) kept in Mnemo: each key is a Mnemo conversation of
 * one user, each message is logged, token-counted and searchable.
 *
 * LlamaIndex declares the write methods synchronous and does not await them, so every write goes into
 * an ordered per-key queue: writes of a key run one after another in call order (consecutive appends
 * in one transaction), a read of a key waits for that key's pending writes, and `flush()` / `close()`
 * wait for all of them. A failed write is thrown by the next read of its key, `flush()` or `close()`.
 * @example
 * const chatStore = new MnemoChatStore({ memory, userId: "ada" });
 * const buffer = new ChatMemoryBuffer({ chatStore, chatStoreKey: "trip-to-lisbon", tokenLimit: 3000 });
 * buffer.put({ role: "user", content: "A quiet hotel in Lisbon?" });
 * await buffer.getMessages(); // waits for the put, then reads the conversation back
 * await chatStore.close(); // before the process exits
 */
export class MnemoChatStore extends BaseChatStore {
  readonly #memory: Memory;
  readonly #userId: string;
  readonly #queue: KeyedWriteQueue<ChatWrite>;
  #closed = false;

  constructor(options: MnemoChatStoreOptions) {
    super();
    this.#memory = options.memory;
    this.#userId = options.userId;
    this.#queue = new KeyedWriteQueue<ChatWrite>({
      write: (key, writes) => this.#write(key, writes),
      batchable: (write) => write.kind === "add" && write.index === undefined,
      onError: options.onError,
    });
  }

  /** Queues replacing the key's messages with `messages` (appending only the new tail when the stored ones are its prefix). */
  override setMessages(key: string, messages: ChatMessage[]): void {
    this.#enqueue(key, { kind: "set", messages: [...messages] });
  }

  /** The key's messages, oldest first, once the key's queued writes have run. */
  override async getMessages(key: string): Promise<ChatMessage[]> {
    await this.#queue.settled(key);
    return (await this.#stored(key)).map(toChatMessage);
  }

  /** Queues appending a message, or inserting it at `index`. */
  override addMessage(key: string, message: ChatMessage, index?: number): void {
    this.#enqueue(key, { kind: "add", message, index });
  }

  /** Queues deleting the key's conversation and everything derived from it. */
  override deleteMessages(key: string): void {
    this.#enqueue(key, { kind: "clear" });
  }

  /** Queues deleting the message at `index` (an index past the end deletes nothing, as in `SimpleChatStore`). */
  override deleteMessage(key: string, index: number): void {
    this.#enqueue(key, { kind: "delete", index });
  }

  /** The user's conversation ids (all of them, also those written without this store), once all writes have run. */
  override async getKeys(): Promise<IterableIterator<string>> {
    await this.#queue.settledAll();
    const keys: string[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.#memory.conversations({ userId: this.#userId, limit: pageSize, offset });
      keys.push(...page.map((conversation) => conversation.conversationId));
      if (page.length < pageSize) return keys.values();
    }
  }

  /** Resolves once every queued write has run; throws the writes that failed since the last check. */
  flush(): Promise<void> {
    return this.#queue.settledAll();
  }

  /** Flushes, then refuses further writes. The Mnemo memory stays open (it is yours to close). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.settledAll();
  }

  #enqueue(key: string, write: ChatWrite): void {
    if (this.#closed) throw new InvalidInputError("MnemoChatStore: the store is closed; create a new one to write again.");
    if (typeof key !== "string" || key.length === 0) throw new InvalidInputError("MnemoChatStore: key must be a non-empty string (a conversation id).");
    this.#queue.enqueue(key, write);
  }

  async #write(key: string, writes: ChatWrite[]): Promise<void> {
    const scope = { userId: this.#userId, conversationId: key };
    const [write] = writes;
    if (write === undefined) return;
    if (write.kind === "clear") {
      await this.#memory.deleteConversation(scope);
      return;
    }
    if (write.kind === "add" && write.index === undefined) {
      await this.#memory.appendMany(writes.map((each) => toMessageInput((each as { message: ChatMessage }).message, scope)));
      return;
    }
    if (write.kind === "set") {
      await this.#replace(key, write.messages);
      return;
    }
    const messages = (await this.#stored(key)).map(toChatMessage);
    if (write.kind === "add") messages.splice(write.index as number, 0, write.message);
    else if (write.index < messages.length) messages.splice(write.index, 1);
    else return;
    await this.#replace(key, messages);
  }

  /**
   * Makes the stored conversation equal `messages`: when the stored messages are a prefix of them (the
   * usual case), only the rest is appended; otherwise the conversation is deleted and written again.
   */
  async #replace(key: string, messages: ChatMessage[]): Promise<void> {
    const scope = { userId: this.#userId, conversationId: key };
    const inputs = messages.map((message) => toMessageInput(message, scope));
    const stored = await this.#stored(key);
    const same = (message: StoredMessage, index: number) => {
      const input = inputs[index];
      return input !== undefined && JSON.stringify(toChatMessage(message)) === JSON.stringify(toChatMessage(asStored(input)));
    };
    if (stored.length <= inputs.length && stored.every(same)) {
      await this.#memory.appendMany(inputs.slice(stored.length));
      return;
    }
    // Two transactions: Mnemo has no single-call replace of a conversation (noted in the README).
    await this.#memory.deleteConversation(scope);
    await this.#memory.appendMany(inputs);
  }

  async #stored(key: string): Promise<StoredMessage[]> {
    const stored: StoredMessage[] = [];
    for (;;) {
      const page = await this.#memory.history({ userId: this.#userId, conversationId: key, afterSeq: stored.at(-1)?.seq ?? 0, limit: pageSize });
      stored.push(...page);
      if (page.length < pageSize) break;
    }
    return stored.filter((message) => message.kind === "message");
  }
}

/** How a message would read back once stored: NFC content, role and metadata. */
function asStored(input: ReturnType<typeof toMessageInput>): StoredMessage {
  return { role: input.role, content: input.content.normalize("NFC"), metadata: input.metadata ?? {} } as StoredMessage;
}
