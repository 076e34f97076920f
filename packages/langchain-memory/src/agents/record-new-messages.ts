import type { BaseMessage } from "@langchain/core/messages";
import type { Memory } from "@mnemo/core";
import { toMessageInput } from "../langchain-message-mapping.js";

const turnTypes: ReadonlySet<string> = new Set(["human", "ai", "system", "tool", "function", "generic"]);

/**
 * Stores the messages of an agent's state that come after the newest stored one (found by id), in
 * one transaction. Messages already stored are skipped by id, so recording the same state twice,
 * or a state that starts with older turns, adds nothing. Control messages (`RemoveMessage`) are not turns and are skipped.
 */
export async function recordNewMessages(memory: Memory, scope: { userId: string; conversationId: string }, messages: readonly BaseMessage[]): Promise<void> {
  const [newest] = await memory.history({ ...scope, last: 1 });
  const after = newest ? messages.findLastIndex((message) => message.id === newest.id) + 1 : 0;
  const fresh = messages.slice(after).filter((message) => turnTypes.has(message.getType()));
  if (fresh.length > 0) await memory.appendMany(fresh.map((message) => toMessageInput(message, scope)));
}
