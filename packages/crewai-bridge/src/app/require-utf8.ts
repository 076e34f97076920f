import type { MiddlewareHandler } from "hono";
import type { BridgeEnv } from "./bridge-env.js";
import { HttpError } from "./http-error.js";

const strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Refuses a request body that is not valid UTF-8 (400) instead of letting the JSON parser replace the bad
 * bytes with U+FFFD: stored text is what the client sent, or nothing. The bytes stay cached for the route.
 */
export function requireUtf8(): MiddlewareHandler<BridgeEnv> {
  return async (context, next) => {
    if (context.req.method !== "GET" && context.req.method !== "HEAD" && context.req.raw.body) {
      try {
        strict.decode(await context.req.arrayBuffer());
      } catch (error) {
        throw new HttpError(400, "invalid_input", "The request body is not valid UTF-8.", {
          details: { issues: [{ path: "body", message: "not valid UTF-8" }] },
          cause: error,
        });
      }
    }
    await next();
  };
}
