import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoError } from "../errors/mnemo-error.js";
import { type SqlRunner, tableChecksum } from "../testing/table-checksum.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { createMemory } from "./create-memory.js";
import type { Memory } from "./memory.js";

// Property: whatever a caller passes to the public API, the answer is a result or a typed Mnemo error
// (never a TypeError, never "internal"), and a refused call changes no table.
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("\u0000", "\ud800", "'; DROP TABLE conversation_log; --", "%", "_", "..", "*", "/a/../b", "/crew%", "a'b", "->>", "@>", "__proto__"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.anything({ maxDepth: 2 }),
);
const metadata = fc.oneof(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("a'b", "$where", "@>", "a.b")), nasty, { maxKeys: 3 }), nasty);
const userId = fc.oneof(fc.constant("ada"), nasty);

describe.each(testEngines())("hostile arguments to the core API on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let schema: string;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    schema = opened.newSchema();
    memory = await createMemory({ database: opened.database, schema });
    await memory.append({ userId: "ada", conversationId: "c", role: "user", content: "seed" });
    await memory.records.upsert({ userId: "ada", collection: "notes", records: [{ id: "r", content: "seed", vector: [1, 0, 0] }] });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("answers with a result or a typed error, and a refused call writes nothing", { timeout: 300_000 }, async () => {
      const calls: fc.Arbitrary<[string, () => Promise<unknown>]>[] = [
        fc
          .record({ userId, conversationId: nasty, role: fc.oneof(fc.constant("user"), nasty), content: nasty, id: nasty, metadata })
          .map((input) => ["append", () => memory.append(input as never)]),
        fc
          .array(fc.record({ userId, conversationId: nasty, role: nasty, content: nasty }), { maxLength: 3 })
          .map((input) => ["appendMany", () => memory.appendMany(input as never)]),
        fc
          .record({
            userId,
            collection: fc.oneof(fc.constant("notes"), nasty),
            records: fc.oneof(
              fc.array(fc.record({ id: nasty, content: nasty, scope: nasty, metadata, vector: fc.oneof(fc.array(fc.double(), { maxLength: 4 }), nasty) }), {
                maxLength: 3,
              }),
              nasty,
            ),
          })
          .map((input) => ["records.upsert", () => memory.records.upsert(input as never)]),
        fc
          .record({
            userId,
            collection: fc.oneof(fc.constant("notes"), nasty),
            text: nasty,
            vector: nasty,
            scopePrefix: nasty,
            filter: fc.oneof(fc.record({ key: nasty, op: nasty, value: nasty }), nasty),
            limit: nasty,
          })
          .map((input) => ["records.query", () => memory.records.query(input as never)]),
        fc
          .record({ userId, collection: fc.oneof(fc.constant("notes"), nasty), ids: nasty, scopePrefix: nasty, filter: nasty })
          .map((input) => ["records.delete", () => memory.records.delete(input as never)]),
        fc
          .record({ userId, content: nasty, scope: nasty, category: nasty, importance: nasty, metadata })
          .map((input) => ["modelMemory.add", () => memory.modelMemory.add(input as never)]),
        fc.record({ userId, key: nasty, value: nasty }).map((input) => ["settings.set", () => memory.settings.set(input as never)]),
        fc.record({ userId, query: nasty, limit: nasty, metadata }).map((input) => ["search", () => memory.search(input as never)]),
        fc.record({ userId, conversationId: nasty, last: nasty, afterSeq: nasty }).map((input) => ["history", () => memory.history(input as never)]),
      ];
      await fc.assert(
        fc.asyncProperty(fc.oneof(...calls), async ([name, call]) => {
          const before = await tableChecksum(opened.database as unknown as SqlRunner, schema);
          const outcome = await call().then(
            () => undefined,
            (error: unknown) => error,
          );
          if (outcome === undefined) return;
          const label = `${name}: ${String((outcome as Error)?.name)} ${String((outcome as Error)?.message).slice(0, 200)}`;
          expect(MnemoError.isInstance(outcome), label).toBe(true);
          expect(["invalid_input", "not_found", "conflict"], label).toContain((outcome as MnemoError).code);
          expect(await tableChecksum(opened.database as unknown as SqlRunner, schema), label).toEqual(before);
        }),
        { numRuns: 200, seed: 20_261_201 },
      );
    });
  });
});
