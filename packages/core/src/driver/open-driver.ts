import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { Driver } from "./driver.js";
import type { PgPoolLike } from "./pg-driver.js";
import type { PGliteLike } from "./pglite-driver.js";

/**
 * Where Mnemo keeps its data:
 * - a connection string `postgres://…` (a PostgreSQL server, through `pg`);
 * - a `pg.Pool` you own; a PGlite instance you own (created with the pgvector extension);
 * - `{ dataDir }`: an embedded PGlite database in that directory; `{ dataDir: "memory://" }` in memory;
 * - omitted: embedded, in `$MNEMO_HOME`, else `~/.mnemo`.
 */
export type DatabaseOption = string | PgPoolLike | PGliteLike | { dataDir: string };

/** The embedded data directory: `$MNEMO_HOME`, else `~/.mnemo`. */
export function defaultDataDir(): string {
  return process.env.MNEMO_HOME || join(homedir(), ".mnemo");
}

/**
 * Opens the driver for a {@link DatabaseOption}. Each engine's client is loaded only when used,
 * so a user of one never loads the other.
 */
export async function openDriver(database: DatabaseOption | undefined, maxConnections?: number): Promise<Driver> {
  if (typeof database === "string") {
    if (!/^postgres(ql)?:\/\//.test(database)) {
      throw new InvalidInputError("database: a connection string must start with postgres:// or postgresql://; for an embedded store pass { dataDir }.");
    }
    const { createPgDriver } = await import("./pg-driver.js");
    return createPgDriver({ database, ...(maxConnections ? { maxConnections } : {}) });
  }
  if (database === undefined || isDataDir(database)) {
    const dir = database?.dataDir ?? defaultDataDir();
    if (!dir.startsWith("memory://")) await mkdir(dir, { recursive: true });
    const { createPGliteDriver } = await import("./pglite-driver.js");
    return createPGliteDriver({ database: dir });
  }
  if (isPgPool(database)) {
    const { createPgDriver } = await import("./pg-driver.js");
    return createPgDriver({ database });
  }
  if (isPGlite(database)) {
    const { createPGliteDriver } = await import("./pglite-driver.js");
    return createPGliteDriver({ database });
  }
  throw new InvalidInputError("database: expected a postgres:// URL, a pg Pool, a PGlite instance or { dataDir }.");
}

function isDataDir(value: object): value is { dataDir: string } {
  // Plain objects only: a PGlite instance has a `dataDir` property of its own.
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { dataDir?: unknown }).dataDir === "string";
}

function isPgPool(value: object): value is PgPoolLike {
  return typeof (value as PgPoolLike).connect === "function" && typeof (value as PgPoolLike).end === "function";
}

function isPGlite(value: object): value is PGliteLike {
  return typeof (value as PGliteLike).transaction === "function" && typeof (value as PGliteLike).query === "function";
}
