import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./test-support/run-mnemo.js";

const script = new URL("../../../examples/quickstart/quickstart.mjs", import.meta.url).pathname;
const run = promisify(execFile);

// The root README's quick start (`npm run quickstart`) must keep working: run it on a fresh embedded store, twice.
describe("the quick start", () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), "mnemo-quickstart-"));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("imports the samples, prints statistics and topics, an enhanced prompt and a budgeted context; a second run stores nothing", async () => {
    const options = { env: childEnv({ MNEMO_HOME: home }), timeout: 300_000 };
    const first = await run(process.execPath, [script], options);
    expect(first.stdout).toMatch(/15 new, 0 updated, 0 unchanged conversations; 66 new messages/);
    expect(first.stdout).toMatch(/15 conversations, 66 messages, \d+ tokens/);
    expect(first.stdout).toMatch(/topic: \S+/);
    expect(first.stdout).toMatch(
      /### Speeding up a big PostgreSQL import \(2026-02-03\)[\s\S]*COPY[\s\S]*answer my question:\nHow can I make my nightly PostgreSQL load of 40 million rows faster\?/,
    );
    const budget = /(\d+) tokens ≤ 1200 − 400 reserved for the answer/.exec(first.stdout);
    expect(Number(budget?.[1])).toBeLessThanOrEqual(800);
    expect(first.stdout).toMatch(/\[system\]\nYou are a concise assistant\./);
    const second = await run(process.execPath, [script], options);
    expect(second.stdout).toMatch(/0 new, 0 updated, 15 unchanged conversations; 0 new messages, 66 already stored/);
  });
});
