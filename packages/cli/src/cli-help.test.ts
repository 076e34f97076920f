import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram } from "./program/create-program.js";
import { exitCodes } from "./program/exit-codes.js";
import { mnemo } from "./test-support/run-mnemo.js";

function leaves(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((child) => {
    const childPath = [...path, child.name()];
    return [{ path: childPath, command: child }, ...leaves(child, childPath)];
  });
}

const expected = [
  "init",
  "migrate",
  "import lmstudio",
  "import chatgpt",
  "import jsonl",
  "import langchain-postgres",
  "sync",
  "search",
  "history",
  "context",
  "enhance",
  "memory list",
  "memory add",
  "memory edit",
  "memory rm",
  "settings get",
  "settings set",
  "settings history",
  "settings rollback",
  "stats",
  "compact",
  "reindex",
  "keys create",
  "keys list",
  "keys revoke",
  "serve",
  "ui",
  "export",
  "forget",
];

describe("mnemo --help", () => {
  it("has every subcommand of the issue, each with a description and help for its arguments and options", () => {
    const commands = leaves(createProgram());
    const names = commands.map((entry) => entry.path.join(" "));
    for (const name of expected) expect(names).toContain(name);
    for (const { path, command } of commands) {
      const help = command.helpInformation();
      expect(command.description(), path.join(" ")).not.toBe("");
      expect(help, path.join(" ")).toMatch(/^Usage: /);
      for (const option of command.options) expect(option.description, `${path.join(" ")} ${option.flags}`).not.toBe("");
      for (const argument of command.registeredArguments) expect(argument.description, `${path.join(" ")} <${argument.name()}>`).not.toBe("");
    }
  });

  it("the binary prints help with the exit statuses and the store's location, and rejects unknown commands with status 2", async () => {
    const help = await mnemo(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit status: 0 ok/);
    expect(help.stdout).toMatch(/~\/\.mnemo \(embedded, no server needed\)/);
    for (const name of ["import", "enhance", "ui", "serve", "forget"]) expect(help.stdout).toContain(`  ${name}`);
    const enhance = await mnemo(["enhance", "--help"]);
    expect(enhance.code).toBe(0);
    expect(enhance.stdout).toMatch(/--copy/);
    const unknown = await mnemo(["frobnicate"]);
    expect(unknown.code).toBe(exitCodes.usage);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const missing = await mnemo(["import", "chatgpt"]);
    expect(missing.code).toBe(exitCodes.usage);
    expect(missing.stderr).toMatch(/missing required argument 'file'/);
  });
});
