import { Command, CommanderError, Option } from "commander";
import { registerBridgeCommands } from "../commands/bridge-commands.js";
import { registerEnhance } from "../commands/enhance-command.js";
import { registerExport } from "../commands/export-command.js";
import { registerImport } from "../commands/import-commands.js";
import { registerMaintenance } from "../commands/maintenance-commands.js";
import { registerMemory } from "../commands/memory-commands.js";
import { registerReadCommands } from "../commands/read-commands.js";
import { registerSettings } from "../commands/settings-commands.js";
import { registerSync } from "../commands/sync-command.js";
import { registerUi } from "../commands/ui-command.js";
import { exitCodes } from "./exit-codes.js";

const exitCodeHelp = `
Exit status: 0 ok · 1 unexpected error · 2 bad usage or input · 3 not found · 4 conflict · 5 database unavailable
(or the embedded store is in use by another mnemo process) · 6 schema from another version · 7 context budget too small
· 8 import finished with problems (some sources skipped) · 9 --copy without a clipboard.

Store: --database, else --data-dir, else $DATABASE_URL, else $MNEMO_HOME, else ~/.mnemo (embedded, no server needed).
User: --user, else $MNEMO_USER, else "me".`;

/**
 * Builds the `mnemo` command: every subcommand with its options and help. Call `parseAsync(argv)`.
 * @example
 * await createProgram().parseAsync(process.argv);
 */
export function createProgram(version = "0.1.0"): Command {
  const program = new Command("mnemo")
    .description("Mnemo: a private, searchable memory of your LLM conversations that makes your next prompt better (offline by default).")
    .version(version, "-V, --version")
    .option("-d, --data-dir <dir>", "embedded store directory (default: $MNEMO_HOME or ~/.mnemo)")
    .option("--database <url>", "a PostgreSQL server instead: postgres://user@host/db (default: $DATABASE_URL)")
    .addOption(new Option("--schema <name>", "PostgreSQL schema for Mnemo's tables").default(undefined, "$MNEMO_SCHEMA or mnemo"))
    .option("-u, --user <id>", "whose memory (default: $MNEMO_USER or me)")
    .option("--json", 'machine-readable output on stdout (errors too, as {"error": …}); no progress bars')
    .option("--no-progress", "no progress bars (they are off anyway when stderr is not a terminal)")
    .option("--embedder <model>", "local Hugging Face embedding model (folder or hub id on disk) for hybrid search (default: $MNEMO_EMBEDDER; none: lexical)")
    .option("--summarizer-url <url>", "OpenAI-compatible endpoint for summaries, e.g. LM Studio http://localhost:1234/v1 (default: $MNEMO_SUMMARIZER_URL)")
    .option("--summarizer-model <name>", "the model at --summarizer-url (default: $MNEMO_SUMMARIZER_MODEL)")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", exitCodeHelp)
    .exitOverride();
  program.configureOutput({ outputError: (text, write) => write(text) });
  registerMaintenance(program);
  registerImport(program);
  registerSync(program);
  registerReadCommands(program);
  registerEnhance(program);
  registerMemory(program);
  registerSettings(program);
  registerExport(program);
  registerUi(program);
  registerBridgeCommands(program);
  for (const command of allCommands(program)) command.exitOverride();
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}

/** Runs the command line; resolves to the exit status (commander's usage errors are 2, help and version 0). */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv as string[]);
    return typeof process.exitCode === "number" ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.help" || error.code === "commander.version"
        ? exitCodes.ok
        : exitCodes.usage;
    }
    throw error;
  }
}
