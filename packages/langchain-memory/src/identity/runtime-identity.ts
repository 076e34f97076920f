import { InvalidInputError } from "@mnemo/core";

/**
 * Where the adapter reads who is talking: a LangChain `RunnableConfig` (its `configurable`), a
 * LangChain v1 tool runtime or agent runtime (its `context`, then `configurable`).
 */
export interface RuntimeLike {
  context?: unknown;
  configurable?: Record<string, unknown> | undefined;
}

function field(source: RuntimeLike | undefined, keys: readonly string[]): string | undefined {
  const context = typeof source?.context === "object" && source.context !== null ? (source.context as Record<string, unknown>) : {};
  const configurable = source?.configurable ?? {};
  for (const bag of [context, configurable]) {
    for (const key of keys) {
      const value = bag[key];
      if (typeof value === "string" && value !== "") return value;
    }
  }
  return undefined;
}

/**
 * The user whose memory is read and written: `context.userId` (the agent's runtime context) or
 * `configurable.userId` (the runnable config). Never taken from a model's tool arguments.
 * @throws InvalidInputError when neither is set.
 */
export function userIdFrom(source: RuntimeLike | undefined): string {
  const userId = field(source, ["userId"]);
  if (userId === undefined) {
    throw new InvalidInputError(
      "No user id: pass it as the agent's runtime context ({ context: { userId } }) or in the runnable config ({ configurable: { userId } }).",
    );
  }
  return userId;
}

/**
 * The conversation: `conversationId` from the runtime context or the runnable config, else
 * LangGraph's `thread_id`, else `sessionId` (as `RunnableWithMessageHistory` names it); undefined when none is set.
 */
export function conversationIdFrom(source: RuntimeLike | undefined): string | undefined {
  return field(source, ["conversationId"]) ?? field(source, ["thread_id", "sessionId"]);
}
