import { createHash } from "node:crypto";
import type { Driver, Queryable } from "../driver/driver.js";
import { MigrationError } from "../errors/migration-error.js";
import { migrations as allMigrations, type Migration } from "./migrations.js";

// One lock for every Mnemo schema in a database: CREATE EXTENSION is database-wide, and
// migrations are rare and quick, so serialising them all costs nothing.
const migrationLock = 0x6d6e656d6f;

/** The result of {@link migrate}. */
export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
  /** The schema version now in force. */
  version: number;
}

/**
 * Brings `schema` up to date. Each migration runs in its own transaction under a
 * transaction-scoped advisory lock, so two processes starting together apply it once.
 * An applied migration whose checksum changed, or an unknown newer one, is a {@link MigrationError}.
 */
export async function migrate(driver: Driver, schema: string, migrations: readonly Migration[] = allMigrations): Promise<MigrateResult> {
  const s = quoteIdentifier(schema);
  await driver.transaction(async (transaction) => {
    await transaction.query("SELECT pg_advisory_xact_lock($1)", [migrationLock]);
    await transaction.script(`
      CREATE EXTENSION IF NOT EXISTS vector;
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        checksum    text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      );`);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = await driver.transaction(async (transaction) => {
      await transaction.query("SELECT pg_advisory_xact_lock($1)", [migrationLock]);
      const done = await verify(transaction, s, migrations);
      if (done.has(migration.version)) return false;
      await transaction.script(migration.sql(s));
      await transaction.query(`INSERT INTO ${s}.migrations (version, name, checksum) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        checksum(migration),
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return { applied, version: migrations.at(-1)?.version ?? 0 };
}

/** Checks every applied migration against the code; returns the applied versions. */
async function verify(transaction: Queryable, s: string, migrations: readonly Migration[]): Promise<Set<number>> {
  const { rows } = await transaction.query<{ version: number; checksum: string }>(`SELECT version, checksum FROM ${s}.migrations`);
  const known = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const row of rows) {
    const migration = known.get(row.version);
    if (!migration) {
      throw new MigrationError(`The database schema has migration ${row.version}, which this version of Mnemo does not know; upgrade Mnemo.`);
    }
    if (checksum(migration) !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.version} (${migration.name}) was applied with different SQL (checksum mismatch); restore the original migration or migrate the database by hand.`,
      );
    }
  }
  return new Set(rows.map((row) => row.version));
}

/** A checksum independent of the schema name the migration was applied to. */
export function checksum(migration: Migration): string {
  return createHash("sha256").update(migration.sql('"mnemo"')).digest("hex");
}

/** Quotes a SQL identifier (schema names come from configuration, never from end users). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
