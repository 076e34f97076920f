import type { Hook } from "@hono/zod-openapi";
import type { BridgeEnv } from "./bridge-env.js";

const targetNames: Record<string, string> = { json: "body", query: "query", param: "path", header: "header", form: "body", cookie: "cookie" };

/**
 * Turns a failed request validation into a 400 naming every problem by field path (`body.records.0.scope`)
 * and reason. Zod's messages name the expected type, never the value sent, so nothing sent is echoed.
 */
export const validationHook: Hook<unknown, BridgeEnv, string, Response | undefined> = (result, context) => {
  if (result.success) return undefined;
  const target = targetNames[result.target] ?? result.target;
  const issues = result.error.issues.map((issue) => ({ path: [target, ...issue.path.map(String)].join("."), message: issue.message }));
  const first = issues[0];
  return context.json({ error: { code: "invalid_input", message: first ? `Invalid ${first.path}: ${first.message}.` : "Invalid request.", issues } }, 400);
};
