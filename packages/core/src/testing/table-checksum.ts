/** Anything that runs SQL and returns rows: a `pg.Pool` or a PGlite instance. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

// Refreshed by reads (key verification at most once a minute), so they are not part of what a request may change.
const volatileColumns = new Set(["last_used_at"]);

/**
 * One md5 per table of a schema over all its rows (each row as text, in a fixed order), or only the rows
 * of `userId` in tables that have a `user_id` column. Two equal results mean nothing was written.
 */
export async function tableChecksum(database: SqlRunner, schema: string, userId?: string): Promise<Record<string, string>> {
  const columns = (await database.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = $1 AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE')
      ORDER BY table_name, ordinal_position`,
    [schema],
  )) as { rows: { table_name: string; column_name: string }[] };
  const byTable = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of columns.rows) byTable.set(table, [...(byTable.get(table) ?? []), column]);
  const sums: Record<string, string> = {};
  for (const [table, names] of byTable) {
    const perUser = userId !== undefined && names.includes("user_id");
    if (userId !== undefined && !perUser) continue;
    const kept = names.filter((name) => !volatileColumns.has(name)).map((name) => `"${name}"`);
    const { rows } = (await database.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(row_text, '|' ORDER BY row_text COLLATE "C"), '')) AS sum
         FROM (SELECT ROW(${kept.join(", ")})::text AS row_text FROM "${schema}"."${table}"${perUser ? " WHERE user_id = $1" : ""}) AS t`,
      perUser ? [userId] : [],
    )) as { rows: { n: number; sum: string }[] };
    sums[table] = `${rows[0]?.n}:${rows[0]?.sum}`;
  }
  return sums;
}
