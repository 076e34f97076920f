import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnavailableError } from "../errors/unavailable-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { dataDirLockFile, lockDataDir } from "./data-dir-lock.js";

const run = promisify(execFile);

// A second process opening the directory, through the built package as an application would.
const openInChild = `
import { createMemory } from "@mnemo/core";
try {
  const memory = await createMemory({ database: { dataDir: process.argv[1] } });
  await memory.append({ userId: "u", conversationId: "c", role: "user", content: "from the child", dedupe: "id" });
  await memory.close();
  console.log(JSON.stringify({ opened: true }));
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));
}`;

describe("one process per embedded data directory", () => {
  let dataDir: string;
  let memory: Memory;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "mnemo-lock-"));
    memory = await createMemory({ database: { dataDir } });
    await memory.append({ userId: "u", conversationId: "c", role: "user", content: "from the parent" });
  }, 180_000);
  afterAll(async () => {
    await memory?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses a second process with a typed unavailable error and leaves the data as it was", { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", openInChild, dataDir], { cwd: import.meta.dirname, timeout: 100_000 });
    expect(JSON.parse(stdout)).toMatchObject({ name: "UnavailableError", code: "unavailable", message: expect.stringContaining(`process ${process.pid}`) });
    expect((await memory.history({ userId: "u", conversationId: "c", last: 10 })).map((message) => message.content)).toEqual(["from the parent"]);
    expect(await readFile(join(dataDir, dataDirLockFile), "utf8")).toBe(String(process.pid));
  });

  it("refuses a second open in the same process", async () => {
    await expect(createMemory({ database: { dataDir } })).rejects.toSatisfy(UnavailableError.isInstance);
  });

  it("takes over a lock left by a process that is gone, and releases it on close", async () => {
    const other = await mkdtemp(join(tmpdir(), "mnemo-lock-stale-"));
    try {
      await writeFile(join(other, dataDirLockFile), "2147483646"); // no such process
      const release = await lockDataDir(other);
      expect(await readFile(join(other, dataDirLockFile), "utf8")).toBe(String(process.pid));
      await release();
      await expect(readFile(join(other, dataDirLockFile), "utf8")).rejects.toThrow();
      await (await lockDataDir(other))();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
