import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { BridgeEnv } from "../app/bridge-env.js";
import type { Logger } from "./logger.js";

/**
 * Gives each request an id (`X-Request-Id`) and logs one line when it ends: method, the route's
 * pattern (`/v1/conversations/:conversationId/messages`, so no ids or content), status, duration and
 * the key's public id. Never bodies, queries, headers or keys.
 */
export function requestLog(logger: Logger): MiddlewareHandler<BridgeEnv> {
  return async (context, next) => {
    const requestId = randomUUID();
    const started = performance.now();
    context.set("requestId", requestId);
    context.header("X-Request-Id", requestId);
    await next();
    const status = context.res.status;
    logger.log({
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      event: "request",
      requestId,
      method: context.req.method,
      route: routePath(context, -1),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      keyId: context.var.grant?.keyId,
    });
  };
}
