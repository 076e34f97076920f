import { randomUUID } from "node:crypto";
import type { AIMessage, SystemMessage } from "@langchain/core/messages";
import { type BuildContextOptions, InvalidInputError, type Memory, resolveTokenCounter } from "@mnemo/core";
import { createMiddleware } from "langchain";
import { contextMessages } from "../context/context-messages.js";
import { conversationIdFrom, type RuntimeLike, userIdFrom } from "../identity/runtime-identity.js";
import { recordNewMessages } from "./record-new-messages.js";

/** Options for {@link createMnemoMiddleware}. */
export interface MnemoMiddlewareOptions extends Pick<BuildContextOptions, "tokenizer" | "shares" | "memories" | "retrieval" | "references" | "summarize"> {
  memory: Memory;
  /** The model's context window, in tokens. */
  maxTokens: number;
  /**
   * Tokens kept free for the answer and the tool definitions; the agent's own system prompt is
   * added to it. @default 1024
   */
  reserve?: number | undefined;
  /**
   * `replace` (default): the model sees the agent's system prompt plus Mnemo's context (settings,
   * model memory, running summary, relevant earlier exchanges) and the recent turns Mnemo kept within
   * the budget, instead of the state's messages. `augment`: the state's messages stay as they are
   * and only Mnemo's system section is added to the system prompt. @default "replace"
   */
  mode?: "replace" | "augment" | undefined;
  /** Store the conversation's new turns (inputs, tool results and the model's answers). @default true */
  record?: boolean | undefined;
}

/**
 * A LangChain v1 agent middleware that gives `createAgent` persistent, searchable memory: before each
 * model call it stores the turns that are new in the agent's state and replaces (or augments) the
 * model's messages with Mnemo's token-budgeted context; after the call it stores the answer.
 * The user and the conversation come from the runtime context (`{ context: { userId, conversationId } }`)
 * or the runnable config (`configurable.userId`, `configurable.thread_id`).
 * @example
 * const agent = createAgent({ model, tools: createMnemoTools({ memory }), middleware: [createMnemoMiddleware({ memory, maxTokens: 8192 })] });
 * await agent.invoke({ messages: [new HumanMessage("Hi, I'm Ada")] }, { context: { userId: "ada", conversationId: "c1" } });
 */
export function createMnemoMiddleware(options: MnemoMiddlewareOptions) {
  const { memory, mode = "replace", record = true, reserve = 1_024, maxTokens, ...contextOptions } = options;
  if (mode !== "replace" && mode !== "augment") throw new InvalidInputError('createMnemoMiddleware: mode must be "replace" or "augment".');
  const counter = resolveTokenCounter(options.tokenizer ?? memory.tokenizer);
  return createMiddleware({
    name: "MnemoMemoryMiddleware",
    wrapModelCall: async (request, handler) => {
      const scope = scopeOf(request.runtime as RuntimeLike);
      if (record) await recordNewMessages(memory, scope, request.state.messages);
      else if ((await memory.history({ ...scope, last: 1 })).length === 0) return handler(request);
      const agentPrompt = request.systemPrompt ?? "";
      const agentPromptTokens = agentPrompt === "" ? 0 : (await counter).count(agentPrompt);
      const context = await memory.buildContext({ ...contextOptions, ...scope, maxTokens, reserve: reserve + agentPromptTokens });
      const { system, turns } = await contextMessages(memory, scope, context);
      const systemMessage = system ? joinSystem(request.systemMessage, agentPrompt, system) : request.systemMessage;
      const response = await handler({ ...request, systemMessage, messages: mode === "replace" ? turns : request.messages });
      return record ? await recordAnswer(memory, scope, response) : response;
    },
  });
}

function scopeOf(runtime: RuntimeLike): { userId: string; conversationId: string } {
  const conversationId = conversationIdFrom(runtime);
  if (!conversationId) {
    throw new InvalidInputError("No conversation id: pass it as the agent's runtime context ({ context: { conversationId } }) or as configurable.thread_id.");
  }
  return { userId: userIdFrom(runtime), conversationId };
}

function joinSystem(agentMessage: SystemMessage, agentPrompt: string, mnemo: SystemMessage): SystemMessage {
  const text = typeof mnemo.content === "string" ? mnemo.content : "";
  return agentPrompt === "" ? mnemo : agentMessage.concat(`\n\n${text}`);
}

/** Stores the model's answer; an answer without an id gets one first, so the state and the store agree on it. */
async function recordAnswer(memory: Memory, scope: { userId: string; conversationId: string }, response: AIMessage): Promise<AIMessage> {
  if (!response.id) response.id = randomUUID();
  await recordNewMessages(memory, scope, [response]);
  return response;
}
