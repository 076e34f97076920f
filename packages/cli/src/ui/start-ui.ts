import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Memory } from "@mnemo/core";
import type { GlobalOptions } from "../program/global-options.js";
import { handleApi } from "./ui-api.js";

/** Options for {@link startUi}. */
export interface StartUiOptions {
  memory: Memory;
  userId: string;
  /** Global options (the summariser configuration for enhance). */
  options?: GlobalOptions;
  /** 0 picks a free port. @default 4777 */
  port?: number;
}

/** A running UI server. */
export interface RunningUi {
  url: string;
  close(): Promise<void>;
}

const assetsFolder = new URL("../../ui-assets/", import.meta.url);
const assets: Record<string, string> = { "/": "index.html", "/index.html": "index.html", "/app.js": "app.js", "/style.css": "style.css" };
const types: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
const maxBody = 1_048_576;

/**
 * Serves the local web UI and its JSON API on 127.0.0.1 only. Requests whose Host is not this
 * loopback address (DNS rebinding) or, for writes, whose Origin is another site, are refused.
 * @example
 * const ui = await startUi({ memory, userId: "me", port: 0 });
 * console.log(ui.url);
 */
export async function startUi(options: StartUiOptions): Promise<RunningUi> {
  const server = createServer((request, response) => {
    serve(request, response, options, server.address() as AddressInfo).catch(() => {
      if (!response.headersSent) send(response, 500, "text/plain", "Internal error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4777, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, options: StartUiOptions, address: AddressInfo): Promise<void> {
  const allowedHosts = new Set([`127.0.0.1:${address.port}`, `localhost:${address.port}`]);
  if (!allowedHosts.has(request.headers.host ?? "")) return send(response, 403, "text/plain", "Forbidden host");
  const url = new URL(request.url ?? "/", `http://${request.headers.host}`);
  const method = request.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    const origin = request.headers.origin;
    if (origin && !allowedHosts.has(origin.replace(/^https?:\/\//, ""))) return send(response, 403, "text/plain", "Forbidden origin");
  }
  if (url.pathname.startsWith("/api/")) {
    const body = method === "GET" ? {} : await readBody(request);
    if (body === undefined)
      return sendJson(response, 400, { error: { code: "invalid_input", message: "The request body must be a JSON object of at most 1 MiB." } });
    const result = await handleApi(
      { method, path: url.pathname, query: url.searchParams, body },
      { memory: options.memory, userId: options.userId, options: options.options ?? {} },
    );
    return sendJson(response, result.status, result.body);
  }
  const file = assets[url.pathname];
  if (!file) return send(response, 404, "text/plain", "Not found");
  const content = await readFile(new URL(file, assetsFolder), "utf8");
  send(response, 200, types[file.split(".").pop() as string] as string, content);
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = "";
  for await (const chunk of request) {
    text += chunk;
    if (text.length > maxBody) return undefined;
  }
  if (text === "") return {};
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, "application/json; charset=utf-8", JSON.stringify(body));
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
  });
  response.end(body);
}
