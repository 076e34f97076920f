import { createHash } from "node:crypto";
import pg from "pg";
import type { Driver, Queryable, QueryResult } from "./driver.js";
import { mapDatabaseError } from "./map-database-error.js";

/** The part of a `pg` client that Mnemo calls. */
export interface PgClientLike {
  query(sql: string | { name: string; text: string; values: unknown[] }, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** The part of a `pg.Pool` that Mnemo calls, so any compatible pool can be passed in. */
export interface PgPoolLike extends PgClientLike {
  connect(): Promise<PgClientLike & { release(error?: Error | boolean): void }>;
  end(): Promise<void>;
}

/** Options for {@link createPgDriver}. */
export interface PgDriverOptions {
  /** A connection string (`postgres://…`), or a pool you own (Mnemo never ends it). */
  database: string | PgPoolLike;
  /** Pool size when Mnemo creates the pool. @default 10 */
  maxConnections?: number;
}

// Mnemo reads int8 columns (sequence numbers, totals) as JS numbers; values stay far below 2^53.
const int8 = 20;

/**
 * A driver over a PostgreSQL server through `pg`.
 * @example
 * const driver = createPgDriver({ database: process.env.DATABASE_URL! });
 */
export function createPgDriver(options: PgDriverOptions): Driver {
  const owned = typeof options.database === "string";
  const pool: PgPoolLike =
    typeof options.database === "string"
      ? new pg.Pool({
          connectionString: options.database,
          max: options.maxConnections ?? 10,
          connectionTimeoutMillis: 10_000,
          types: { getTypeParser: (oid, format) => (oid === int8 ? Number : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
        })
      : options.database;
  if (owned) (pool as unknown as pg.Pool).on("error", () => {}); // idle-client errors surface on the next query instead
  let closed = false;
  return {
    engine: "postgres",
    query: (sql, params) => run(pool, sql, params),
    script: async (sql) => void (await run(pool, sql)),
    async transaction(work) {
      let client: Awaited<ReturnType<PgPoolLike["connect"]>>;
      try {
        client = await pool.connect();
      } catch (error) {
        throw mapDatabaseError(error);
      }
      let broken = false;
      // A checked-out client whose connection drops (server stopped, network cut) emits "error"; without a
      // listener that is an uncaught exception that ends the process. The failure reaches the caller
      // through the pending or next query instead.
      const onError = () => {
        broken = true;
      };
      (client as EventedClient).on?.("error", onError);
      try {
        await run(client, "BEGIN");
        const result = await work({
          query: (sql, params) => run(client, sql, params),
          script: async (sql) => void (await run(client, sql)),
        });
        await run(client, "COMMIT");
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true; // the connection is gone; do not hand it back to the pool
        }
        throw mapDatabaseError(error);
      } finally {
        (client as EventedClient).off?.("error", onError);
        client.release(broken);
      }
    },
    async close() {
      if (closed || !owned) return;
      closed = true;
      await pool.end();
    },
  };
}

// `pg` clients are event emitters; pools passed in may hand out clients that are not.
type EventedClient = { on?(event: "error", listener: () => void): unknown; off?(event: "error", listener: () => void): unknown };

const statementNames = new Map<string, string>();

// Mnemo's statements have fixed text (values travel as parameters, batches as arrays), so each is
// prepared once per connection under a name derived from its text: planning a history read costs
// more than running it.
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `mnemo_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
}

async function run<Row>(client: PgClientLike, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
  try {
    const result = params === undefined ? await client.query(sql) : await client.query({ name: statementName(sql), text: sql, values: [...params] });
    return { rows: result.rows as Row[], affectedRows: result.rowCount ?? 0 };
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

export type { Queryable };
