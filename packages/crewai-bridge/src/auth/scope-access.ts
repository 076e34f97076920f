import { type ApiKeyGrant, grantAllowsScope, isWithinScope } from "@mnemo/core";
import type { Context } from "hono";
import type { BridgeEnv } from "../app/bridge-env.js";
import { HttpError } from "../app/http-error.js";

/** Refuses keys limited to scope paths: conversations and settings belong to the whole user. */
export function requireWholeUser(context: Context<BridgeEnv>): string {
  if (!context.var.grant.scopes.includes("/")) {
    throw new HttpError(403, "forbidden", "This API key is limited to scope paths; conversations and settings need a key with scope /.");
  }
  return context.var.userId;
}

/**
 * The scope prefix a read or delete runs with, always inside the key's scopes (then filtered in SQL):
 * the requested one when the key covers it; narrowed to the key's scope when the request asks for more
 * than the key holds (e.g. no prefix); refused when that is ambiguous (several key scopes) or disjoint.
 */
export function effectiveScopePrefix(grant: ApiKeyGrant, requested: string | undefined, field: string): string | undefined {
  const wanted = requested ?? "/";
  if (grantAllowsScope(grant, wanted)) return requested;
  const inside = grant.scopes.filter((scope) => isWithinScope(scope, wanted));
  if (inside.length === 1) return inside[0];
  if (inside.length > 1) {
    throw new HttpError(403, "forbidden", `${field}: this API key covers several scopes under it; ask for one of the key's scopes.`);
  }
  throw new HttpError(403, "forbidden", `${field}: outside the scopes this API key covers.`);
}

/** Refuses a write to a scope the key does not cover. */
export function assertScopeAllowed(grant: ApiKeyGrant, scope: string, field: string): void {
  if (!grantAllowsScope(grant, scope)) throw new HttpError(403, "forbidden", `${field}: outside the scopes this API key covers.`);
}

/** Where a write without a scope goes: `/` for a whole-user key, the key's scope when it has one. */
export function defaultWriteScope(grant: ApiKeyGrant, field: string): string {
  if (grant.scopes.includes("/")) return "/";
  if (grant.scopes.length === 1) return grant.scopes[0] as string;
  throw new HttpError(400, "invalid_input", `${field} is required: this API key covers several scopes.`);
}
