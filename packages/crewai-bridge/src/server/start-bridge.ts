import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createMemory, type DatabaseOption, type Embedder, type Memory } from "@mnemo/core";
import { createBridgeApp } from "../app/create-bridge-app.js";
import { jsonLogger, type Logger } from "../logging/logger.js";

/** Options for {@link startBridge}. */
export interface StartBridgeOptions {
  /** A memory you opened (you close it). Without one, the bridge opens `database` itself and closes it on `close()`. */
  memory?: Memory | undefined;
  /** Where to store when no `memory` is given (see `createMemory`). @default embedded PGlite in `$MNEMO_HOME`, else `~/.mnemo` */
  database?: DatabaseOption | undefined;
  /** PostgreSQL schema, when the bridge opens the memory. @default "mnemo" */
  schema?: string | undefined;
  /** Embeds text sent without vectors (CrewAI's legacy storage, text search), when the bridge opens the memory. @default none: lexical only */
  embedder?: Embedder | undefined;
  /** TCP port; 0 picks a free one. @default 7077 */
  port?: number | undefined;
  /** Interface to listen on. Anything but loopback exposes the service to the network: put TLS in front. @default "127.0.0.1" */
  host?: string | undefined;
  /** Largest request body in bytes. @default 16 MiB */
  bodyLimit?: number | undefined;
  /** Structured logs. @default JSON lines on stdout */
  logger?: Logger | undefined;
}

/** A running bridge. */
export interface RunningBridge {
  /** e.g. `http://127.0.0.1:7077` */
  url: string;
  port: number;
  memory: Memory;
  /** Stops accepting connections, waits for open requests, and closes the memory if the bridge opened it. */
  close(): Promise<void>;
}

/** The bridge's default port. */
export const defaultBridgePort = 7077;

/**
 * Starts the HTTP service on `host:port` (127.0.0.1:7077 by default). This is what `mnemo serve` and
 * the package's `mnemo-bridge` command run.
 * @example
 * const bridge = await startBridge({ database: process.env.DATABASE_URL, port: 7077 });
 * console.log(`listening on ${bridge.url}`);
 * await bridge.close();
 */
export async function startBridge(options: StartBridgeOptions = {}): Promise<RunningBridge> {
  const logger = options.logger ?? jsonLogger();
  const owned = !options.memory;
  const memory = options.memory ?? (await createMemory({ database: options.database, schema: options.schema, embedder: options.embedder }));
  try {
    // The tokenizer builds its rank tables on first use, synchronously (seconds on a busy machine): do it
    // before listening, so the first requests do not stall the event loop past their timeout.
    memory.tokenizer.count("warm-up");
    const app = createBridgeApp({ memory, logger, bodyLimit: options.bodyLimit });
    const host = options.host ?? "127.0.0.1";
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const started = serve({ fetch: app.fetch, port: options.port ?? defaultBridgePort, hostname: host }, () => resolve(started));
      started.once("error", reject);
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    logger.log({ level: "info", event: "listening", url, engine: memory.engine, embedder: memory.embedder?.id ?? "none" });
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      memory,
      close() {
        closing ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          // Idle keep-alive connections would otherwise hold close() open until they time out.
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          await closed;
          if (owned) await memory.close();
          logger.log({ level: "info", event: "closed", url });
        })();
        return closing;
      },
    };
  } catch (error) {
    if (owned) await memory.close();
    throw error;
  }
}
