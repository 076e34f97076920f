import type { Context } from "hono";

/**
 * Answers with `data` as JSON (dates become ISO strings, undefined fields disappear). The route's
 * response schema documents the shape; the handler's typing is relaxed here because core returns
 * `Date` objects where the wire carries strings.
 */
export function json<Status extends 200 | 201>(context: Context, data: unknown, status: Status) {
  return context.json(data as never, status);
}
