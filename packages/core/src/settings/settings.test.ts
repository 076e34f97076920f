import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { NotFoundError } from "../errors/not-found-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";

describe.each(testEngines())("settings on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
  });
  afterAll(async () => {
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("versions every change and keeps the whole history, newest first", async () => {
      const first = await memory.settings.set({ userId: "ada", key: "tone", value: "formal" });
      expect(first).toMatchObject({ key: "tone", value: "formal", version: 1, active: true, changedBy: "user" });
      expect(first.createdAt).toBeInstanceOf(Date);
      const second = await memory.settings.set({ userId: "ada", key: "tone", value: { style: "casual", emoji: false }, by: "model" });
      expect(second).toMatchObject({ version: 2, active: true, changedBy: "model" });
      const history = await memory.settings.history({ userId: "ada", key: "tone" });
      expect(history.map(({ version, value, active, action }) => ({ version, value, active, action }))).toEqual([
        { version: 2, value: { style: "casual", emoji: false }, active: true, action: "set" },
        { version: 1, value: "formal", active: false, action: "set" },
      ]);
    });

    it("writes nothing when the active value is set again (JSON equality, key order aside)", async () => {
      await memory.settings.set({ userId: "ada", key: "limits", value: { a: 1, b: [1, 2] } });
      const again = await memory.settings.set({ userId: "ada", key: "limits", value: { b: [1, 2], a: 1 }, by: "import" });
      expect(again).toMatchObject({ version: 1, active: true, changedBy: "user" });
      expect(await memory.settings.history({ userId: "ada", key: "limits" })).toHaveLength(1);
    });

    it("overrides global defaults with the user's own values", async () => {
      await memory.settings.set({ key: "language", value: "en", by: "system" });
      await memory.settings.set({ key: "max_results", value: 5, by: "system" });
      await memory.settings.set({ userId: "bea", key: "language", value: "pt" });
      expect(await memory.settings.get({ userId: "bea" })).toEqual({
        values: { language: "pt", max_results: 5 },
        versions: { language: { version: 1, scope: "user" }, max_results: { version: 1, scope: "global" } },
      });
      expect((await memory.settings.get({ userId: "cyd" })).values).toEqual({ language: "en", max_results: 5 });
      expect((await memory.settings.get()).values).toEqual({ language: "en", max_results: 5 });
    });

    it("rolls back to the previous value, or to a given version, as a new version", async () => {
      for (const value of ["one", "two", "three"]) await memory.settings.set({ userId: "ada", key: "mood", value });
      const back = await memory.settings.rollback({ userId: "ada", key: "mood", by: "model" });
      expect(back).toMatchObject({ value: "two", version: 4, active: true, changedBy: "model" });
      const explicit = await memory.settings.rollback({ userId: "ada", key: "mood", version: 1 });
      expect(explicit).toMatchObject({ value: "one", version: 5 });
      const history = await memory.settings.history({ userId: "ada", key: "mood" });
      expect(history.map((change) => change.version)).toEqual([5, 4, 3, 2, 1]);
      expect(history.filter((change) => change.active).map((change) => change.version)).toEqual([5]);
      await expect(memory.settings.rollback({ userId: "ada", key: "mood", version: 99 })).rejects.toThrow(NotFoundError);
      await memory.settings.set({ userId: "ada", key: "fresh", value: 1 });
      await expect(memory.settings.rollback({ userId: "ada", key: "fresh" })).rejects.toSatisfy(NotFoundError.isInstance);
      await expect(memory.settings.rollback({ userId: "ada", key: "never-set", version: 1 })).rejects.toThrow(NotFoundError);
    });

    it("unsets a user's value so the global default shows through, and records the unset", async () => {
      await memory.settings.set({ key: "system_prompt", value: "Be brief." });
      await memory.settings.set({ userId: "dan", key: "system_prompt", value: "Answer in French." });
      expect(await memory.settings.systemPrompt("dan")).toBe("Answer in French.");
      expect(await memory.settings.unset({ userId: "dan", key: "system_prompt", by: "model" })).toBe(true);
      expect(await memory.settings.unset({ userId: "dan", key: "system_prompt" })).toBe(false);
      expect(await memory.settings.systemPrompt("dan")).toBe("Be brief.");
      expect((await memory.settings.get({ userId: "dan" })).versions.system_prompt).toEqual({ version: 1, scope: "global" });
      const history = await memory.settings.history({ userId: "dan", key: "system_prompt" });
      expect(history.map(({ version, action, value, active, changedBy }) => ({ version, action, value, active, changedBy }))).toEqual([
        { version: 2, action: "unset", value: undefined, active: false, changedBy: "model" },
        { version: 1, action: "set", value: "Answer in French.", active: false, changedBy: "user" },
      ]);
      // Rolling back after an unset restores the value it removed; an unset record is no value to restore.
      expect(await memory.settings.rollback({ userId: "dan", key: "system_prompt" })).toMatchObject({ value: "Answer in French.", version: 3 });
      await expect(memory.settings.rollback({ userId: "dan", key: "system_prompt", version: 2 })).rejects.toThrow(InvalidInputError);
      await memory.settings.unset({ key: "system_prompt" });
      expect(await memory.settings.systemPrompt("eve")).toBeUndefined();
    });

    it("rejects invalid keys and values, and writes nothing", async () => {
      const invalid: unknown[] = [
        { userId: "ada", key: "Tone", value: "x" },
        { userId: "ada", key: "9lives", value: "x" },
        { userId: "ada", key: `k${"x".repeat(64)}`, value: "x" },
        { userId: "ada", key: "bad", value: undefined },
        { userId: "ada", key: "bad", value: null },
        { userId: "ada", key: "bad", value: { nested: Number.NaN } },
        { userId: "ada", key: "bad", value: "nul\u0000byte" },
        { userId: "ada", key: "bad", value: new Date() },
        { userId: "ada", key: "bad", value: "x".repeat(70_000) },
        { userId: "ada", key: "bad", value: "x", by: "robot" },
        { userId: "", key: "bad", value: "x" },
        { userId: "ada", key: "system_prompt", value: { text: "not a string" } },
      ];
      for (const input of invalid) {
        await expect(memory.settings.set(input as Parameters<Memory["settings"]["set"]>[0])).rejects.toThrow(InvalidInputError);
      }
      expect(await memory.settings.history({ userId: "ada", key: "bad" })).toEqual([]);
      expect((await memory.settings.get({ userId: "ada" })).values.system_prompt).toBeUndefined();
      await expect(memory.settings.history({ key: "Bad Key" })).rejects.toThrow(InvalidInputError);
    });

    it("keeps every one of 20 concurrent changes of one key, as consecutive versions with one active", async () => {
      const values = Array.from({ length: 20 }, (_, index) => ({ attempt: index }));
      const results = await Promise.all(values.map((value) => memory.settings.set({ userId: "fay", key: "race", value })));
      expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual(values.map((_, index) => index + 1));
      const history = await memory.settings.history({ userId: "fay", key: "race" });
      expect(history.map((change) => change.version)).toEqual(values.map((_, index) => 20 - index));
      expect(history.filter((change) => change.active)).toHaveLength(1);
      expect(history[0]?.active).toBe(true);
      expect((await memory.settings.get({ userId: "fay" })).versions.race?.version).toBe(20);
    });

    it("is deleted with the user", async () => {
      await memory.settings.set({ userId: "gus", key: "tone", value: "dry" });
      expect(await memory.deleteUser({ userId: "gus" })).toBe(true);
      expect(await memory.settings.history({ userId: "gus", key: "tone" })).toEqual([]);
    });
  });
});
