import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** Options every subcommand accepts (set before or after the subcommand name). */
export interface GlobalOptions {
  dataDir?: string | undefined;
  database?: string | undefined;
  schema?: string | undefined;
  user?: string | undefined;
  json?: boolean | undefined;
  embedder?: string | undefined;
  summarizerUrl?: string | undefined;
  summarizerModel?: string | undefined;
  progress?: boolean | undefined;
}

/** Where the data is: a server URL, or an embedded data directory. */
export type StoreLocation = { kind: "server"; url: string } | { kind: "embedded"; dataDir: string };

/**
 * Resolves the store: `--database`, then `--data-dir`, then `DATABASE_URL`, then `$MNEMO_HOME`, then
 * `~/.mnemo`. Explicit flags beat the environment.
 */
export function storeLocation(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): StoreLocation {
  if (options.database) return { kind: "server", url: options.database };
  if (options.dataDir) return { kind: "embedded", dataDir: resolve(options.dataDir) };
  if (env.DATABASE_URL) return { kind: "server", url: env.DATABASE_URL };
  if (env.MNEMO_HOME) return { kind: "embedded", dataDir: resolve(env.MNEMO_HOME) };
  return { kind: "embedded", dataDir: join(homedir(), ".mnemo") };
}

/** The location for people: the data directory, or the server URL without its password. */
export function describeLocation(location: StoreLocation): string {
  if (location.kind === "embedded") return location.dataDir;
  try {
    const url = new URL(location.url);
    if (url.password) url.password = "****";
    return url.toString();
  } catch {
    return "(a PostgreSQL server)";
  }
}

/** The user whose memory the command works on: `--user`, `$MNEMO_USER`, else `me`. */
export function userOf(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  return options.user ?? env.MNEMO_USER ?? "me";
}
