import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemory } from "../memory/create-memory.js";
import type { Memory } from "../memory/memory.js";
import { type OpenTestEngine, testEngines } from "../testing/test-engines.js";
import type { RecordInput } from "./record-schemas.js";

const ids = (records: { id: string }[]) => records.map((record) => record.id).sort();
const hitIds = (hits: { record: { id: string } }[]) => ids(hits.map((hit) => hit.record));

describe.each(testEngines())("record selection, scopes and tenants on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  const crew = { userId: "ada", collection: "crewai" };
  const records: RecordInput[] = [
    { id: "root", content: "root note", scope: "/", categories: ["misc"] },
    { id: "r1", content: "researcher finding", scope: "/crew/researcher", categories: ["facts", "web"], sourceId: "s1" },
    { id: "r2", content: "researcher deep finding", scope: "/crew/researcher/deep", categories: ["facts"], sourceId: "s1" },
    { id: "w1", content: "writer draft", scope: "/crew/writer", categories: ["drafts"], sourceId: "s2", private: true },
    { id: "lookalike", content: "not under researcher", scope: "/crew/researchers", categories: ["facts"] },
    { id: "underscore", content: "literal underscore", scope: "/crew/a_c", categories: [] },
    { id: "abc", content: "abc scope", scope: "/crew/abc", categories: [] },
  ];

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    beforeAll(async () => {
      await memory.records.upsert({ ...crew, records });
      // The same ids for another user and another collection.
      await memory.records.upsert({ userId: "bob", collection: "crewai", records: records.map((record) => ({ ...record, content: `bob ${record.content}` })) });
      await memory.records.upsert({ userId: "ada", collection: "other", records: [{ id: "r1", content: "other collection", scope: "/crew/researcher" }] });
    });

    it("matches scope prefixes as paths: sub-scopes yes, look-alikes no, _ is a plain character", async () => {
      expect(ids(await memory.records.list({ ...crew, scopePrefix: "/crew/researcher" }))).toEqual(["r1", "r2"]);
      expect(ids(await memory.records.list({ ...crew, scopePrefix: "/crew/researcher/" }))).toEqual(["r1", "r2"]);
      expect(ids(await memory.records.list({ ...crew, scopePrefix: "/crew/a_c" }))).toEqual(["underscore"]);
      expect(ids(await memory.records.list({ ...crew, scopePrefix: "/crew/a_" }))).toEqual([]);
      expect(ids(await memory.records.list({ ...crew, scopePrefix: "/crew/_bc" }))).toEqual([]);
      expect(ids(await memory.records.list({ ...crew, scopePrefix: "/" }))).toHaveLength(7);
      expect(await memory.records.count({ ...crew, scopePrefix: "/crew" })).toBe(6);
      expect(await memory.records.count({ ...crew, scopePrefix: "/crew/a_" })).toBe(0);
      expect(await memory.records.reset({ ...crew, scopePrefix: "/crew/a_" })).toBe(0);
    });

    it("filters queries by scope, categories (any of), sources, ids and private", async () => {
      const query = (selection: object) => memory.records.query({ ...crew, text: "finding researcher writer note scope underscore", limit: 50, ...selection });
      expect(hitIds(await query({ scopePrefix: "/crew/researcher" }))).toEqual(["r1", "r2"]);
      expect(hitIds(await query({ categories: ["web", "drafts"] }))).toEqual(["r1", "w1"]);
      expect(hitIds(await query({ sourceIds: ["s1"] }))).toEqual(["r1", "r2"]);
      expect(hitIds(await query({ ids: ["r2", "w1", "missing"] }))).toEqual(["r2", "w1"]);
      expect(hitIds(await query({ private: true }))).toEqual(["w1"]);
      expect(hitIds(await query({ categories: ["facts"], scopePrefix: "/crew/researcher", sourceIds: ["s1"], ids: ["r1"] }))).toEqual(["r1"]);
    });

    it("lists in a stable order with paging, counts, scopes and categories", async () => {
      const all = await memory.records.list({ ...crew });
      const order = [...all].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      expect(all.map((record) => record.id)).toEqual(order.map((record) => record.id));
      const pages = [...(await memory.records.list({ ...crew, limit: 3 })), ...(await memory.records.list({ ...crew, limit: 3, offset: 3 }))];
      expect(pages.map((record) => record.id)).toEqual(all.slice(0, 6).map((record) => record.id));
      expect((await memory.records.scopes({ ...crew })).map(({ scope, count }) => [scope, count])).toEqual([["/crew", 6]]);
      expect((await memory.records.scopes({ ...crew, parent: "/crew" })).map(({ scope, count }) => [scope, count])).toEqual([
        ["/crew/a_c", 1],
        ["/crew/abc", 1],
        ["/crew/researcher", 2],
        ["/crew/researchers", 1],
        ["/crew/writer", 1],
      ]);
      expect(await memory.records.scopes({ ...crew, parent: "/crew/researcher/deep" })).toEqual([]);
      expect(await memory.records.categories({ ...crew })).toEqual({ drafts: 1, facts: 3, misc: 1, web: 1 });
      expect(await memory.records.categories({ ...crew, scopePrefix: "/crew/researcher" })).toEqual({ facts: 2, web: 1 });
    });

    it("touches records: last accessed now", async () => {
      const before = Date.now() - 60_000;
      expect(await memory.records.touch({ ...crew, ids: ["r1", "nope"] })).toBe(1);
      const touched = await memory.records.get({ ...crew, id: "r1" });
      expect(touched?.lastAccessedAt?.getTime()).toBeGreaterThan(before);
      expect((await memory.records.get({ userId: "bob", collection: "crewai", id: "r1" }))?.lastAccessedAt).toBeUndefined();
    });

    it("keeps tenants and collections apart", async () => {
      const bobs = await memory.records.query({ userId: "bob", collection: "crewai", text: "finding", limit: 50 });
      expect(bobs.every((hit) => hit.record.content.startsWith("bob "))).toBe(true);
      expect((await memory.records.get({ userId: "bob", collection: "crewai", id: "r1" }))?.content).toBe("bob researcher finding");
      expect((await memory.records.get({ userId: "ada", collection: "other", id: "r1" }))?.content).toBe("other collection");
      expect(await memory.records.get({ userId: "carol", collection: "crewai", id: "r1" })).toBeUndefined();
      expect(await memory.records.query({ userId: "carol", collection: "crewai", text: "finding", limit: 50 })).toEqual([]);
      expect(await memory.records.delete({ userId: "carol", collection: "crewai", ids: ["r1", "r2"] })).toBe(0);
      expect(await memory.records.reset({ userId: "carol", collection: "crewai" })).toBe(0);
      expect(await memory.records.count({ userId: "bob", collection: "crewai" })).toBe(7);
    });

    it("deletes by source id, ids, categories, age and filter; only the caller's records", async () => {
      const bob = { userId: "bob", collection: "crewai" };
      expect(await memory.records.delete({ ...bob, sourceIds: ["s1"] })).toBe(2);
      expect(await memory.records.get({ ...bob, id: "r1" })).toBeUndefined();
      expect(await memory.records.get({ ...crew, id: "r1" })).toBeDefined();
      expect(await memory.records.delete({ ...bob, categories: ["drafts"], scopePrefix: "/crew/researcher" })).toBe(0);
      expect(await memory.records.delete({ ...bob, categories: ["drafts"] })).toBe(1);
      expect(await memory.records.delete({ ...bob, olderThan: new Date(Date.now() - 3_600_000) })).toBe(0);
      expect(await memory.records.delete({ ...bob, ids: ["root"], filter: { key: "missing", op: "is_empty" } })).toBe(1);
      expect(await memory.records.delete({ ...bob, olderThan: new Date(Date.now() + 60_000) })).toBe(3);
      expect(await memory.records.count(bob)).toBe(0);
      expect(await memory.records.count(crew)).toBe(7);
      expect(await memory.records.reset({ ...crew, scopePrefix: "/crew/researcher" })).toBe(2);
      expect(await memory.records.reset(crew)).toBe(5);
      expect(await memory.records.count({ userId: "ada", collection: "other" })).toBe(1);
    });
  });
});
