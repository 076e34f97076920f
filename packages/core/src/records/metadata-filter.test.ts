import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import type { MetadataFilter } from "./metadata-filter.js";

const hostile = { quote: "we'ird\"key", drop: "'); DROP TABLE records; --", arrow: "a->>b", dollar: "$1" };
const dataset: Record<string, Record<string, unknown>> = {
  a: { n: 0, b: false, s: "", tags: ["x", "y"], nested: { k: 1 } },
  b: { n: 5, b: true, s: "hello world", tags: ["y"], nested: { k: 2 } },
  c: { n: -2.5, s: "Hello", tags: [], nested: { k: "1" } },
  d: { n: "5", b: null, tags: "x" },
  e: {},
  f: { [hostile.quote]: 1, [hostile.drop]: "v", [hostile.arrow]: 2, [hostile.dollar]: true },
};

const cases: [string, MetadataFilter, string[]][] = [
  ["== 0 (a zero is a value)", { key: "n", op: "==", value: 0 }, ["a"]],
  ["== number is not a string", { key: "n", op: "==", value: 5 }, ["b"]],
  ["== string is not a number", { key: "n", op: "==", value: "5" }, ["d"]],
  ["== false", { key: "b", op: "==", value: false }, ["a"]],
  ["== true", { key: "b", op: "==", value: true }, ["b"]],
  ["== null", { key: "b", op: "==", value: null }, ["d"]],
  ["== ''", { key: "s", op: "==", value: "" }, ["a"]],
  ["!= 0 (missing keys never match)", { key: "n", op: "!=", value: 0 }, ["b", "c", "d"]],
  ["!= false", { key: "b", op: "!=", value: false }, ["b", "d"]],
  ["> 0", { key: "n", op: ">", value: 0 }, ["b"]],
  [">= 0", { key: "n", op: ">=", value: 0 }, ["a", "b"]],
  ["< 0", { key: "n", op: "<", value: 0 }, ["c"]],
  ["<= 0", { key: "n", op: "<=", value: 0 }, ["a", "c"]],
  ["> -3 (decimals compare numerically)", { key: "n", op: ">", value: -3 }, ["a", "b", "c"]],
  ["> string compares text", { key: "s", op: ">", value: "a" }, ["b"]],
  ["<= '' compares text", { key: "s", op: "<=", value: "" }, ["a"]],
  ["in numbers", { key: "n", op: "in", value: [0, 5] }, ["a", "b"]],
  ["in strings", { key: "n", op: "in", value: ["5"] }, ["d"]],
  ["in with false and ''", { key: "s", op: "in", value: [false, ""] }, ["a"]],
  ["nin (missing keys never match)", { key: "n", op: "nin", value: [0, 5] }, ["c", "d"]],
  ["nin empty list", { key: "n", op: "nin", value: [] }, ["a", "b", "c", "d"]],
  ["in empty list", { key: "n", op: "in", value: [] }, []],
  ["any", { key: "tags", op: "any", value: ["x"] }, ["a"]],
  ["any of two", { key: "tags", op: "any", value: ["y", "z"] }, ["a", "b"]],
  ["all", { key: "tags", op: "all", value: ["x", "y"] }, ["a"]],
  ["all of one", { key: "tags", op: "all", value: ["y"] }, ["a", "b"]],
  ["contains", { key: "tags", op: "contains", value: "y" }, ["a", "b"]],
  ["contains on a non-array", { key: "tags", op: "contains", value: "x" }, ["a"]],
  ["text_match is case-sensitive", { key: "s", op: "text_match", value: "ello" }, ["b", "c"]],
  ["text_match lower", { key: "s", op: "text_match", value: "hello" }, ["b"]],
  ["text_match '' matches every string", { key: "s", op: "text_match", value: "" }, ["a", "b", "c"]],
  ["text_match treats % and _ literally", { key: "s", op: "text_match", value: "%" }, []],
  ["is_empty: '', missing", { key: "s", op: "is_empty" }, ["a", "d", "e", "f"]],
  ["is_empty: [], missing", { key: "tags", op: "is_empty" }, ["c", "e", "f"]],
  ["is_empty: null, missing", { key: "b", op: "is_empty" }, ["c", "d", "e", "f"]],
  ["dotted path", { key: "nested.k", op: "==", value: 1 }, ["a"]],
  ["dotted path string", { key: "nested.k", op: "==", value: "1" }, ["c"]],
  [
    "and / or nesting",
    {
      or: [
        { key: "n", op: "==", value: 0 },
        {
          and: [
            { key: "b", op: "==", value: true },
            { key: "tags", op: "contains", value: "y" },
          ],
        },
      ],
    },
    ["a", "b"],
  ],
  [
    "and of negations",
    {
      and: [
        { key: "n", op: "!=", value: 5 },
        { key: "n", op: "nin", value: ["5"] },
      ],
    },
    ["a", "c"],
  ],
  ["empty and is true", { and: [] }, ["a", "b", "c", "d", "e", "f"]],
  ["empty or is false", { or: [] }, []],
  ["hostile key with quotes", { key: hostile.quote, op: "==", value: 1 }, ["f"]],
  ["hostile key with SQL", { key: hostile.drop, op: "==", value: "v" }, ["f"]],
  ["hostile key with ->>", { key: hostile.arrow, op: "==", value: 2 }, ["f"]],
  ["hostile key with $1", { key: hostile.dollar, op: "==", value: true }, ["f"]],
];

