import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { grantAllowsScope, grantAllowsUser } from "./api-keys.js";
import { isWithinScope } from "./scope-path.js";

describe("isWithinScope", () => {
  it("matches paths, not string prefixes", () => {
    expect(isWithinScope("/crew/researcher", "/crew")).toBe(true);
    expect(isWithinScope("/crew", "/crew")).toBe(true);
    expect(isWithinScope("/crew/", "/crew")).toBe(true);
    expect(isWithinScope("/crewman", "/crew")).toBe(false);
    expect(isWithinScope("/other", "/crew")).toBe(false);
    expect(isWithinScope("/anything/at/all", "/")).toBe(true);
    expect(isWithinScope("/", "/crew")).toBe(false);
  });
});

describe.each(testEngines())("ApiKeys on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let schema: string;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    schema = opened.newSchema();
    memory = await createMemory({ database: opened.database, schema });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("creates a key shown once, stores only its hash, and verifies it to its grant", async () => {
      const created = await memory.apiKeys.create({ users: ["ada", "ada"], scopes: ["/crew/research"], label: "research crew" });
      expect(created.key).toMatch(/^mnemo_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(created.key).toContain(created.keyId);
      expect(created.users).toEqual(["ada"]);
      const grant = await memory.apiKeys.verify(created.key);
      expect(grant).toEqual({ keyId: created.keyId, users: ["ada"], scopes: ["/crew/research"], label: "research crew" });
      expect(grantAllowsUser(grant!, "ada")).toBe(true);
      expect(grantAllowsUser(grant!, "bob")).toBe(false);
      expect(grantAllowsScope(grant!, "/crew/research/notes")).toBe(true);
      expect(grantAllowsScope(grant!, "/crew/researchers")).toBe(false);
      const raw = opened.database as unknown as { query(sql: string): Promise<{ rows: Record<string, unknown>[] }> };
      const { rows } = await raw.query(`SELECT * FROM "${schema}".api_keys`);
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(created.key.split("_")[2]);
      expect(rows.find((row) => row.key_id === created.keyId)?.key_hash).toBeDefined();
      const listed = await memory.apiKeys.list();
      const info = listed.find((key) => key.keyId === created.keyId);
      expect(info).toBeDefined();
      expect(JSON.stringify(listed)).not.toContain(created.key.split("_")[2]);
      expect(info?.lastUsedAt).toBeInstanceOf(Date);
    });

    it("rejects wrong, malformed, tampered and revoked keys", async () => {
      const { key, keyId } = await memory.apiKeys.create({ users: ["bob"] });
      const tampered = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
      for (const bad of ["", "Bearer x", "mnemo_", tampered, `mnemo_0000000000000000_${key.split("_")[2]}`, `${key} `, 42 as unknown as string]) {
        expect(await memory.apiKeys.verify(bad)).toBeUndefined();
      }
      expect(await memory.apiKeys.verify(key)).toMatchObject({ users: ["bob"], scopes: ["/"] });
      expect(await memory.apiKeys.revoke({ id: keyId })).toBe(true);
      expect(await memory.apiKeys.revoke({ id: keyId })).toBe(false);
      expect(await memory.apiKeys.verify(key)).toBeUndefined();
      expect((await memory.apiKeys.list()).some((info) => info.keyId === keyId)).toBe(false);
      const all = await memory.apiKeys.list({ includeRevoked: true });
      expect(all.find((info) => info.keyId === keyId)?.revokedAt).toBeInstanceOf(Date);
    });

    it("refuses bad input with the field path and writes nothing", async () => {
      const before = (await memory.apiKeys.list({ includeRevoked: true })).length;
      const cases: [unknown, string][] = [
        [{ users: [] }, "users"],
        [{ users: ["a\u0000b"] }, "users.0"],
        [{ users: ["ada"], scopes: ["/crew/%"] }, "scopes.0"],
        [{ users: ["ada"], scopes: ["/crew/../other"] }, "scopes.0"],
        [{ users: ["ada"], scopes: ["crew"] }, "scopes.0"],
        [{ users: ["ada"], label: "x".repeat(201) }, "label"],
      ];
      for (const [input, path] of cases) {
        const error = await memory.apiKeys.create(input as never).catch((caught: unknown) => caught);
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.path).toBe(path);
      }
      await expect(memory.apiKeys.revoke({ id: "'; DROP TABLE x" })).rejects.toThrow(InvalidInputError);
      expect((await memory.apiKeys.list({ includeRevoked: true })).length).toBe(before);
    });

    it("reports a current schema", async () => {
      expect(await memory.schemaStatus()).toEqual({ pending: [] });
    });
  });
});
