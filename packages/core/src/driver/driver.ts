/** Rows returned by a statement. */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted by the statement. */
  affectedRows: number;
}

/** Anything that runs SQL: a driver, or a transaction handed out by one. */
export interface Queryable {
  /** Runs one parameterised statement (`$1`, `$2`, …). Errors are typed Mnemo errors. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  script(sql: string): Promise<void>;
}

/**
 * The port between Mnemo and a PostgreSQL engine. Both engines speak the same SQL;
 * a driver only hides how connections and transactions are obtained.
 */
export interface Driver extends Queryable {
  /** Which engine runs the SQL. */
  readonly engine: "postgres" | "pglite";
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
  /** Releases what the driver opened itself. Idempotent; never ends a pool the caller passed in. */
  close(): Promise<void>;
}
