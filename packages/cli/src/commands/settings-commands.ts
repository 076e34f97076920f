import type { SettingValue } from "@mnemo/core";
import type { Command } from "commander";
import { integerOption } from "../program/parse-number.js";
import { runAction } from "../program/run-action.js";

interface ScopeOptions {
  global?: boolean;
}

/** A value from the command line: JSON when it parses as JSON, else the text itself. */
export function parseSettingValue(text: string): SettingValue {
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null) return value as SettingValue;
  } catch {
    // Not JSON: a plain string such as a system prompt.
  }
  return text;
}

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Registers `mnemo settings get|set|history|rollback`: versioned settings with full history. */
export function registerSettings(program: Command): void {
  const settings = program
    .command("settings")
    .description("versioned settings (system_prompt, persona, summarizer, …): get, set, history, rollback")
    .addHelpText(
      "after",
      '\nKnown keys: system_prompt (opens every context), summarizer ({"baseUrl": "http://localhost:1234/v1", "model": "…"} for `enhance`),\nimport.sources (kept by `import`, read by `sync`). Any other key is stored and returned with the context.\nWith --global a value is the default for every user; a user\'s own value overrides it.',
    );
  const scope = (command: Command) => command.option("--global", "the global default instead of the user's own value");

  scope(
    settings.command("get").argument("[key]", "one key; without it, every active setting").description("show active settings and where each comes from"),
  ).action(
    runAction<ScopeOptions>(async (context, key) => {
      const memory = await context.memory();
      const active = await memory.settings.get(context.options.global ? {} : { userId: context.userId });
      const data = key ? { key, value: active.values[key], source: active.versions[key] } : active;
      context.out.result(data, () =>
        key
          ? active.values[key] === undefined
            ? `${key} is not set.`
            : show(active.values[key])
          : Object.keys(active.values).length === 0
            ? "No settings."
            : Object.entries(active.values)
                .map(([name, value]) => `${name} = ${show(value)}  (v${active.versions[name]?.version}, ${active.versions[name]?.scope})`)
                .join("\n"),
      );
    }),
  );
  scope(
    settings
      .command("set")
      .argument("<key>", "a-z, 0-9, _ . -")
      .argument("<value>", 'JSON (42, true, {"a":1}) or plain text')
      .description("set a value (a new version; the old one stays in the history)"),
  ).action(
    runAction<ScopeOptions>(async (context, key, value) => {
      const memory = await context.memory();
      const version = await memory.settings.set({
        userId: context.options.global ? undefined : context.userId,
        key: key as string,
        value: parseSettingValue(value as string),
        by: "user",
      });
      context.out.result(version, (data) => `${data.key} = ${show(data.value)} (version ${data.version})`);
    }),
  );
  scope(settings.command("history").argument("<key>", "the setting").description("every version of a setting, oldest first")).action(
    runAction<ScopeOptions>(async (context, key) => {
      const memory = await context.memory();
      const history = await memory.settings.history({ userId: context.options.global ? undefined : context.userId, key: key as string });
      context.out.result(history, (list) =>
        list.length === 0
          ? `${key} has no history.`
          : list
              .map(
                (change) =>
                  `v${change.version} ${change.active ? "*" : " "} ${change.createdAt.toISOString()} ${change.changedBy} ${change.action === "unset" ? "(unset)" : show(change.value)}`,
              )
              .join("\n"),
      );
    }),
  );
  scope(
    settings
      .command("rollback")
      .argument("<key>", "the setting")
      .option("--version <n>", "the version to restore (default: the one before the active one)")
      .description("restore an earlier value (written again as a new version)"),
  ).action(
    runAction<ScopeOptions & { version?: string }>(async (context, key) => {
      const memory = await context.memory();
      const version = await memory.settings.rollback({
        userId: context.options.global ? undefined : context.userId,
        key: key as string,
        version: integerOption(context.options.version, "--version", { min: 1, max: Number.MAX_SAFE_INTEGER }),
        by: "user",
      });
      context.out.result(version, (data) => `${data.key} = ${show(data.value)} (version ${data.version})`);
    }),
  );
}
