import type { ToolMetadata } from "@llamaindex/core/llms";
import { FunctionTool } from "@llamaindex/core/tools";
import { InvalidInputError, type Memory } from "@mnemo/core";

/** What the caller binds to a tool for one request (`tool.bind({ userId })`): who is talking. */
export interface MnemoToolContext {
  userId: string;
}

/** Options for the Mnemo tools. */
export interface MnemoToolsOptions {
  memory: Memory;
  /**
   * The user, when not bound per request with `tool.bind({ userId })`: a fixed id, or a function that
   * reads it from your request context (an AsyncLocalStorage, a session). Never taken from the model's
   * arguments. @default undefined (then every call must be bound)
   */
  userId?: string | (() => string | Promise<string>) | undefined;
  /** The model-memory scope the tools save to and read from (sub-scopes included). @default "/" */
  scope?: string | undefined;
  /** The most facts `retrieve_user_info` returns. @default 5 */
  limit?: number | undefined;
}

/** The arguments the model gives `save_to_model_memory`. */
export interface SaveToModelMemoryArguments {
  content: string;
  category?: string;
  importance?: number;
}

/** The arguments the model gives `retrieve_user_info`. */
export interface RetrieveUserInfoArguments {
  query?: string;
}

/** A LlamaIndex tool whose user is bound by the caller. */
export type MnemoTool<Arguments> = FunctionTool<Arguments, Promise<string>, MnemoToolContext>;

// No user field, on purpose: the user comes from the caller's context. Other keys a model adds are ignored.
const saveParameters = {
  type: "object",
  properties: {
    content: { type: "string", description: "The fact or preference to remember, as one short self-contained sentence about the user." },
    category: { type: "string", description: "A one-word category such as food, travel, work." },
    importance: { type: "number", minimum: 0, maximum: 1, description: "How important it is to remember, from 0 to 1." },
  },
  required: ["content"],
};
const retrieveParameters = {
  type: "object",
  properties: { query: { type: "string", description: "What you want to know about the user; omit it for the most important facts." } },
  required: [],
};

/**
 * `save_to_model_memory`: the model saves a fact or preference about the user to Mnemo's model memory
 * (deduplicated; a near-duplicate updates the stored wording). The user is the bound one
 * (`tool.bind({ userId })`) or `options.userId`, never one named in the arguments.
 * @example
 * const save = createSaveToModelMemoryTool({ memory }).bind({ userId: "ada" });
 * await save.call({ content: "Allergic to peanuts", category: "health" }); // "Saved: Allergic to peanuts"
 */
export function createSaveToModelMemoryTool(options: MnemoToolsOptions): MnemoTool<SaveToModelMemoryArguments> {
  const metadata = {
    name: "save_to_model_memory",
    description: "Remember a lasting fact or preference about the user (name, allergies, likes, plans) for future conversations.",
    parameters: saveParameters,
  };
  return new FunctionTool(
    async (input: SaveToModelMemoryArguments, context?: MnemoToolContext) => {
      const { entry, action } = await options.memory.saveToModelMemory({
        userId: await userIdFor(options, context),
        content: input?.content,
        ...(input?.category !== undefined ? { category: input.category } : {}),
        ...(input?.importance !== undefined ? { importance: input.importance } : {}),
        ...(options.scope ? { scope: options.scope } : {}),
        by: "model",
      });
      const verb = action === "created" ? "Saved" : action === "updated" ? "Updated a similar memory to" : "Already known";
      return `${verb}: ${entry.content}`;
    },
    metadata as ToolMetadata as never,
  );
}

/**
 * `retrieve_user_info`: what Mnemo's model memory holds about the user, for a query or the most
 * important facts, as `- [category] fact` lines.
 * @example
 * const retrieve = createRetrieveUserInfoTool({ memory, userId: () => requestContext.getStore().userId });
 * await retrieve.call({ query: "food" }); // "- [health] Allergic to peanuts"
 */
export function createRetrieveUserInfoTool(options: MnemoToolsOptions): MnemoTool<RetrieveUserInfoArguments> {
  const metadata = {
    name: "retrieve_user_info",
    description: "Look up what you remember about the user (facts and preferences saved earlier).",
    parameters: retrieveParameters,
  };
  return new FunctionTool(
    async (input: RetrieveUserInfoArguments, context?: MnemoToolContext) => {
      const query = input?.query;
      const { digest } = await options.memory.retrieveUserInfo({
        userId: await userIdFor(options, context),
        limit: options.limit ?? 5,
        ...(typeof query === "string" && query.trim() !== "" ? { query } : {}),
        ...(options.scope ? { scope: options.scope } : {}),
      });
      return digest === "" ? "Nothing is stored about the user for that." : digest;
    },
    metadata as ToolMetadata as never,
  );
}

/**
 * Both tools: `[save_to_model_memory, retrieve_user_info]`.
 * @example
 * const tools = createMnemoTools({ memory }).map((mnemoTool) => mnemoTool.bind({ userId: request.userId }));
 * const agent = agent({ llm, tools });
 */
export function createMnemoTools(options: MnemoToolsOptions): [MnemoTool<SaveToModelMemoryArguments>, MnemoTool<RetrieveUserInfoArguments>] {
  return [createSaveToModelMemoryTool(options), createRetrieveUserInfoTool(options)];
}

async function userIdFor(options: MnemoToolsOptions, context: MnemoToolContext | undefined): Promise<string> {
  const userId = context?.userId ?? (typeof options.userId === "function" ? await options.userId() : options.userId);
  if (typeof userId !== "string" || userId === "") {
    throw new InvalidInputError("No user id for the Mnemo tool: bind one per request (tool.bind({ userId })) or pass the userId option.");
  }
  return userId;
}
