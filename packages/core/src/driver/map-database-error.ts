import { ConflictError } from "../errors/conflict-error.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { UnavailableError } from "../errors/unavailable-error.js";

const connectionErrorCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);

/**
 * Turns an error from `pg` or PGlite into a typed Mnemo error, once, by SQLSTATE class.
 * The database's own message is kept only as `cause`: it may quote user data.
 */
export function mapDatabaseError(error: unknown): MnemoError {
  if (MnemoError.isInstance(error)) return error;
  const code = typeof error === "object" && error !== null ? String((error as { code?: unknown }).code ?? "") : "";
  const message = error instanceof Error ? error.message : "";
  // pg-pool's "timeout exceeded when trying to connect": no connection within connectionTimeoutMillis
  // (server unreachable, or every pooled connection busy for that long) — retryable, never a bug.
  if (
    connectionErrorCodes.has(code) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(
      message,
    )
  ) {
    return new UnavailableError("The database could not be reached; retry when it is back.", { cause: error });
  }
  switch (code.slice(0, 2)) {
    case "08": // connection exception
    case "53": // insufficient resources
    case "57": // operator intervention (admin shutdown, cannot connect now)
      return new UnavailableError(`The database is unavailable (SQLSTATE ${code}); retry later.`, { cause: error });
    case "23":
      return new ConflictError(`The write conflicts with stored data (SQLSTATE ${code}).`, { cause: error });
    case "22":
      return new InvalidInputError(`The database rejected a value (SQLSTATE ${code}).`, { cause: error });
    case "40": // serialization failure, deadlock
      return new ConflictError(`A concurrent transaction conflicted (SQLSTATE ${code}); retry.`, { cause: error });
    default:
      return new MnemoError("internal", code ? `Database error (SQLSTATE ${code}).` : "Database error.", { cause: error });
  }
}
