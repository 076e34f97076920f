import { BaseListChatMessageHistory } from "@langchain/core/chat_history";
import type { BaseMessage } from "@langchain/core/messages";
import type { Memory, StoredMessage } from "@mnemo/core";
import { contextMessages } from "./context/context-messages.js";
import { toLangChainMessage, toMessageInput } from "./langchain-message-mapping.js";

/** Options for {@link MnemoChatMessageHistory}. */
export interface MnemoChatMessageHistoryOptions {
  /** The Mnemo memory to store in (from `createMemory`). */
  memory: Memory;
  /** The tenant: every read and write is scoped to this user. */
  userId: string;
  /** The conversation: Mnemo's `conversationId`. */
  sessionId: string;
  /**
   * When set, {@link MnemoChatMessageHistory.getMessages} returns a window within `maxTokens` (see
   * `memory.buildContext`): the running summary as a leading system message, then the newest turns
   * that fit. Reading may fold old turns into the summary (a write: they are archived, never deleted,
   * and an unwindowed reader still sees them). @default the full history
   */
  window?: { maxTokens: number } | undefined;
}

const pageSize = 1_000;

/**
 * A LangChain chat message history stored in Mnemo: every message is logged, token-counted and
 * searchable, and reads back exactly as it was written (tool calls, usage, ids, content blocks).
 * @example
 * const memory = await createMemory({ database: process.env.DATABASE_URL });
 * const history = new MnemoChatMessageHistory({ memory, userId: "ada", sessionId: "trip-to-lisbon" });
 * await history.addMessages([new HumanMessage("Hi!"), new AIMessage("Hello, Ada.")]);
 * await history.getMessages(); // [HumanMessage, AIMessage]
 */
export class MnemoChatMessageHistory extends BaseListChatMessageHistory {
  lc_namespace = ["mnemo", "langchain", "chat_history"];

  readonly #memory: Memory;
  readonly #userId: string;
  readonly #sessionId: string;
  readonly #window: { maxTokens: number } | undefined;

  constructor(options: MnemoChatMessageHistoryOptions) {
    super();
    this.#memory = options.memory;
    this.#userId = options.userId;
    this.#sessionId = options.sessionId;
    this.#window = options.window;
  }

  /** The session's messages, oldest first: all of them, or the budgeted window when `window` is set. */
  override async getMessages(): Promise<BaseMessage[]> {
    if (this.#window) return this.#windowMessages(this.#window.maxTokens);
    const stored: StoredMessage[] = [];
    for (;;) {
      const page = await this.#memory.history({ ...this.#scope(), afterSeq: stored.at(-1)?.seq ?? 0, limit: pageSize });
      stored.push(...page);
      if (page.length < pageSize) break;
    }
    return stored.map(toLangChainMessage);
  }

  /** Stores one message. */
  override async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  /**
   * Stores messages in one transaction: all of them or, if any is invalid, none. A message whose `id`
   * is already stored in the session is skipped (the same id with other content is a `ConflictError`).
   */
  override async addMessages(messages: BaseMessage[]): Promise<void> {
    const scope = this.#scope();
    await this.#memory.appendMany(messages.map((message) => toMessageInput(message, scope)));
  }

  /** Deletes the session and everything derived from it. */
  override async clear(): Promise<void> {
    await this.#memory.deleteConversation(this.#scope());
  }

  #scope(): { userId: string; conversationId: string } {
    return { userId: this.#userId, conversationId: this.#sessionId };
  }

  /**
   * The recent turns `buildContext` kept, as their original LangChain messages; its leading system
   * message (the running summary, and the user's Mnemo system prompt if one is set) comes first.
   */
  async #windowMessages(maxTokens: number): Promise<BaseMessage[]> {
    // buildContext needs at least one turn; an empty session simply has no window.
    if ((await this.#memory.history({ ...this.#scope(), last: 1 })).length === 0) return [];
    const context = await this.#memory.buildContext({ ...this.#scope(), maxTokens, retrieval: false, memories: false });
    const { system, turns } = await contextMessages(this.#memory, this.#scope(), context);
    return system ? [system, ...turns] : turns;
  }
}
