import { SingleBar } from "cli-progress";

/** A progress display on stderr: a bar with counts and rate, or nothing when stderr is not a terminal or output is JSON. */
export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * Creates a progress display. `total` 0 means unknown: it shows counts and rate without a bar.
 * Off (a no-op) with `--json`, `--no-progress`, or when stderr is not a TTY.
 */
export function createProgress(options: {
  label: string;
  unit: string;
  total: number;
  enabled: boolean;
  extra?: string;
  payload?: Record<string, string | number>;
}): Progress {
  if (!options.enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const started = Date.now();
  const counts = `{value}${options.total > 0 ? "/{total}" : ""} ${options.unit} | {rate}/s${options.extra ? ` | ${options.extra}` : ""}`;
  const bar = new SingleBar({
    format: options.total > 0 ? `${options.label} [{bar}] {percentage}% | ${counts} | ETA {eta}s` : `${options.label} ${counts}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
  });
  bar.start(options.total, 0, { rate: "0", ...options.payload });
  return {
    update(value, payload = {}) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(value, { ...payload, rate: (value / seconds).toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}
