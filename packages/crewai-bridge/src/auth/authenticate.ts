import type { Memory } from "@mnemo/core";
import type { MiddlewareHandler } from "hono";
import type { BridgeEnv } from "../app/bridge-env.js";
import { HttpError } from "../app/http-error.js";

/** The header that names the user a request acts as, when its key is bound to several. */
export const userHeader = "x-mnemo-user";

/**
 * Verifies the API key (`Authorization: Bearer mnemo_…` or `X-API-Key`) and picks the user the request
 * acts as: `X-Mnemo-User`, which must be one of the key's users, or the key's only user. No key or an
 * unknown or revoked one is 401 (without saying which); a user outside the key is 403.
 */
export function authenticate(memory: Memory): MiddlewareHandler<BridgeEnv> {
  return async (context, next) => {
    const authorization = context.req.header("authorization");
    const key = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? context.req.header("x-api-key");
    const challenge = { "WWW-Authenticate": 'Bearer realm="mnemo"' };
    if (!key) throw new HttpError(401, "unauthenticated", "An API key is required: send Authorization: Bearer <key>.", { headers: challenge });
    const grant = await memory.apiKeys.verify(key);
    if (!grant) throw new HttpError(401, "unauthenticated", "The API key is not valid (unknown or revoked).", { headers: challenge });
    const named = context.req.header(userHeader);
    let userId: string;
    if (named !== undefined) {
      if (!grant.users.includes(named)) throw new HttpError(403, "forbidden", "This API key does not cover the user named in X-Mnemo-User.");
      userId = named;
    } else if (grant.users.length === 1) {
      userId = grant.users[0] as string;
    } else {
      throw new HttpError(400, "invalid_input", "X-Mnemo-User is required: this API key acts for several users; name one of them.");
    }
    context.set("grant", grant);
    context.set("userId", userId);
    await next();
  };
}
