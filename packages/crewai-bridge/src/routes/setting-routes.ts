import { createRoute, z } from "@hono/zod-openapi";
import type { RouteDependencies } from "../app/bridge-env.js";
import { errorResponses } from "../app/error-body.js";
import { requireWholeUser } from "../auth/scope-access.js";
import { timestampSchema, userHeaders } from "./common-schemas.js";
import { json } from "./json-response.js";

const tags = ["settings"];
const keyParams = z.object({
  key: z
    .string()
    .max(64)
    .openapi({ param: { name: "key", in: "path" }, example: "system_prompt" }),
});
const changedBy = z.enum(["user", "model", "import", "system"]);
const versionSchema = z
  .object({ key: z.string(), value: z.unknown(), version: z.number().int(), active: z.boolean(), changedBy, createdAt: timestampSchema })
  .openapi("SettingVersion");
const versionResponse = { content: { "application/json": { schema: z.object({ setting: versionSchema }) } } };

const active = createRoute({
  method: "get",
  path: "/v1/settings",
  tags,
  summary: "The settings in force: global defaults overridden by the user's values",
  request: { headers: userHeaders },
  responses: {
    200: {
      description: "Values and where each comes from",
      content: { "application/json": { schema: z.object({ values: z.record(z.string(), z.unknown()), versions: z.record(z.string(), z.unknown()) }) } },
    },
    ...errorResponses(),
  },
});
const set = createRoute({
  method: "put",
  path: "/v1/settings/{key}",
  tags,
  summary: "Set a value for the user (a new version; the same value again is a no-op)",
  request: {
    params: keyParams,
    headers: userHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ value: z.unknown().openapi({ description: "Any JSON but null" }), by: changedBy.optional() }) } },
    },
  },
  responses: { 200: { description: "The active version", ...versionResponse }, ...errorResponses() },
});
const unset = createRoute({
  method: "delete",
  path: "/v1/settings/{key}",
  tags,
  summary: "Unset the user's value (recorded in the history; the global default shows through)",
  request: { params: keyParams, headers: userHeaders },
  responses: {
    200: { description: "Whether a value was set", content: { "application/json": { schema: z.object({ unset: z.boolean() }) } } },
    ...errorResponses(),
  },
});
const history = createRoute({
  method: "get",
  path: "/v1/settings/{key}/history",
  tags,
  summary: "Every version of the user's setting",
  request: { params: keyParams, headers: userHeaders },
  responses: {
    200: { description: "Oldest first", content: { "application/json": { schema: z.object({ changes: z.array(z.record(z.string(), z.unknown())) }) } } },
    ...errorResponses(),
  },
});
const rollback = createRoute({
  method: "post",
  path: "/v1/settings/{key}/rollback",
  tags,
  summary: "Write an earlier value again as a new version (default: the one before the active one)",
  request: {
    params: keyParams,
    headers: userHeaders,
    body: { required: false, content: { "application/json": { schema: z.object({ version: z.number().int().min(1).optional(), by: changedBy.optional() }) } } },
  },
  responses: { 200: { description: "The active version", ...versionResponse }, ...errorResponses(404) },
});

/**
 * Settings of the key's user (never the global defaults, which belong to the operator: `mnemo settings`).
 * Keys limited to scope paths are refused (403).
 */
export function registerSettingRoutes({ app, memory }: RouteDependencies): void {
  app.openapi(active, async (c) => json(c, await memory.settings.get({ userId: requireWholeUser(c) }), 200));
  app.openapi(set, async (c) => {
    const userId = requireWholeUser(c);
    const body = c.req.valid("json");
    const setting = await memory.settings.set({ userId, key: c.req.valid("param").key, value: body.value as never, ...(body.by ? { by: body.by } : {}) });
    return json(c, { setting }, 200);
  });
  app.openapi(unset, async (c) => json(c, { unset: await memory.settings.unset({ userId: requireWholeUser(c), key: c.req.valid("param").key }) }, 200));
  app.openapi(history, async (c) => json(c, { changes: await memory.settings.history({ userId: requireWholeUser(c), key: c.req.valid("param").key }) }, 200));
  app.openapi(rollback, async (c) => {
    const userId = requireWholeUser(c);
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    return json(c, { setting: await memory.settings.rollback({ userId, key: c.req.valid("param").key, ...body }) }, 200);
  });
}
