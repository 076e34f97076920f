import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createMemory, type Memory } from "@mnemo/core";
import { createHashingEmbedder, type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../logging/logger.js";
import { type RunningBridge, startBridge } from "./start-bridge.js";

const pythonRoot = fileURLToPath(new URL("../../python", import.meta.url));

/** Runs the Python client's unittest suite against a live bridge; resolves with its exit code and output. */
function runPythonTests(environment: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"], {
      cwd: pythonRoot,
      env: { ...process.env, ...environment, PYTHONPATH: "src", PYTHONDONTWRITEBYTECODE: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe.each(testEngines())("Python client (unittest) against a live bridge on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let bridge: RunningBridge;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    // The hashing embedder stands in for Mnemo's configured embedder on the legacy text-in path.
    memory = await createMemory({ database: opened.database, schema: opened.newSchema(), embedder: createHashingEmbedder(256) });
    bridge = await startBridge({ memory, port: 0, logger: silentLogger });
  });
  afterAll(async () => {
    await bridge?.close();
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("passes every Python test (StorageBackend protocol, legacy storage, client, isolation)", { timeout: 300_000 }, async () => {
      expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const keys = {
        MNEMO_KEY_ALICE: (await memory.apiKeys.create({ users: ["alice"], label: "python tests" })).key,
        MNEMO_KEY_BOB: (await memory.apiKeys.create({ users: ["bob"] })).key,
        MNEMO_KEY_CREW: (await memory.apiKeys.create({ users: ["alice"], scopes: ["/crew/research"] })).key,
      };
      const { code, output } = await runPythonTests({ MNEMO_URL: bridge.url, ...keys });
      const summary = output.split("\n").filter((line) => /^(Ran \d+ tests|OK|FAILED)/.test(line));
      console.log(`[python on ${engine.name}] ${summary.join(" | ")}`);
      if (code !== 0) console.error(output);
      expect(code).toBe(0);
      expect(output).toMatch(/Ran \d+ tests/);
      expect(output).not.toMatch(/skipped 'MNEMO_URL/);
    });
  });
});
