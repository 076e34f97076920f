import { parseArgs } from "node:util";
import { createMemory, InvalidInputError } from "@mnemo/core";

/** Help for `mnemo-bridge keys`. */
export const keysUsage = `Usage:
  mnemo-bridge keys create --user <id> [--user <id>…] [--scope </path>…] [--label <text>]
  mnemo-bridge keys list [--all]
  mnemo-bridge keys revoke <key id>

Options: --database <postgres:// URL or data folder> (DATABASE_URL, MNEMO_HOME), --schema <name> (MNEMO_SCHEMA).
The key is printed once; only its SHA-256 is stored. With the embedded engine, run this while the
service is stopped (an embedded data folder is opened by one process at a time).`;

/**
 * `mnemo-bridge keys …`: create, list and revoke API keys through `memory.apiKeys` (the same calls
 * `mnemo keys` makes). Returns the text to print.
 * @example
 * console.log(await runKeysCommand(["create", "--user", "ada", "--scope", "/crew/research"], process.env));
 */
export async function runKeysCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      user: { type: "string", multiple: true },
      scope: { type: "string", multiple: true },
      label: { type: "string" },
      all: { type: "boolean" },
      database: { type: "string" },
      schema: { type: "string" },
    },
  });
  const [action, id] = positionals;
  if (action !== "create" && action !== "list" && action !== "revoke") return keysUsage;
  const location = values.database ?? env.DATABASE_URL ?? env.MNEMO_HOME;
  const database = location === undefined ? undefined : /^postgres(ql)?:\/\//.test(location) ? location : { dataDir: location };
  const memory = await createMemory({ database, schema: values.schema ?? env.MNEMO_SCHEMA });
  try {
    if (action === "create") {
      const created = await memory.apiKeys.create({ users: values.user ?? [], scopes: values.scope, label: values.label });
      return `${JSON.stringify({ id: created.keyId, users: created.users, scopes: created.scopes, label: created.label }, null, 2)}\nAPI key (shown once, store it now): ${created.key}`;
    }
    if (action === "list") return JSON.stringify(await memory.apiKeys.list({ includeRevoked: values.all === true }), null, 2);
    if (!id) throw new InvalidInputError("keys revoke: give the key id (from keys list).");
    return (await memory.apiKeys.revoke({ id })) ? `Revoked ${id}.` : `No active key ${id}.`;
  } finally {
    await memory.close();
  }
}
