import { z } from "@hono/zod-openapi";

/** One problem with a request, with where it is (`body.records.0.scope`, `query.limit`). */
export const issueSchema = z.object({ path: z.string(), message: z.string() }).openapi("Issue");

/** Every error answer: `{ error: { code, message, issues? } }`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_input" }),
      message: z.string(),
      issues: z.array(issueSchema).optional(),
      reason: z.string().optional().openapi({ description: "A finer cause within `code`, e.g. dimension_mismatch" }),
      expected: z.number().int().optional().openapi({ description: "dimension_mismatch: the stored vectors' dimension" }),
      actual: z.number().int().optional().openapi({ description: "dimension_mismatch: the dimension sent" }),
    }),
  })
  .openapi("Error");

/** The body of an error answer. */
export type ErrorBody = z.infer<typeof errorBodySchema>;

const describe = {
  400: "Invalid input: the field path and the reason are in `error.issues`",
  401: "No API key, or an unknown or revoked one",
  403: "The key does not cover this user or scope",
  404: "Not found (for this user and the key's scopes)",
  409: "Conflicts with what is stored",
  413: "Body larger than the limit",
  503: "The database is unavailable; retry after `Retry-After` seconds",
} as const;

/** The error responses of a route, for its OpenAPI description. */
export function errorResponses(...statuses: (keyof typeof describe)[]) {
  const all = [...new Set<keyof typeof describe>([400, 401, 403, 413, 503, ...statuses])];
  return Object.fromEntries(all.map((status) => [status, { description: describe[status], content: { "application/json": { schema: errorBodySchema } } }]));
}
