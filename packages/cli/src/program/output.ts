import { MnemoError } from "@mnemo/core";

/** Writes a command's result: text for people, or one JSON document with `--json`. */
export class Output {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;

  constructor(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr) {
    this.json = json;
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** Prints `data` as JSON with `--json`, else the text `human` makes of it. */
  result<T>(data: T, human: (data: T) => string): void {
    this.#stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : ensureNewline(human(data)));
  }

  /** A line for people on stderr (progress notes, hints); never mixed into `--json` output. */
  note(text: string): void {
    this.#stderr.write(ensureNewline(text));
  }

  /** Reports an error: `mnemo: message` on stderr, and `{ "error": … }` on stdout with `--json`. */
  error(error: unknown): void {
    const code = MnemoError.isInstance(error) ? error.code : error instanceof Error && error.name === "UsageError" ? "usage" : "internal";
    const message = error instanceof Error ? error.message : String(error);
    const issues = MnemoError.isInstance(error) && "issues" in error ? (error as { issues: unknown[] }).issues : undefined;
    if (this.json) this.#stdout.write(`${JSON.stringify({ error: { code, message, ...(issues?.length ? { issues } : {}) } }, null, 2)}\n`);
    this.#stderr.write(`mnemo: ${message}\n`);
    if (code === "internal" && process.env.MNEMO_DEBUG && error instanceof Error) this.#stderr.write(`${error.stack}\n`);
  }
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") || text === "" ? text : `${text}\n`;
}
