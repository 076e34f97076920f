import { isDeepStrictEqual } from "node:util";

const operators = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0 &&
    Object.keys(value).every((key) => operators.has(key))
  );
}

function compare(actual: unknown, operator: string, expected: unknown): boolean {
  switch (operator) {
    case "$eq":
      return isDeepStrictEqual(actual, expected);
    case "$ne":
      return !isDeepStrictEqual(actual, expected);
    case "$gt":
      return Number(actual) > Number(expected);
    case "$gte":
      return Number(actual) >= Number(expected);
    case "$lt":
      return Number(actual) < Number(expected);
    case "$lte":
      return Number(actual) <= Number(expected);
    case "$in":
      return Array.isArray(expected) && expected.some((candidate) => isDeepStrictEqual(actual, candidate));
    default:
      return Array.isArray(expected) && !expected.some((candidate) => isDeepStrictEqual(actual, candidate));
  }
}

/**
 * Whether an item's value passes a LangGraph store filter: each top-level key equals the given value,
 * or satisfies its operators (`$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin`), as in LangGraph's
 * InMemoryStore (`$gt`… compare as numbers), except that objects and arrays compare by value, not by
 * reference. Evaluated in JavaScript on the stored value: filter keys never reach SQL.
 */
export function matchesFilter(value: Record<string, unknown>, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, expected]) => {
    const actual = Object.hasOwn(value, key) ? value[key] : undefined;
    return isOperatorObject(expected)
      ? Object.entries(expected).every(([operator, operand]) => compare(actual, operator, operand))
      : isDeepStrictEqual(actual, expected);
  });
}
