import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { lockDataDir } from "./data-dir-lock.js";
import type { Driver, QueryResult } from "./driver.js";
import { mapDatabaseError } from "./map-database-error.js";

/** The part of a PGlite instance that Mnemo calls, so an instance you created can be passed in. */
export interface PGliteLike {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(work: (transaction: Pick<PGliteLike, "query" | "exec">) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed?: boolean;
}

/** Options for {@link createPGliteDriver}. */
export interface PGliteDriverOptions {
  /**
   * A directory to keep the database in, `memory://` (or omitted) for an in-memory database,
   * or a PGlite instance you created with the pgvector extension (Mnemo never closes it).
   */
  database?: string | PGliteLike;
}

/**
 * A driver over embedded PGlite (PostgreSQL in WebAssembly) with pgvector loaded.
 * @example
 * const driver = await createPGliteDriver({ database: "/home/me/.mnemo" });
 */
export async function createPGliteDriver(options: PGliteDriverOptions = {}): Promise<Driver> {
  const owned = typeof options.database !== "object";
  const directory = typeof options.database === "string" && !options.database.startsWith("memory://") ? options.database : undefined;
  // A directory is taken before PGlite touches it: a second instance on the same files loses writes.
  const unlock = directory ? await lockDataDir(directory) : undefined;
  let db: PGliteLike;
  try {
    db = typeof options.database === "object" ? options.database : await PGlite.create(options.database ?? "memory://", { extensions: { vector } });
  } catch (error) {
    await unlock?.();
    throw mapDatabaseError(error);
  }
  let closed = false;
  return {
    engine: "pglite",
    query: (sql, params) => run(db, sql, params),
    script: (sql) => runScript(db, sql),
    async transaction(work) {
      try {
        return await db.transaction((transaction) =>
          work({ query: (sql, params) => run(transaction, sql, params), script: (sql) => runScript(transaction, sql) }),
        );
      } catch (error) {
        throw mapDatabaseError(error);
      }
    },
    async close() {
      if (closed || !owned) return;
      closed = true;
      try {
        await db.close();
      } finally {
        await unlock?.();
      }
    },
  };
}

async function run<Row>(db: Pick<PGliteLike, "query">, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
  try {
    const result = await db.query<Row>(sql, params as unknown[] | undefined);
    return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

async function runScript(db: Pick<PGliteLike, "exec">, sql: string): Promise<void> {
  try {
    await db.exec(sql);
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
