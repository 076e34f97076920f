import { z } from "@hono/zod-openapi";
import { userHeader } from "../auth/authenticate.js";

/** The optional `X-Mnemo-User` header every /v1 route accepts. */
export const userHeaders = z.object({
  [userHeader]: z.string().min(1).max(256).optional().openapi({ description: "The user to act as; required only when the API key is bound to several users." }),
});

/** A user-chosen id (conversation, message, record): 1 to 256 characters. */
export const idParam = (name: string) =>
  z
    .string()
    .min(1, "must not be empty")
    .max(256, "must be at most 256 characters")
    .openapi({ param: { name, in: "path" } });

/** A JSON object of metadata. */
export const metadataSchema = z.record(z.string(), z.unknown()).openapi({ type: "object", additionalProperties: true });

/** A non-negative integer from a query string, optional. */
export const queryInteger = (max: number) => integerText(max).optional();

/** A non-negative integer from a query string, `fallback` when absent. */
export const queryIntegerOr = (max: number, fallback: number) => integerText(max).default(fallback);

const integerText = (max: number) => z.coerce.number().int("must be an integer").min(0, "must not be negative").max(max, `must be at most ${max}`);

/** A scope path such as `/` or `/crew/researcher` (validated again, as a path, by core). */
export const scopeSchema = z
  .string()
  .min(1, "must be a path such as / or /crew/researcher")
  .max(512, "must be at most 512 characters")
  .openapi({ example: "/crew/researcher" });

/** A timestamp as an ISO 8601 string. */
export const timestampSchema = z.string().openapi({ format: "date-time", example: "2026-01-31T12:00:00.000Z" });
