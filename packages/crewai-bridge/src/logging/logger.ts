/** One structured log entry. Never holds memory content, queries, keys or request bodies. */
export interface LogEntry {
  level: "info" | "warn" | "error";
  event: string;
  [field: string]: string | number | boolean | undefined;
}

/** Where the bridge writes its logs. */
export interface Logger {
  log(entry: LogEntry): void;
}

/**
 * JSON lines on a stream (stdout by default): one object per event with `time`.
 * @example
 * const logger = jsonLogger();
 * logger.log({ level: "info", event: "listening", url: "http://127.0.0.1:7077" });
 */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return {
    log(entry) {
      write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
    },
  };
}

/** A logger that drops everything (tests, embedding the bridge in a process with its own logging). */
export const silentLogger: Logger = { log() {} };
