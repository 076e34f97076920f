import { type BaseStore, InMemoryStore, type Item } from "@langchain/langgraph-checkpoint";
import { createMemory, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoStore } from "./mnemo-store.js";

/** What both stores must agree on: items without timestamps and scores, searches as sets (the orders differ by design). */
const plain = (item: Item | null) => item && { namespace: item.namespace, key: item.key, value: item.value };
const asSet = (items: Item[]) => items.map(plain).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function scenario(store: BaseStore) {
  await store.put(["ada", "prefs"], "tea", { text: "Green tea", kind: "food", rank: 3 });
  await store.put(["ada", "prefs"], "seat", { text: "Window seat", kind: "travel", rank: 1 });
  await store.put(["ada", "prefs", "work"], "editor", { text: "Vim", kind: "work", rank: 2 });
  await store.put(["ada", "trips"], "lisbon", { text: "Lisbon in May", kind: "travel", rank: 5, tags: ["city", "spring"] });
  await store.put(["bob", "prefs"], "tea", { text: "Black tea", kind: "food", rank: 4 });
  await store.put(["ada", "prefs"], "tea", { text: "Green tea, no sugar", kind: "food", rank: 4 });
  await store.put(["ada", "trips"], "paris", { text: "Paris in June", kind: "travel", rank: 2 });
  await store.delete(["ada", "trips"], "paris");
  return {
    gets: [
      plain(await store.get(["ada", "prefs"], "tea")),
      plain(await store.get(["ada", "trips"], "paris")),
      plain(await store.get(["bob", "prefs"], "tea")),
      plain(await store.get(["ada", "prefs"], "missing")),
    ],
    searches: [
      asSet(await store.search(["ada"])),
      asSet(await store.search(["ada", "prefs"])),
      asSet(await store.search(["ada"], { filter: { kind: "travel" } })),
      asSet(await store.search(["ada"], { filter: { rank: { $gt: 2 } } })),
      asSet(await store.search(["ada"], { filter: { kind: { $ne: "food" }, rank: { $lte: 2 } } })),
      (await store.search(["ada"], { limit: 2 })).length,
    ],
    namespaces: [
      await store.listNamespaces({ prefix: ["ada"] }),
      await store.listNamespaces({ prefix: ["ada"], maxDepth: 2 }),
      await store.listNamespaces({ prefix: ["ada"], suffix: ["work"] }),
      await store.listNamespaces({ prefix: ["ada", "*", "work"] }),
    ].map((list) => [...list].sort()),
  };
}

describe.each(testEngines())("MnemoStore behaves like LangGraph's InMemoryStore, on $name", (engine) => {
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

  it.skipIf(!engine.available)("for the same puts, gets, deletes, filtered searches and namespace listings", async () => {
    const reference = new InMemoryStore();
    const mnemo = new MnemoStore({ memory });
    const expected = await scenario(reference);
    const actual = await scenario(mnemo);
    expect(actual).toEqual(expected);
    expect(expected.gets[0]).toEqual({ namespace: ["ada", "prefs"], key: "tea", value: { text: "Green tea, no sugar", kind: "food", rank: 4 } });
    expect(expected.searches[0]).toHaveLength(4);
    // One deliberate difference: InMemoryStore compares arrays and objects by reference (never equal); Mnemo by value.
    const filter = { tags: ["city", "spring"] };
    expect(await reference.search(["ada"], { filter })).toEqual([]);
    expect((await mnemo.search(["ada"], { filter })).map((item) => item.key)).toEqual(["lisbon"]);
  });
});
