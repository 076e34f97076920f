import { randomBytes } from "node:crypto";
import type { PgPoolLike } from "../driver/pg-driver.js";
import type { PGliteLike } from "../driver/pglite-driver.js";

/** One storage engine for a test suite: a shared database handle and fresh schemas on demand. */
export interface TestEngine {
  name: "pglite" | "postgres";
  /** False when the engine cannot run here; `reason` says why (never in CI, where that is an error). */
  available: boolean;
  reason: string | undefined;
  /** Opens the engine once for a test file. */
  open(): Promise<OpenTestEngine>;
}

/** An opened {@link TestEngine}. */
export interface OpenTestEngine {
  /** Pass as `createMemory({ database })`; it stays open across tests. */
  database: PgPoolLike | PGliteLike;
  /** A new, unique schema name; dropped by `close()`. */
  newSchema(): string;
  /** Drops every schema handed out and closes the database. */
  close(): Promise<void>;
}

/**
 * The engines every contract suite runs on: embedded PGlite always, and the PostgreSQL server
 * named by `DATABASE_URL`. With `CI` set, a missing `DATABASE_URL` throws instead of skipping.
 */
export function testEngines(): TestEngine[] {
  const url = process.env.DATABASE_URL;
  if (!url && process.env.CI) {
    throw new Error("CI is set but DATABASE_URL is not: the PostgreSQL suite must run in CI (see scripts/setup-postgres.sh).");
  }
  if (!url) console.warn("[mnemo tests] DATABASE_URL is not set: the PostgreSQL server suite is skipped; set it to run both engines.");
  return [
    { name: "pglite", available: true, reason: undefined, open: openPGlite },
    { name: "postgres", available: Boolean(url), reason: url ? undefined : "DATABASE_URL is not set", open: () => openPostgres(url as string) },
  ];
}

function uniqueSchema(): string {
  return `test_${randomBytes(6).toString("hex")}`;
}

async function openPGlite(): Promise<OpenTestEngine> {
  const [{ PGlite }, { vector }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-pgvector")]);
  const db = await PGlite.create("memory://", { extensions: { vector } });
  return { database: db as unknown as PGliteLike, newSchema: uniqueSchema, close: () => db.close() };
}

async function openPostgres(url: string): Promise<OpenTestEngine> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  const schemas: string[] = [];
  return {
    database: pool as unknown as PgPoolLike,
    newSchema() {
      const schema = uniqueSchema();
      schemas.push(schema);
      return schema;
    },
    async close() {
      for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
