import { setTimeout as sleep } from "node:timers/promises";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { UnavailableError } from "../errors/unavailable-error.js";

/** How {@link postJsonWithRetries} waits and retries. */
export interface RetryPolicy {
  /** Time allowed for one attempt, answer body included. */
  timeoutMs: number;
  /** Attempts after the first one for 408, 429, 5xx, network errors and timeouts. */
  maxRetries: number;
  /** First backoff delay; it doubles per retry, with jitter. */
  retryBaseDelayMs: number;
  /** Upper bound on any one wait, including a server's `Retry-After`. */
  maxRetryDelayMs: number;
}

/** One JSON POST. */
export interface JsonPost {
  url: string;
  headers: Headers;
  body: unknown;
  /** Who is asked, for error messages, e.g. `embeddings server https://api.openai.com`. */
  label: string;
  /** Strings that must never appear in an error message (API keys), even if a server echoes them. */
  secrets: readonly string[];
}

type Attempt =
  | { kind: "ok"; json: unknown }
  | { kind: "retry"; reason: string; error: unknown; retryAfterMs?: number | undefined }
  | { kind: "fatal"; error: Error };

// Transient by nature: the request was fine, the server or the way to it was not (408: it gave up waiting).
const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * POSTs JSON and returns the parsed JSON answer, retrying transient failures with exponential
 * backoff and jitter, honouring `Retry-After` / `retry-after-ms` (capped by `maxRetryDelayMs`).
 *
 * @throws InvalidInputError at once for any other 4xx: the request must be fixed, not repeated.
 * @throws UnavailableError when retries are exhausted; `cause` holds the last failure.
 * @throws MnemoError with code `internal` when a successful answer is not JSON.
 */
export async function postJsonWithRetries(post: JsonPost, policy: RetryPolicy): Promise<unknown> {
  const body = JSON.stringify(post.body);
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptPost(post, body, policy.timeoutMs);
    if (outcome.kind === "ok") return outcome.json;
    if (outcome.kind === "fatal") throw outcome.error;
    if (attempt >= policy.maxRetries) {
      const attempts = attempt + 1;
      throw new UnavailableError(`${post.label}: ${outcome.reason} (${attempts} attempt${attempts === 1 ? "" : "s"}); try again later.`, {
        cause: outcome.error,
      });
    }
    await sleep(retryDelay(attempt, outcome.retryAfterMs, policy));
  }
}

async function attemptPost(post: JsonPost, body: string, timeoutMs: number): Promise<Attempt> {
  try {
    // One signal covers connecting, the headers and the body, so a server that stalls mid-answer also times out.
    const response = await fetch(post.url, { method: "POST", headers: post.headers, body, signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return await readJson(response, post.label);
    const detail = serverMessage(await response.text().catch(() => ""), post.secrets);
    const status = `HTTP ${response.status}${detail ? ` (${detail})` : ""}`;
    if (retryableStatus(response.status)) {
      return {
        kind: "retry",
        reason: `the server answered ${status}`,
        error: new Error(`${post.label} answered ${status}.`),
        retryAfterMs: retryAfter(response.headers),
      };
    }
    return {
      kind: "fatal",
      error: new InvalidInputError(`${post.label}: the request was rejected with ${status}; check the model name, options and API key.`),
    };
  } catch (error) {
    if (MnemoError.isInstance(error)) return { kind: "fatal", error };
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return { kind: "retry", reason: timedOut ? `no answer within ${timeoutMs} ms` : "the request failed (network error)", error };
  }
}

async function readJson(response: Response, label: string): Promise<Attempt> {
  const text = await response.text();
  try {
    return { kind: "ok", json: JSON.parse(text) };
  } catch (error) {
    throw new MnemoError("internal", `${label}: a successful answer (HTTP ${response.status}) was not JSON; is the URL an OpenAI-compatible API?`, {
      cause: error,
    });
  }
}

/**
 * The `message` of a JSON error answer (`{ error: { message } }`, `{ error }`, `{ message }` or `{ detail }`),
 * with secrets and key-like tokens removed, at most 200 characters; empty for anything else, such as an HTML page.
 */
export function serverMessage(text: string, secrets: readonly string[]): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "";
  }
  const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});
  const body = record(json);
  const candidates = [record(body.error).message, body.error, body.message, body.detail];
  const message = candidates.find((candidate): candidate is string => typeof candidate === "string" && candidate.trim() !== "");
  if (message === undefined) return "";
  // OpenAI's 401 answer quotes part of the key it was given.
  let redacted = message.replace(/\b(?:sk|pk|rk)-[\w*-]{6,}/g, "[redacted]");
  for (const secret of secrets) if (secret.length >= 4) redacted = redacted.replaceAll(secret, "[redacted]");
  return redacted.length > 200 ? `${redacted.slice(0, 199)}…` : redacted;
}

/** The server's requested wait in milliseconds, from `retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
function retryAfter(headers: Headers): number | undefined {
  const milliseconds = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The wait before retry number `attempt + 1`: the server's wish if it stated one, else exponential backoff with jitter. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryDelayMs);
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.retryBaseDelayMs * 2 ** attempt);
  // Half fixed, half random: clients that failed together do not all come back at the same moment.
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}
