import { createRoute, z } from "@hono/zod-openapi";
import { type ApiKeyGrant, grantAllowsScope, type Memory } from "@mnemo/core";
import type { RouteDependencies } from "../app/bridge-env.js";
import { errorResponses } from "../app/error-body.js";
import { HttpError } from "../app/http-error.js";
import { assertScopeAllowed, defaultWriteScope, effectiveScopePrefix } from "../auth/scope-access.js";
import { metadataSchema, queryIntegerOr, scopeSchema, timestampSchema, userHeaders } from "./common-schemas.js";
import { json } from "./json-response.js";

const tags = ["model memory"];
const changedBy = z.enum(["user", "model", "import", "system"]);
const entrySchema = z
  .object({
    memoryId: z.string(),
    scope: z.string(),
    content: z.string(),
    tokenCount: z.number().int(),
    category: z.string().optional(),
    importance: z.number(),
    metadata: metadataSchema,
    version: z.number().int(),
    createdBy: changedBy,
    updatedBy: changedBy,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    score: z.number().optional().openapi({ description: "Search results only" }),
  })
  .openapi("ModelMemoryEntry");
const memoryParams = z.object({ memoryId: z.uuid("must be a UUID").openapi({ param: { name: "memoryId", in: "path" } }) });
const fields = {
  category: z.string().max(100).optional(),
  importance: z.number().min(0).max(1).optional(),
  metadata: metadataSchema.optional(),
  by: changedBy.optional(),
};
const entryResponse = { content: { "application/json": { schema: z.object({ entry: entrySchema }) } } };

const add = createRoute({
  method: "post",
  path: "/v1/model-memory",
  tags,
  summary: "Add a fact or preference (deduplicated within its scope)",
  request: {
    headers: userHeaders,
    body: { required: true, content: { "application/json": { schema: z.object({ content: z.string(), scope: scopeSchema.optional(), ...fields }) } } },
  },
  responses: {
    200: {
      description: "The entry and what happened",
      content: { "application/json": { schema: z.object({ entry: entrySchema, action: z.enum(["created", "updated", "unchanged"]) }) } },
    },
    ...errorResponses(409),
  },
});
const list = createRoute({
  method: "get",
  path: "/v1/model-memory",
  tags,
  summary: "List entries, most important and most recently changed first",
  request: {
    headers: userHeaders,
    query: z.object({
      scope: scopeSchema.optional(),
      category: z.string().max(100).optional(),
      limit: queryIntegerOr(1_000, 100),
      offset: queryIntegerOr(Number.MAX_SAFE_INTEGER, 0),
    }),
  },
  responses: { 200: { description: "Entries", content: { "application/json": { schema: z.object({ entries: z.array(entrySchema) }) } } }, ...errorResponses() },
});
const search = createRoute({
  method: "post",
  path: "/v1/model-memory/search",
  tags,
  summary: "Search entries (BM25, and vectors with an embedder)",
  request: {
    headers: userHeaders,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            query: z.string().max(10_000),
            limit: z.number().int().min(1).max(200).optional(),
            scope: scopeSchema.optional(),
            categories: z.array(z.string()).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: "Best first", content: { "application/json": { schema: z.object({ entries: z.array(entrySchema) }) } } },
    ...errorResponses(),
  },
});
const get = createRoute({
  method: "get",
  path: "/v1/model-memory/{memoryId}",
  tags,
  summary: "One entry",
  request: { params: memoryParams, headers: userHeaders },
  responses: { 200: { description: "The entry", ...entryResponse }, ...errorResponses(404) },
});
const update = createRoute({
  method: "patch",
  path: "/v1/model-memory/{memoryId}",
  tags,
  summary: "Change an entry (a new version; omitted fields keep their value)",
  request: {
    params: memoryParams,
    headers: userHeaders,
    body: { required: true, content: { "application/json": { schema: z.object({ content: z.string().optional(), ...fields }) } } },
  },
  responses: { 200: { description: "The new version", ...entryResponse }, ...errorResponses(404, 409) },
});
const remove = createRoute({
  method: "delete",
  path: "/v1/model-memory/{memoryId}",
  tags,
  summary: "Delete an entry (its history is kept)",
  request: { params: memoryParams, headers: userHeaders },
  responses: { 200: { description: "Deleted", content: { "application/json": { schema: z.object({ deleted: z.boolean() }) } } }, ...errorResponses(404) },
});
const history = createRoute({
  method: "get",
  path: "/v1/model-memory/{memoryId}/history",
  tags,
  summary: "Every version of an entry",
  request: { params: memoryParams, headers: userHeaders },
  responses: {
    200: { description: "Oldest first", content: { "application/json": { schema: z.object({ changes: z.array(z.record(z.string(), z.unknown())) }) } } },
    ...errorResponses(404),
  },
});

/** Model memory: add, list, search, get, update, delete, history — within the key's scopes. */
export function registerModelMemoryRoutes({ app, memory }: RouteDependencies): void {
  app.openapi(add, async (c) => {
    const body = c.req.valid("json");
    const scope = body.scope ?? defaultWriteScope(c.var.grant, "body.scope");
    assertScopeAllowed(c.var.grant, scope, "body.scope");
    return json(c, await memory.modelMemory.add({ ...body, scope, userId: c.var.userId }), 200);
  });
  app.openapi(list, async (c) => {
    const query = c.req.valid("query");
    const scope = effectiveScopePrefix(c.var.grant, query.scope, "query.scope");
    return json(c, { entries: await memory.modelMemory.list({ ...query, scope, userId: c.var.userId }) }, 200);
  });
  app.openapi(search, async (c) => {
    const body = c.req.valid("json");
    const scope = effectiveScopePrefix(c.var.grant, body.scope, "body.scope");
    return json(c, { entries: await memory.modelMemory.search({ ...body, scope, userId: c.var.userId }) }, 200);
  });
  app.openapi(get, async (c) => {
    const entry = await visibleEntry(memory, c.var.grant, c.var.userId, c.req.valid("param").memoryId);
    return json(c, { entry }, 200);
  });
  app.openapi(update, async (c) => {
    const { memoryId } = c.req.valid("param");
    await visibleEntry(memory, c.var.grant, c.var.userId, memoryId);
    return json(c, { entry: await memory.modelMemory.update({ ...c.req.valid("json"), memoryId, userId: c.var.userId }) }, 200);
  });
  app.openapi(remove, async (c) => {
    const { memoryId } = c.req.valid("param");
    await visibleEntry(memory, c.var.grant, c.var.userId, memoryId);
    return json(c, { deleted: await memory.modelMemory.delete({ memoryId, userId: c.var.userId }) }, 200);
  });
  app.openapi(history, async (c) => {
    const { memoryId } = c.req.valid("param");
    const changes = await memory.modelMemory.history({ memoryId, userId: c.var.userId });
    if (changes.length === 0 || !changes.every((change) => grantAllowsScope(c.var.grant, change.scope))) {
      throw new HttpError(404, "not_found", "No such model-memory entry.");
    }
    return json(c, { changes }, 200);
  });
}

/** The entry when it exists for the user and lies inside the key's scopes; otherwise 404 (never the data). */
async function visibleEntry(memory: Memory, grant: ApiKeyGrant, userId: string, memoryId: string) {
  const entry = await memory.modelMemory.get({ userId, memoryId });
  if (!entry || !grantAllowsScope(grant, entry.scope)) throw new HttpError(404, "not_found", "No such model-memory entry.");
  return entry;
}
