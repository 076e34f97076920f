import type { Command } from "commander";
import { integerOption } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";
import { startUi } from "../ui/start-ui.js";

/** Registers `mnemo ui`. */
export function registerUi(program: Command): void {
  program
    .command("ui")
    .description("the local web UI on 127.0.0.1: search, conversations, model memory, settings, enhance with one-click copy")
    .option("-p, --port <n>", "port (0: any free port)", "4777")
    .addHelpText("after", '\nIt listens on 127.0.0.1 only and needs no network; stop it with Ctrl-C. With --json it prints {"url": …} once it listens.')
    .action(
      runAction<{ port: string }>(async (context) => {
        const memory = await context.memory();
        const ui = await startUi({
          memory,
          userId: context.userId,
          options: context.options,
          port: integerOption(context.options.port, "--port", { min: 0, max: 65_535 }),
        });
        context.out.result({ url: ui.url }, (data) => `Mnemo UI: ${data.url}  (Ctrl-C to stop)`);
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await ui.close();
      }),
    );
}
