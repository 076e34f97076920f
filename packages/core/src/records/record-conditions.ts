import { compileFilter } from "./metadata-filter.js";
import type { RecordSelection } from "./record-schemas.js";
import type { SqlParams } from "./sql-params.js";

/**
 * SQL conditions (each starting with ` AND `) for a selection of records on table alias `alias`.
 * Every value is a bind parameter.
 */
export function selectionSql(selection: RecordSelection, alias: string, params: SqlParams): string {
  const conditions: string[] = [];
  if (selection.scopePrefix !== undefined) conditions.push(inScopeSql(`${alias}.scope`, params.add(selection.scopePrefix)));
  if (selection.categories) conditions.push(`${alias}.categories && ${params.add(selection.categories)}::text[]`);
  if (selection.sourceIds) conditions.push(`${alias}.source_id = ANY(${params.add(selection.sourceIds)}::text[])`);
  if (selection.ids) conditions.push(`${alias}.record_id = ANY(${params.add(selection.ids)}::text[])`);
  if (selection.private !== undefined) conditions.push(`${alias}.private = ${params.add(selection.private)}::boolean`);
  if (selection.olderThan) conditions.push(`${alias}.created_at < ${params.add(selection.olderThan)}::timestamptz`);
  if (selection.filter) conditions.push(compileFilter(selection.filter, `${alias}.metadata`, params));
  return conditions.map((condition) => ` AND ${condition}`).join("");
}

/**
 * SQL: the C-collated `column` is the scope `prefix` or lies under it (`/a` holds `/a/b`, not `/ab`);
 * `/` holds everything. A range, not LIKE: `%` and `_` are plain characters, and the
 * (user, collection, scope) index serves it. `0` is the character after `/`.
 */
export function inScopeSql(column: string, prefix: string): string {
  return `(${prefix}::text = '/' OR ${column} = ${prefix}::text OR (${column} >= (${prefix}::text || '/') AND ${column} < (${prefix}::text || '0')))`;
}
