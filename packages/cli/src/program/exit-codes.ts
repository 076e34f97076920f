import { MnemoError } from "@mnemo/core";

/** What the `mnemo` process exit status means; documented in the README. */
export const exitCodes = {
  /** Done. */
  ok: 0,
  /** An unexpected error (a bug, or a database error Mnemo has no class for). */
  internal: 1,
  /** Bad usage or input: an unknown option, a missing argument, an invalid value. */
  usage: 2,
  /** The thing asked for does not exist (a conversation, memory entry, file, folder, table). */
  notFound: 3,
  /** A conflict with stored data (a reused id, a concurrent change); retrying may help. */
  conflict: 4,
  /** The database cannot be reached or is busy (e.g. another process holds the embedded store). */
  unavailable: 5,
  /** The stored schema is from another Mnemo version. */
  migration: 6,
  /** The context cannot fit the token budget. */
  budget: 7,
  /** An import finished but reported problems: some files, entries or conversations were skipped. */
  partialImport: 8,
  /** `--copy`: no clipboard is available here (the prompt was printed instead). */
  noClipboard: 9,
} as const;

/** The exit status for an error thrown by a command. */
export function exitCodeFor(error: unknown): number {
  if (!MnemoError.isInstance(error)) return isUsageError(error) ? exitCodes.usage : exitCodes.internal;
  switch (error.code) {
    case "invalid_input":
      return exitCodes.usage;
    case "not_found":
      return exitCodes.notFound;
    case "conflict":
      return exitCodes.conflict;
    case "unavailable":
      return exitCodes.unavailable;
    case "migration_mismatch":
      return exitCodes.migration;
    case "budget_exceeded":
      return exitCodes.budget;
    default:
      return exitCodes.internal;
  }
}

/** An error the CLI raises itself for bad usage (a value that does not parse, a missing --yes). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

function isUsageError(error: unknown): boolean {
  return error instanceof UsageError;
}
