import { type BaseMessage, isAIMessage, isToolMessage, SystemMessage } from "@langchain/core/messages";
import type { BuiltContext, Memory } from "@mnemo/core";
import { toLangChainMessage } from "../langchain-message-mapping.js";

/** A context from `memory.buildContext` as LangChain messages. */
export interface ContextMessages {
  /** Mnemo's system message (system prompt setting, model memory, summary, retrieved exchanges), if any. */
  system: SystemMessage | undefined;
  /** The recent turns `buildContext` kept, as their original LangChain messages, oldest first. */
  turns: BaseMessage[];
}

/**
 * The recent turns `buildContext` kept, as their original LangChain messages (tool calls and all),
 * and its leading system message. The packer keeps a contiguous run of the newest turns; a tool
 * result at the start of that run whose tool call was cut off is dropped too, since providers
 * reject a tool message without its call.
 */
export async function contextMessages(memory: Memory, scope: { userId: string; conversationId: string }, context: BuiltContext): Promise<ContextMessages> {
  const included = new Set(context.sections.recent.included);
  const recent = included.size === 0 ? [] : await memory.history({ ...scope, last: included.size });
  const turns = recent.filter((message) => included.has(message.id)).map(toLangChainMessage);
  const calls = new Set(turns.flatMap((message) => (isAIMessage(message) ? (message.tool_calls ?? []).map((call) => call.id) : [])));
  while (turns[0] && isToolMessage(turns[0]) && !calls.has(turns[0].tool_call_id)) turns.shift();
  const first = context.messages[0];
  return { system: first?.role === "system" ? new SystemMessage(first.content) : undefined, turns };
}
