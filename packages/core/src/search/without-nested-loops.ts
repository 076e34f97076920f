import type { Driver, Queryable } from "../driver/driver.js";

/**
 * Runs `work` in a transaction whose statements join without nested loops. For the exact vector scans,
 * which read every vector of a user (or collection) and join each to its owner row: a hash join is the
 * plan. A table that grew faster than autovacuum analyses it has no statistics, and the planner,
 * expecting one row a side, picked a nested loop that re-read the owner rows for every vector —
 * quadratic (records: 742 ms at 1,800 records, 5 ms after `ANALYZE`; messages of a new user likewise).
 */
export function withoutNestedLoops<T>(driver: Driver, work: (transaction: Queryable) => Promise<T>): Promise<T> {
  return driver.transaction(async (transaction) => {
    await transaction.query("SELECT set_config('enable_nestloop', 'off', true)");
    return work(transaction);
  });
}
