import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKeysCommand } from "./keys-command.js";

describe("mnemo-bridge keys", () => {
  const folders: string[] = [];
  afterAll(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it("creates a key shown once, lists it without the secret, and revokes it", { timeout: 120_000 }, async () => {
    const folder = await mkdtemp(join(tmpdir(), "mnemo-keys-"));
    folders.push(folder);
    const env = { MNEMO_HOME: folder };
    const created = await runKeysCommand(["create", "--user", "ada", "--scope", "/crew/research", "--label", "crew"], env);
    const key = created.match(/API key \(shown once, store it now\): (\S+)/)?.[1] ?? "";
    const id = JSON.parse(created.slice(0, created.lastIndexOf("}") + 1)).id as string;
    expect(key).toMatch(/^mnemo_[0-9a-f]{16}_/);
    const listed = await runKeysCommand(["list"], env);
    expect(JSON.parse(listed)).toMatchObject([{ keyId: id, users: ["ada"], scopes: ["/crew/research"], label: "crew" }]);
    expect(listed).not.toContain(key.slice("mnemo_".length + 17)); // the secret may itself contain "_"
    expect(await runKeysCommand(["revoke", id], env)).toBe(`Revoked ${id}.`);
    expect(JSON.parse(await runKeysCommand(["list"], env))).toEqual([]);
    await expect(runKeysCommand(["create"], env)).rejects.toThrow(/users/);
    expect(await runKeysCommand([], env)).toContain("Usage");
  });
});
