import type { Memory } from "@mnemo/core";
import type { Command } from "commander";
import { exitCodeFor, exitCodes } from "./exit-codes.js";
import { type GlobalOptions, userOf } from "./global-options.js";
import { type OpenedMemory, openMemory } from "./open-memory.js";
import { Output } from "./output.js";

/** What a command's action gets: its options (global ones included), output, the user and the memory. */
export interface CommandContext<Options = Record<string, unknown>> {
  options: GlobalOptions & Options;
  out: Output;
  userId: string;
  /** Opens the memory on first use; it is closed when the action ends. */
  memory(): Promise<Memory>;
}

type Work<Options> = (context: CommandContext<Options>, ...args: string[]) => Promise<unknown>;

/**
 * Wraps a command's work: resolves options, opens the memory lazily, turns errors into a message on
 * stderr and a meaningful exit status, and always closes what it opened.
 */
export function runAction<Options = Record<string, unknown>>(work: Work<Options>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    const positional = args.slice(0, -2).map((arg) => arg as string);
    const options = command.optsWithGlobals() as GlobalOptions & Options;
    const out = new Output(Boolean(options.json));
    let opened: OpenedMemory | undefined;
    const context: CommandContext<Options> = {
      options,
      out,
      userId: userOf(options),
      async memory() {
        opened ??= await openMemory(options);
        return opened.memory;
      },
    };
    try {
      const code = await work(context, ...positional);
      process.exitCode = typeof code === "number" ? code : exitCodes.ok;
    } catch (error) {
      out.error(error);
      process.exitCode = exitCodeFor(error);
    } finally {
      await opened?.close();
    }
  };
}
