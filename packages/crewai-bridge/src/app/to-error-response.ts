import { MnemoError } from "@mnemo/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ErrorBody } from "./error-body.js";
import { HttpError } from "./http-error.js";

/** Seconds a client should wait before retrying when the database is unavailable. */
export const retryAfterSeconds = 2;

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503;

const statusOfCode: Record<string, Status> = {
  invalid_input: 400,
  dimension_mismatch: 400,
  budget_exceeded: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  migration_mismatch: 503,
};

/**
 * The one place errors become responses: the bridge's own refusals, core's typed errors (invalid input
 * 400, not found 404, conflict 409, unavailable 503 with Retry-After), Hono's (malformed JSON, body too
 * large) and anything else as a 500 that says nothing of its cause.
 */
export function toErrorResponse(error: unknown, context: Context): Response {
  const { status, body, headers } = describeError(error);
  for (const [name, value] of Object.entries(headers)) context.header(name, value);
  return context.json(body, status);
}

/** The status, body and headers an error is answered with. */
export function describeError(error: unknown): { status: Status; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    for (const [field, value] of Object.entries(error.details)) if (value !== undefined) Object.assign(body.error, { [field]: value });
    return { status: error.status, body, headers: error.headers };
  }
  if (MnemoError.isInstance(error)) {
    const status = statusOfCode[error.code] ?? 500;
    const details = error as MnemoError & { issues?: { path: string; message: string }[]; reason?: unknown; expected?: unknown; actual?: unknown };
    const body: ErrorBody = { error: { code: error.code, message: status === 500 ? "Internal error." : error.message } };
    if (details.issues?.length) body.error.issues = details.issues.map(({ path, message }) => ({ path, message }));
    if (typeof details.reason === "string") body.error.reason = details.reason;
    if (typeof details.expected === "number") body.error.expected = details.expected;
    if (typeof details.actual === "number") body.error.actual = details.actual;
    return { status, body, headers: status === 503 ? { "Retry-After": String(retryAfterSeconds) } : {} };
  }
  if (error instanceof HTTPException) {
    const status = ([400, 401, 403, 404, 413, 415] as const).find((known) => known === error.status) ?? 400;
    const code = status === 413 ? "payload_too_large" : status === 400 ? "invalid_input" : "bad_request";
    return { status, body: { error: { code, message: error.message || "Bad request." } }, headers: {} };
  }
  return { status: 500, body: { error: { code: "internal", message: "Internal error." } }, headers: {} };
}
