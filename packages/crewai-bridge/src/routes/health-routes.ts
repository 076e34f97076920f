import { createRoute, z } from "@hono/zod-openapi";
import type { RouteDependencies } from "../app/bridge-env.js";
import { errorBodySchema } from "../app/error-body.js";
import { HttpError } from "../app/http-error.js";
import { retryAfterSeconds } from "../app/to-error-response.js";

const readyTimeoutMs = 5_000;

const healthz = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  security: [],
  summary: "Liveness: the process answers",
  responses: { 200: { description: "Alive", content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } } } },
});

const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["health"],
  security: [],
  summary: "Readiness: the database answers and its migrations are current",
  responses: {
    200: {
      description: "Ready",
      content: { "application/json": { schema: z.object({ status: z.literal("ready"), engine: z.enum(["postgres", "pglite"]) }) } },
    },
    503: { description: "Not ready: database unreachable or migrations pending", content: { "application/json": { schema: errorBodySchema } } },
  },
});

/** `/healthz` (the process answers) and `/readyz` (database reachable within 5 s, migrations current); no key needed. */
export function registerHealthRoutes({ app, memory }: RouteDependencies): void {
  app.openapi(healthz, (context) => context.json({ status: "ok" as const }, 200));
  app.openapi(readyz, async (context) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HttpError(503, "unavailable", "The database did not answer in time.", { headers: { "Retry-After": String(retryAfterSeconds) } })),
        readyTimeoutMs,
      );
    });
    try {
      const { pending } = await Promise.race([memory.schemaStatus(), timeout]);
      if (pending.length > 0) {
        context.header("Retry-After", String(retryAfterSeconds));
        return context.json({ error: { code: "migrations_pending", message: `Migrations not applied yet: ${pending.join(", ")}.` } }, 503);
      }
      return context.json({ status: "ready" as const, engine: memory.engine }, 200);
    } finally {
      clearTimeout(timer);
    }
  });
}
