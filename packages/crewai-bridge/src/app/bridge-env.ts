import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiKeyGrant, Memory } from "@mnemo/core";

/** What the bridge's middleware puts on each request's context. */
export interface BridgeVariables {
  /** Assigned per request, returned as `X-Request-Id`, logged. */
  requestId: string;
  /** The verified key's grant (set on /v1 routes). */
  grant: ApiKeyGrant;
  /** The user this request acts as: the `X-Mnemo-User` header, or the key's only user. */
  userId: string;
}

/** The Hono environment of the bridge app. */
export interface BridgeEnv {
  Variables: BridgeVariables;
}

/** The bridge's Hono app type. */
export type BridgeApp = OpenAPIHono<BridgeEnv>;

/** What every route module is given. */
export interface RouteDependencies {
  app: BridgeApp;
  memory: Memory;
}
