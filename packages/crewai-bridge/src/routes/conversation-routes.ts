import { createRoute, z } from "@hono/zod-openapi";
import { messageRoles } from "@mnemo/core";
import type { RouteDependencies } from "../app/bridge-env.js";
import { errorResponses } from "../app/error-body.js";
import { requireWholeUser } from "../auth/scope-access.js";
import { idParam, metadataSchema, queryInteger, queryIntegerOr, timestampSchema, userHeaders } from "./common-schemas.js";
import { json } from "./json-response.js";

const tags = ["conversations"];
const conversationParams = z.object({ conversationId: idParam("conversationId") });
const storedMessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    seq: z.number().int(),
    kind: z.enum(["message", "summary"]),
    role: z.enum(messageRoles),
    name: z.string().optional(),
    content: z.string(),
    tokenCount: z.number().int(),
    sha256: z.string(),
    metadata: metadataSchema,
    createdAt: timestampSchema,
    archived: z.boolean(),
    created: z.boolean().optional().openapi({ description: "On append: false when the message was already stored" }),
  })
  .openapi("StoredMessage");
const messageInput = z
  .object({
    role: z.enum(messageRoles),
    content: z.string(),
    id: z.string().optional(),
    name: z.string().optional(),
    createdAt: timestampSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .openapi("MessageInput");

const append = createRoute({
  method: "post",
  path: "/v1/conversations/{conversationId}/messages",
  tags,
  summary: "Append turns (one transaction: all or none)",
  description: "Repeats (same id, or same role, content and createdAt) store nothing and come back with `created: false`.",
  request: {
    params: conversationParams,
    headers: userHeaders,
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ messages: z.array(messageInput).min(1).max(1_000), dedupe: z.enum(["content", "id"]).optional() }) },
      },
    },
  },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: z.object({ messages: z.array(storedMessageSchema) }) } } },
    ...errorResponses(409),
  },
});

const history = createRoute({
  method: "get",
  path: "/v1/conversations/{conversationId}/messages",
  tags,
  summary: "History: the last N messages, or those after a sequence number",
  request: {
    params: conversationParams,
    headers: userHeaders,
    query: z.object({ last: queryInteger(10_000), afterSeq: queryInteger(Number.MAX_SAFE_INTEGER), limit: queryInteger(10_000) }),
  },
  responses: {
    200: { description: "Oldest first", content: { "application/json": { schema: z.object({ messages: z.array(storedMessageSchema) }) } } },
    ...errorResponses(),
  },
});

const context = createRoute({
  method: "post",
  path: "/v1/conversations/{conversationId}/context",
  tags,
  summary: "Build the budgeted context for the next model call",
  description: "memory.buildContext: messages whose exact token count is at most maxTokens − reserve, with a report of what went in and what was left out.",
  request: {
    params: conversationParams,
    headers: userHeaders,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            maxTokens: z.number().int().min(1).max(10_000_000),
            reserve: z.number().int().min(0).optional(),
            query: z.string().max(10_000).optional(),
            tokenizer: z.string().max(200).optional(),
            memories: z.boolean().optional(),
            retrieval: z.boolean().optional(),
            references: z.boolean().optional(),
            summarize: z.boolean().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: "The messages and the report",
      content: {
        "application/json": {
          schema: z.object({
            messages: z.array(z.object({ role: z.string(), content: z.string(), name: z.string().optional() })),
            tokenCount: z.number().int().openapi({ description: "Exact tokens of the messages, chat overhead included" }),
            budget: z.object({ maxTokens: z.number().int(), reserve: z.number().int(), available: z.number().int() }),
            sections: z.record(z.string(), z.unknown()),
            settings: z.record(z.string(), z.unknown()),
            summary: z.record(z.string(), z.unknown()),
            query: z.string(),
          }),
        },
      },
    },
    ...errorResponses(),
  },
});

const list = createRoute({
  method: "get",
  path: "/v1/conversations",
  tags,
  summary: "The user's conversations, most recently active first",
  request: { headers: userHeaders, query: z.object({ limit: queryIntegerOr(1_000, 50), offset: queryIntegerOr(Number.MAX_SAFE_INTEGER, 0) }) },
  responses: {
    200: {
      description: "Conversations with totals",
      content: {
        "application/json": {
          schema: z.object({
            conversations: z.array(
              z.object({
                conversationId: z.string(),
                title: z.string().optional(),
                messageCount: z.number().int(),
                tokenCount: z.number().int(),
                createdAt: timestampSchema,
                updatedAt: timestampSchema,
              }),
            ),
          }),
        },
      },
    },
    ...errorResponses(),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/conversations/{conversationId}",
  tags,
  summary: "Delete a conversation and everything derived from it",
  request: { params: conversationParams, headers: userHeaders },
  responses: { 200: { description: "Deleted", content: { "application/json": { schema: z.object({ deleted: z.boolean() }) } } }, ...errorResponses(404) },
});

/** Conversations: append turns, history, budgeted context, list, delete. Keys limited to scope paths are refused (403). */
export function registerConversationRoutes({ app, memory }: RouteDependencies): void {
  app.openapi(append, async (c) => {
    const userId = requireWholeUser(c);
    const { conversationId } = c.req.valid("param");
    const body = c.req.valid("json");
    const stored = await memory.appendMany(body.messages.map((message) => ({ ...message, userId, conversationId, dedupe: body.dedupe })));
    return json(c, { messages: stored.map(publicMessage) }, 201);
  });
  app.openapi(history, async (c) => {
    const userId = requireWholeUser(c);
    const { conversationId } = c.req.valid("param");
    const query = c.req.valid("query");
    const messages =
      query.afterSeq !== undefined
        ? await memory.history({ userId, conversationId, afterSeq: query.afterSeq, ...(query.limit === undefined ? {} : { limit: query.limit }) })
        : await memory.history({ userId, conversationId, last: query.last ?? query.limit ?? 50 });
    return json(c, { messages: messages.map(publicMessage) }, 200);
  });
  app.openapi(context, async (c) => {
    const userId = requireWholeUser(c);
    const { conversationId } = c.req.valid("param");
    const built = await memory.buildContext({ userId, conversationId, ...c.req.valid("json") });
    return json(c, built, 200);
  });
  app.openapi(list, async (c) => {
    const userId = requireWholeUser(c);
    return json(c, { conversations: await memory.conversations({ userId, ...c.req.valid("query") }) }, 200);
  });
  app.openapi(remove, async (c) => {
    const userId = requireWholeUser(c);
    const deleted = await memory.deleteConversation({ userId, conversationId: c.req.valid("param").conversationId });
    return json(c, { deleted }, 200);
  });
}

/** A stored message without the tenant id (the caller knows who it is). */
function publicMessage<T extends { userId: string }>(message: T): Omit<T, "userId"> {
  const { userId: _userId, ...rest } = message;
  return rest;
}
