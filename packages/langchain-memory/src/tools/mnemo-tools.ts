import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import type { Memory, SearchResult } from "@mnemo/core";
import { z } from "zod/v4";
import { conversationIdFrom, type RuntimeLike, userIdFrom } from "../identity/runtime-identity.js";

/** Options for the Mnemo tools. */
export interface MnemoToolsOptions {
  memory: Memory;
  /** The model-memory scope the tools save to and read from (sub-scopes included). @default "/" */
  scope?: string | undefined;
  /** The most results `search_memory` and `retrieve_user_info` return. @default 5 */
  limit?: number | undefined;
}

// No user field, on purpose: the user comes from the runtime. Unknown keys a model adds are stripped.
const saveSchema = z.object({
  content: z.string().min(1).max(2_000).describe("The fact or preference to remember, as one short self-contained sentence about the user."),
  category: z.string().min(1).max(100).optional().describe("A one-word category such as food, travel, work."),
  importance: z.number().min(0).max(1).optional().describe("How important it is to remember, from 0 to 1."),
});
const retrieveSchema = z.object({
  query: z.string().max(1_000).optional().describe("What you want to know about the user; omit it for the most important facts."),
});
const searchSchema = z.object({
  query: z.string().min(1).max(1_000).describe("What to look for in earlier conversations, in plain words."),
});

/**
 * `save_to_model_memory`: the model saves a fact or preference about the user to Mnemo's model memory
 * (deduplicated; a near-duplicate updates the stored wording). The user is the one in the runtime
 * context / runnable config (`userId`), never one named in the arguments.
 * @example
 * const save = createSaveToModelMemoryTool({ memory });
 * await save.invoke({ content: "Allergic to peanuts" }, { configurable: { userId: "ada" } });
 */
export function createSaveToModelMemoryTool(options: MnemoToolsOptions) {
  return tool(
    async (input: z.infer<typeof saveSchema>, runtime: RuntimeLike) => {
      const { entry, action } = await options.memory.saveToModelMemory({
        userId: userIdFrom(runtime),
        content: input.content,
        ...(input.category ? { category: input.category } : {}),
        ...(input.importance !== undefined ? { importance: input.importance } : {}),
        ...(options.scope ? { scope: options.scope } : {}),
        by: "model",
      });
      const verb = action === "created" ? "Saved" : action === "updated" ? "Updated a similar memory to" : "Already known";
      return `${verb}: ${entry.content}`;
    },
    {
      name: "save_to_model_memory",
      description: "Remember a lasting fact or preference about the user (name, allergies, likes, plans) for future conversations.",
      schema: saveSchema,
    },
  );
}

/**
 * `retrieve_user_info`: what Mnemo's model memory holds about the user, for a query or the most
 * important facts, as `- [category] fact` lines.
 * @example
 * const retrieve = createRetrieveUserInfoTool({ memory });
 * await retrieve.invoke({ query: "food" }, { configurable: { userId: "ada" } }); // "- [health] Allergic to peanuts"
 */
export function createRetrieveUserInfoTool(options: MnemoToolsOptions) {
  return tool(
    async (input: z.infer<typeof retrieveSchema>, runtime: RuntimeLike) => {
      const { digest } = await options.memory.retrieveUserInfo({
        userId: userIdFrom(runtime),
        limit: options.limit ?? 5,
        ...(input.query ? { query: input.query } : {}),
        ...(options.scope ? { scope: options.scope } : {}),
      });
      return digest === "" ? "Nothing is stored about the user for that." : digest;
    },
    {
      name: "retrieve_user_info",
      description: "Look up what you remember about the user (facts and preferences saved earlier).",
      schema: retrieveSchema,
    },
  );
}

/**
 * `search_memory`: searches the user's earlier conversations (hybrid BM25 + vector search, the
 * current conversation boosted), one `[date] role (conversation): text` line per hit.
 * @example
 * const search = createSearchMemoryTool({ memory });
 * await search.invoke({ query: "hotel in Lisbon" }, { configurable: { userId: "ada", thread_id: "trip" } });
 */
export function createSearchMemoryTool(options: MnemoToolsOptions) {
  return tool(
    async (input: z.infer<typeof searchSchema>, runtime: RuntimeLike) => {
      const conversationId = conversationIdFrom(runtime);
      const hits = await options.memory.search({
        userId: userIdFrom(runtime),
        query: input.query,
        limit: options.limit ?? 5,
        kinds: ["message"],
        ...(conversationId ? { boostConversationId: conversationId } : {}),
      });
      return hits.length === 0 ? "No earlier conversation mentions that." : hits.map(formatHit).join("\n");
    },
    {
      name: "search_memory",
      description: "Search the user's earlier conversations for something they or you said before.",
      schema: searchSchema,
    },
  );
}

/**
 * The three Mnemo tools for an agent: `save_to_model_memory`, `retrieve_user_info`, `search_memory`.
 * @example
 * const agent = createAgent({ model, tools: createMnemoTools({ memory }) });
 * await agent.invoke({ messages: [new HumanMessage("I'm allergic to peanuts")] }, { context: { userId: "ada" } });
 */
export function createMnemoTools(options: MnemoToolsOptions): StructuredToolInterface[] {
  return [createSaveToModelMemoryTool(options), createRetrieveUserInfoTool(options), createSearchMemoryTool(options)];
}

function formatHit(hit: SearchResult): string {
  return `[${hit.createdAt.toISOString().slice(0, 10)}] ${hit.name ?? hit.role} (${hit.conversationId}): ${hit.content}`;
}
