import { NotFoundError } from "@mnemo/core";
import { startBridge } from "@mnemo/crewai-bridge";
import type { Command } from "commander";
import { integerOption } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";

/** Registers `mnemo keys create|list|revoke` and `mnemo serve` (the CrewAI bridge's HTTP service). */
export function registerBridgeCommands(program: Command): void {
  const keys = program.command("keys").description("API keys for `mnemo serve` (the HTTP memory service CrewAI and other clients use): create, list, revoke");
  keys
    .command("create")
    .description("create a key; its secret is printed once and never stored")
    .option("--for <user...>", "the users the key may act as (default: --user)")
    .option("--scope <path...>", "scope path prefixes it is limited to, e.g. /crew/research", ["/"])
    .option("--label <text>", "who or what holds it")
    .action(
      runAction<{ for?: string[]; scope: string[]; label?: string }>(async (context) => {
        const memory = await context.memory();
        const created = await memory.apiKeys.create({
          users: context.options.for ?? [context.userId],
          scopes: context.options.scope,
          label: context.options.label,
        });
        context.out.result(created, (data) =>
          [
            `${data.key}`,
            `Key ${data.keyId} for ${data.users.join(", ")} (scopes ${data.scopes.join(", ")}). Keep the secret above: it is not shown again.`,
          ].join("\n"),
        );
      }),
    );
  keys
    .command("list")
    .description("list keys (never their secrets)")
    .option("--all", "include revoked keys")
    .action(
      runAction<{ all?: boolean }>(async (context) => {
        const memory = await context.memory();
        const list = await memory.apiKeys.list({ includeRevoked: Boolean(context.options.all) });
        context.out.result(list, (items) =>
          items.length === 0
            ? "No keys: create one with `mnemo keys create`."
            : items
                .map(
                  (item) =>
                    `${item.keyId}  users ${item.users.join(",")}  scopes ${item.scopes.join(",")}${item.label ? `  "${item.label}"` : ""}  created ${item.createdAt.toISOString().slice(0, 10)}${item.revokedAt ? "  REVOKED" : ""}`,
                )
                .join("\n"),
        );
      }),
    );
  keys
    .command("revoke")
    .argument("<id>", "the key id from `mnemo keys list`")
    .description("revoke a key: requests with it are refused from now on")
    .action(
      runAction(async (context, keyId) => {
        const memory = await context.memory();
        if (!(await memory.apiKeys.revoke({ id: keyId as string }))) throw new NotFoundError(`No active key ${keyId}; see \`mnemo keys list\`.`);
        context.out.result({ revoked: keyId }, () => `Revoked ${keyId}.`);
      }),
    );

  program
    .command("serve")
    .description("run the HTTP memory service (OpenAPI at /openapi.json; CrewAI's Python client talks to it), authenticated by `mnemo keys`")
    .option("-p, --port <n>", "port (0: any free port)", "7077")
    .option("--host <address>", "interface; anything but 127.0.0.1 exposes it to the network (put TLS in front)", "127.0.0.1")
    .addHelpText("after", "\nLogs are JSON lines on stdout. Stop it with Ctrl-C. See packages/crewai-bridge/README.md for the API and the Python client.")
    .action(
      runAction<{ port: string; host: string }>(async (context) => {
        const memory = await context.memory();
        const bridge = await startBridge({ memory, port: integerOption(context.options.port, "--port", { min: 0, max: 65_535 }), host: context.options.host });
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await bridge.close();
      }),
    );
}
