/** A refusal the bridge itself decides (authentication, authorisation, limits), turned into a response by the app's one error handler. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: HttpError["status"], code: string, message: string, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
  }
}
