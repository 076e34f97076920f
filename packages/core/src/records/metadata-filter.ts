import { z } from "zod";
import { jsonProblem, textProblem } from "../ingest/check-text.js";
import type { SqlParams } from "./sql-params.js";

/**
 * The comparison operators of a {@link MetadataFilter} (LlamaIndex's `FilterOperator` set):
 * `== != > >= < <=` compare a value (numbers numerically, strings as text, booleans as booleans);
 * `in`/`nin`: the value is (not) one of a list; `any`/`all`: an array value holds any/all of a list;
 * `contains`: an array value holds a scalar; `text_match`: a string value contains a substring
 * (case-sensitive); `is_empty`: missing, null, `""` or `[]`. A missing key matches only `is_empty`.
 */
export const filterOperators = ["==", "!=", ">", ">=", "<", "<=", "in", "nin", "any", "all", "contains", "text_match", "is_empty"] as const;

/** One of {@link filterOperators}. */
export type FilterOperator = (typeof filterOperators)[number];

/**
 * A condition on record metadata: a comparison of the value at `key` (a dotted path such as `a.b`),
 * or `and` / `or` of conditions, nested freely.
 * @example
 * const filter: MetadataFilter = { or: [{ key: "year", op: ">=", value: 2020 }, { key: "tags", op: "contains", value: "draft" }] };
 */
export type MetadataFilter = { and: MetadataFilter[] } | { or: MetadataFilter[] } | { key: string; op: FilterOperator; value?: unknown };

const scalar = z.union([z.string(), z.number().finite(), z.boolean()]);
const list = z.array(scalar).max(1_000, "must list at most 1,000 values");
const valueSchemas: Record<FilterOperator, z.ZodType> = {
  "==": z.union([scalar, z.null()]),
  "!=": z.union([scalar, z.null()]),
  ">": z.union([z.string(), z.number().finite()]),
  ">=": z.union([z.string(), z.number().finite()]),
  "<": z.union([z.string(), z.number().finite()]),
  "<=": z.union([z.string(), z.number().finite()]),
  in: list,
  nin: list,
  any: list,
  all: list,
  contains: scalar,
  text_match: z.string(),
  is_empty: z.unknown(),
};

const comparison = z
  .object({
    key: z.string().min(1, "must not be empty").max(1_000, "must be at most 1,000 characters"),
    op: z.enum(filterOperators, { message: `must be one of ${filterOperators.join(" ")}` }),
    value: z.unknown().optional(),
  })
  .strict()
  .superRefine((filter, context) => {
    const problem = textProblem(filter.key) ?? (filter.key.split(".").includes("") ? "must not have empty path segments" : undefined);
    if (problem) context.addIssue({ code: "custom", path: ["key"], message: problem });
    const parsed = valueSchemas[filter.op].safeParse(filter.value);
    if (!parsed.success) context.addIssue({ code: "custom", path: ["value"], message: `is not a valid value for operator ${filter.op}` });
    else if (filter.op !== "is_empty" && jsonProblem(filter.value))
      context.addIssue({ code: "custom", path: ["value"], message: jsonProblem(filter.value) ?? "" });
  });

const group = (name: "and" | "or") => z.object({ [name]: z.array(z.lazy(() => metadataFilterSchema)).max(500, "must hold at most 500 filters") }).strict();
const groups = { and: group("and"), or: group("or") };

/**
 * Validates a {@link MetadataFilter} tree (see {@link filterShapeProblem} for its limits). Each node is
 * checked against the one shape its keys name (`and`, `or`, else a comparison), so issues say what is wrong.
 */
export const metadataFilterSchema = z.unknown().transform((value, context) => {
  const shape = typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  const schema = shape && "and" in shape ? groups.and : shape && "or" in shape ? groups.or : comparison;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as MetadataFilter;
  for (const issue of parsed.error.issues) context.addIssue({ code: "custom", path: issue.path, message: issue.message });
  return z.NEVER;
}) as unknown as z.ZodType<MetadataFilter, MetadataFilter>;

/** Checks depth and size, which a recursive schema cannot bound. */
export function filterShapeProblem(filter: MetadataFilter, depth = 0, seen = { count: 0 }): string | undefined {
  if (depth > 32) return "is nested more than 32 levels deep";
  seen.count += 1;
  if (seen.count > 500) return "has more than 500 conditions";
  const children = "and" in filter ? filter.and : "or" in filter ? filter.or : [];
  for (const child of children) {
    const problem = filterShapeProblem(child, depth + 1, seen);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Compiles a validated filter to a SQL condition on the jsonb column `column`. Keys and values are
 * bind parameters (`column #> $n::text[]`), never SQL text. Every comparison is true or false, never
 * NULL (a missing key is false, except for `is_empty`), so `and`/`or` behave as in LlamaIndex.
 * An empty `and` is true, an empty `or` false.
 */
export function compileFilter(filter: MetadataFilter, column: string, params: SqlParams): string {
  if ("and" in filter) return filter.and.length === 0 ? "true" : `(${filter.and.map((child) => compileFilter(child, column, params)).join(" AND ")})`;
  if ("or" in filter) return filter.or.length === 0 ? "false" : `(${filter.or.map((child) => compileFilter(child, column, params)).join(" OR ")})`;
  const at = `(${column} #> ${params.add(filter.key.split("."))}::text[])`;
  if (filter.op === "is_empty") return `coalesce(${at} IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb), true)`;
  return `coalesce(${comparisonSql(filter.op, at, filter.value, params)}, false)`;
}

function comparisonSql(op: Exclude<FilterOperator, "is_empty">, at: string, value: unknown, params: SqlParams): string {
  const json = () => `${params.add(JSON.stringify(value))}::jsonb`;
  // CASE guards each cast and function by the value's JSON type: PostgreSQL may evaluate AND operands in any order.
  const ifArray = (test: string) => `CASE WHEN jsonb_typeof(${at}) = 'array' THEN ${test} END`;
  switch (op) {
    case "==":
      return `${at} = ${json()}`;
    case "!=":
      return `${at} <> ${json()}`;
    case "in":
      return `EXISTS (SELECT 1 FROM jsonb_array_elements(${json()}) AS v(x) WHERE v.x = ${at})`;
    case "nin":
      return `(${at} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${json()}) AS v(x) WHERE v.x = ${at}))`;
    case "any":
      return ifArray(`EXISTS (SELECT 1 FROM jsonb_array_elements(${at}) AS a(x) JOIN jsonb_array_elements(${json()}) AS v(x) ON a.x = v.x)`);
    case "all":
      return ifArray(
        `NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${json()}) AS v(x) WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(${at}) AS a(x) WHERE a.x = v.x))`,
      );
    case "contains":
      return ifArray(`EXISTS (SELECT 1 FROM jsonb_array_elements(${at}) AS a(x) WHERE a.x = ${json()})`);
    case "text_match":
      return `CASE WHEN jsonb_typeof(${at}) = 'string' THEN strpos(${at} #>> '{}', ${params.add(value)}::text) > 0 END`;
    default:
      return typeof value === "number"
        ? `CASE WHEN jsonb_typeof(${at}) = 'number' THEN (${at})::numeric ${op} ${params.add(value)}::numeric END`
        : `CASE WHEN jsonb_typeof(${at}) = 'string' THEN (${at} #>> '{}') COLLATE "C" ${op} ${params.add(value)}::text END`;
  }
}
