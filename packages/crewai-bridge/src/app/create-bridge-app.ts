import { OpenAPIHono } from "@hono/zod-openapi";
import type { Memory } from "@mnemo/core";
import { bodyLimit } from "hono/body-limit";
import { timeout } from "hono/timeout";
import { authenticate } from "../auth/authenticate.js";
import { docsCss, docsHtml, docsJs } from "../docs/docs-page.js";
import { jsonLogger, type Logger } from "../logging/logger.js";
import { requestLog } from "../logging/request-log.js";
import { registerConversationRoutes } from "../routes/conversation-routes.js";
import { registerHealthRoutes } from "../routes/health-routes.js";
import { registerModelMemoryRoutes } from "../routes/model-memory-routes.js";
import { registerRecordRoutes } from "../routes/record-routes.js";
import { registerSettingRoutes } from "../routes/setting-routes.js";
import type { BridgeApp, BridgeEnv } from "./bridge-env.js";
import { HttpError } from "./http-error.js";
import { requireUtf8 } from "./require-utf8.js";
import { describeError, retryAfterSeconds, toErrorResponse } from "./to-error-response.js";
import { validationHook } from "./validation-hook.js";

/** Options for {@link createBridgeApp}. */
export interface BridgeAppOptions {
  /** The memory the service answers from (its API keys authenticate requests). */
  memory: Memory;
  /** Where structured request logs go. @default JSON lines on stdout */
  logger?: Logger | undefined;
  /** The largest request body accepted, in bytes. @default 16 MiB (about 250 records with 3,072-d vectors) */
  bodyLimit?: number | undefined;
  /** A /v1 request still running after this many milliseconds is answered 503 with Retry-After. @default 30000 */
  requestTimeoutMs?: number | undefined;
}

/** The bridge's default request body limit: 16 MiB. */
export const defaultBodyLimit = 16 * 1024 * 1024;

const securityHeaders = { "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" };
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The bridge as a Hono app, without a listening socket: test it with `app.request()`, or serve it with
 * {@link startBridge}. Routes live under `/v1` and need an API key; `/healthz`, `/readyz`,
 * `/openapi.json` (OpenAPI 3.1) and `/docs` do not.
 * @example
 * const app = createBridgeApp({ memory });
 * const response = await app.request("/v1/records/crewai/count", { headers: { authorization: `Bearer ${key}` } });
 */
export function createBridgeApp(options: BridgeAppOptions): BridgeApp {
  const { memory } = options;
  const logger = options.logger ?? jsonLogger();
  const app: BridgeApp = new OpenAPIHono<BridgeEnv>({ defaultHook: validationHook });
  app.use("*", requestLog(logger));
  app.use("*", async (context, next) => {
    await next();
    for (const [name, value] of Object.entries(securityHeaders)) context.header(name, value);
  });
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: options.bodyLimit ?? defaultBodyLimit,
      onError: () => {
        throw new HttpError(413, "payload_too_large", `The request body is larger than ${options.bodyLimit ?? defaultBodyLimit} bytes.`);
      },
    }),
  );
  app.use(
    "/v1/*",
    timeout(
      options.requestTimeoutMs ?? 30_000,
      () => new HttpError(503, "timeout", "The request took too long; retry later.", { headers: { "Retry-After": String(retryAfterSeconds) } }) as never,
    ),
  );
  app.use("/v1/*", requireUtf8());
  app.use("/v1/*", authenticate(memory));
  const dependencies = { app, memory };
  registerHealthRoutes(dependencies);
  registerRecordRoutes(dependencies);
  registerConversationRoutes(dependencies);
  registerModelMemoryRoutes(dependencies);
  registerSettingRoutes(dependencies);
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "An API key from `mnemo keys create`." });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Mnemo bridge",
      version: "0.1.0",
      description: "Authenticated, tenant-scoped memory service over @mnemo/core (CrewAI storage, conversations, model memory, settings).",
    },
    security: [{ apiKey: [] }],
  });
  app.get("/docs", (context) => {
    context.header("Content-Security-Policy", docsPolicy);
    return context.html(docsHtml);
  });
  app.get("/docs/docs.js", (context) => context.body(docsJs, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
  app.get("/docs/docs.css", (context) => context.body(docsCss, 200, { "Content-Type": "text/css; charset=utf-8" }));
  app.notFound((context) => context.json({ error: { code: "not_found", message: "No such route." } }, 404));
  app.onError((error, context) => {
    const { status, body } = describeError(error);
    if (status >= 500) {
      logger.log({
        level: "error",
        event: "error",
        requestId: context.var.requestId,
        code: body.error.code,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    }
    return toErrorResponse(error, context);
  });
  return app;
}
