import { InvalidInputError, type MnemoError } from "@mnemo/core";

/** Extra fields of an error answer. */
export interface HttpErrorDetails {
  issues?: { path: string; message: string }[] | undefined;
  reason?: string | undefined;
  expected?: number | undefined;
  actual?: number | undefined;
}

/** A refusal the bridge itself decides (authentication, authorisation, limits), turned into a response by the app's one error handler. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503;
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly details: HttpErrorDetails;

  constructor(
    status: HttpError["status"],
    code: string,
    message: string,
    options: { headers?: Record<string, string>; details?: HttpErrorDetails; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}

/**
 * Runs `work`; core's invalid-input errors come back with their issue paths translated to the request's
 * (`records.0.vector` → `body.records.0.embedding`), so a caller sees the field it sent.
 */
export async function withRequestPaths<T>(work: () => Promise<T>, translate: (path: string) => string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!InvalidInputError.isInstance(error)) throw error;
    const details = error as MnemoError & { reason?: unknown; expected?: unknown; actual?: unknown };
    const issues = error.issues.map((issue) => ({ path: translate(issue.path), message: issue.message }));
    const first = issues[0];
    throw new HttpError(400, error.code, first ? `Invalid ${first.path}: ${first.message}.` : error.message, {
      cause: error,
      details: {
        issues,
        reason: typeof details.reason === "string" ? details.reason : undefined,
        expected: typeof details.expected === "number" ? details.expected : undefined,
        actual: typeof details.actual === "number" ? details.actual : undefined,
      },
    });
  }
}