const invalid: [string, unknown][] = [
  ["an unknown operator", { key: "n", op: "like", value: 1 }],
  ["in without a list", { key: "n", op: "in", value: 1 }],
  ["> with a boolean", { key: "n", op: ">", value: true }],
  ["== with an object", { key: "n", op: "==", value: { a: 1 } }],
  ["== without a value", { key: "n", op: "==" }],
  ["contains with a list", { key: "tags", op: "contains", value: ["x"] }],
  ["text_match with a number", { key: "s", op: "text_match", value: 1 }],
  ["an empty key", { key: "", op: "==", value: 1 }],
  ["an empty path segment", { key: "a..b", op: "==", value: 1 }],
  ["an extra property", { key: "n", op: "==", value: 1, condition: "or" }],
  ["a NUL in a value", { key: "s", op: "==", value: "a\u0000b" }],
  ["a non-finite number", { key: "n", op: ">", value: Number.NaN }],
  ["and without a list", { and: { key: "n", op: "==", value: 1 } }],
  ["nesting beyond 32 levels", Array.from({ length: 40 }).reduce<unknown>((inner) => ({ and: [inner] }), { key: "n", op: "==", value: 0 })],
];

describe.each(testEngines())("metadata filters on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  const target = { userId: "ada", collection: "filters", vectorModel: { name: "test:filters:2", dimensions: 2 } };
  const matching = async (filter: unknown) =>
    (await memory.records.query({ ...target, vector: [1, 0], limit: 100, filter: filter as MetadataFilter })).map((hit) => hit.record.id).sort();

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    const records = Object.entries(dataset).map(([id, metadata], index) => ({ id, content: `record ${id}`, metadata, vector: [1, index / 10] }));
    await memory.records.upsert({ ...target, records });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it.each(cases)("%s", async (_name, filter, expected) => {
      expect(await matching(filter)).toEqual(expected);
    });

    it.each(invalid)("rejects %s with InvalidInputError", async (_name, filter) => {
      await expect(matching(filter)).rejects.toBeInstanceOf(InvalidInputError);
    });

    it("left the table intact after hostile keys, and filters deletes the same way", async () => {
      expect(await memory.records.count(target)).toBe(6);
      expect(await memory.records.delete({ ...target, filter: { key: hostile.drop, op: "==", value: "v" } })).toBe(1);
      expect(await memory.records.count(target)).toBe(5);
    });
  });
});
