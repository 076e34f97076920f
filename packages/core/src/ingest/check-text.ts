/**
 * Why a string cannot be stored as PostgreSQL text, or undefined when it can.
 * PostgreSQL text cannot hold U+0000, and a lone UTF-16 surrogate has no UTF-8 form: both are
 * rejected rather than silently altered.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes("\u0000")) return "contains U+0000 (NUL), which PostgreSQL text cannot store; remove it or encode the data";
  if (!value.isWellFormed()) return "contains a lone UTF-16 surrogate (invalid Unicode); fix the encoding of the text";
  return undefined;
}

/**
 * Why a JSON value cannot be stored as jsonb, or undefined when it can: every key and string must
 * pass {@link textProblem}, nesting is limited, and only JSON types are allowed.
 */
export function jsonProblem(value: unknown, depth = 0): string | undefined {
  if (depth > 32) return "is nested more than 32 levels deep";
  if (value === null || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : "contains a number that is not finite";
  if (typeof value === "string") return textProblem(value);
  if (Array.isArray(value)) return firstProblem(value, (item) => jsonProblem(item, depth + 1));
  if (typeof value === "object" && isPlainObject(value)) {
    return firstProblem(Object.entries(value), ([key, item]) => textProblem(key) ?? (item === undefined ? undefined : jsonProblem(item, depth + 1)));
  }
  return `contains a ${typeof value === "object" ? "non-plain object" : typeof value}, which is not JSON`;
}

function firstProblem<T>(items: T[], check: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const problem = check(item);
    if (problem) return problem;
  }
  return undefined;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
