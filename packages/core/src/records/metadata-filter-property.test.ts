import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import { type FilterOperator, filterOperators, type MetadataFilter } from "./metadata-filter.js";

type Scalar = string | number | boolean;

/** The documented semantics, in plain JavaScript: what the SQL must agree with. */
function matches(filter: MetadataFilter, metadata: Record<string, unknown>): boolean {
  if ("and" in filter) return filter.and.every((child) => matches(child, metadata));
  if ("or" in filter) return filter.or.some((child) => matches(child, metadata));
  let value: unknown = metadata;
  for (const key of filter.key.split(".")) {
    value = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (filter.op === "is_empty") return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
  if (value === undefined) return false;
  const given = filter.value;
  const list = given as Scalar[];
  const holds = (item: unknown) => Array.isArray(value) && value.some((element) => element === item);
  switch (filter.op) {
    case "==":
      return value === given;
    case "!=":
      return value !== given;
    case "in":
      return list.some((item) => item === value);
    case "nin":
      return !list.some((item) => item === value);
    case "any":
      return Array.isArray(value) && list.some(holds);
    case "all":
      return Array.isArray(value) && list.every(holds);
    case "contains":
      return holds(given);
    case "text_match":
      return typeof value === "string" && value.includes(given as string);
    default: {
      if (typeof value !== typeof given || (typeof value !== "number" && typeof value !== "string")) return false;
      // Strings compare by bytes (C collation), numbers numerically.
      const order = typeof value === "number" ? value - (given as number) : Buffer.compare(Buffer.from(value as string), Buffer.from(given as string));
      return { ">": order > 0, ">=": order >= 0, "<": order < 0, "<=": order <= 0 }[filter.op];
    }
  }
}

const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.constantFrom(0, 1, -1, 2.5, 10, ""),
  fc.boolean(),
  fc.string({ unit: fc.constantFrom("a", "b", "A", "é", "%", "_"), maxLength: 3 }),
);
const leafValue = fc.oneof(scalar, fc.constant(null), fc.array(scalar, { maxLength: 3 }));
const keys = ["a", "b", "c"];
const metadata = fc.dictionary(fc.constantFrom(...keys), fc.oneof(leafValue, fc.dictionary(fc.constantFrom(...keys), leafValue, { maxKeys: 2 })), {
  maxKeys: 3,
});
const valueFor = (op: FilterOperator): fc.Arbitrary<unknown> => {
  if (op === "==" || op === "!=") return fc.oneof(scalar, fc.constant(null));
  if (op === "in" || op === "nin" || op === "any" || op === "all") return fc.array(scalar, { maxLength: 3 });
  if (op === "text_match") return fc.string({ unit: fc.constantFrom("a", "b", "é", "%"), maxLength: 2 });
  if (op === "contains") return scalar;
  if (op === "is_empty") return fc.constant(undefined);
  return fc.oneof(fc.constantFrom(0, 1, -1, 2.5), fc.string({ unit: fc.constantFrom("a", "b", "A"), maxLength: 2 }));
};
const comparison = fc
  .record({ key: fc.constantFrom("a", "b", "c", "a.b", "c.a", "missing"), op: fc.constantFrom(...filterOperators) })
  .chain(({ key, op }) => valueFor(op).map((value) => (op === "is_empty" ? { key, op } : { key, op, value }) as MetadataFilter));
const filter = fc.letrec<{ node: MetadataFilter }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    comparison,
    fc.array(tie("node"), { maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie("node"), { maxLength: 3 }).map((or) => ({ or })),
  ),
})).node;

describe.each(testEngines())("metadata filters agree with their specification on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  it.skipIf(!engine.available)("returns exactly the records the JavaScript reference selects", async () => {
    const target = { userId: "ada", collection: "property", vectorModel: { name: "test:property:2", dimensions: 2 } };
    await fc.assert(
      fc.asyncProperty(fc.array(metadata, { minLength: 1, maxLength: 8 }), fc.array(filter, { minLength: 1, maxLength: 5 }), async (rows, filters) => {
        await memory.records.reset(target);
        await memory.records.upsert({ ...target, records: rows.map((row, index) => ({ id: `r${index}`, content: "", metadata: row, vector: [1, index] })) });
        for (const candidate of filters) {
          const hits = await memory.records.query({ ...target, vector: [1, 0], limit: 100, filter: candidate });
          const expected = rows.flatMap((row, index) => (matches(candidate, row) ? [`r${index}`] : []));
          expect(hits.map((hit) => hit.record.id).sort()).toEqual(expected.sort());
        }
      }),
      { numRuns: 100 },
    );
  });
});
