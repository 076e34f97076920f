import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEngines } from "@mnemo/core/testing";

/** The built binary the tests run. */
export const binary = new URL("../../dist/bin.js", import.meta.url).pathname;

/** What a finished `mnemo` process left. */
export interface MnemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json<T = Record<string, unknown>>(): T;
}

/** Where a test's store lives: the global options that select it, and how to remove it. */
export interface TestStore {
  name: string;
  args: string[];
  /** The embedded data directory (PGlite only). */
  dataDir: string | undefined;
  cleanup(): Promise<void>;
}

/**
 * One store per engine, as `testEngines()` decides (PGlite always; the server when DATABASE_URL is set,
 * required under CI): an empty temp data directory, or a fresh schema on the server.
 */
export function testStores(): { name: string; available: boolean; create(): Promise<TestStore> }[] {
  return testEngines().map((engine) => ({
    name: engine.name,
    available: engine.available,
    async create(): Promise<TestStore> {
      if (engine.name === "pglite") {
        const dataDir = await mkdtemp(join(tmpdir(), "mnemo-cli-"));
        return { name: engine.name, args: ["--data-dir", dataDir], dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
      }
      const url = process.env.DATABASE_URL as string;
      const schema = `test_cli_${randomBytes(5).toString("hex")}`;
      return {
        name: engine.name,
        args: ["--database", url, "--schema", schema],
        dataDir: undefined,
        async cleanup() {
          const { default: pg } = await import("pg");
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.end();
        },
      };
    },
  }));
}

/** The environment the child runs in: no DATABASE_URL or MNEMO_* leaking in from the test runner, no display. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "DATABASE_URL" || key.startsWith("MNEMO_") || key === "DISPLAY" || key === "WAYLAND_DISPLAY") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Starts `mnemo` with arguments; the caller waits for it or stops it. */
export function startMnemo(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [binary, ...args], { env: childEnv(options.env), cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `mnemo` to completion. */
export function mnemo(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<MnemoRun> {
  const child = startMnemo(args, options);
  return finished(child, options.timeoutMs ?? 300_000);
}

/** Collects a child's output until it exits (killing it after `timeoutMs`). */
export function finished(child: ChildProcess, timeoutMs = 300_000): Promise<MnemoRun> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`mnemo timed out after ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch (error) {
            throw new Error(`stdout is not JSON: ${stdout.slice(0, 500)}\nstderr: ${stderr}`, { cause: error });
          }
        },
      });
    });
  });
}

/** Resolves with the first stdout line that `match` accepts (the child keeps running). */
export function waitForLine(child: ChildProcess, match: (line: string) => boolean, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; stdout: ${buffer}; stderr: ${stderr}`)), timeoutMs);
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout?.on("data", (chunk) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      for (const line of lines.slice(0, -1)) {
        if (match(line)) {
          clearTimeout(timer);
          resolve(line);
          return;
        }
      }
    });
    child.on("close", (code) => reject(new Error(`mnemo exited with ${code} before a matching line; stdout: ${buffer}; stderr: ${stderr}`)));
  });
}
