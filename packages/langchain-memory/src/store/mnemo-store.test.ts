import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { type ToolRuntime, tool } from "@langchain/core/tools";
import { Annotation, END, type LangGraphRunnableConfig, START, StateGraph } from "@langchain/langgraph";
import { InvalidNamespaceError } from "@langchain/langgraph-checkpoint";
import { createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod/v4";
import { MnemoStore } from "./mnemo-store.js";

const isInvalidInput = (error: unknown) => InvalidInputError.isInstance(error);

describe.each(testEngines())("MnemoStore on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let store: MnemoStore;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    store = new MnemoStore({ memory });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("puts, gets, overwrites and deletes items as model-memory entries of the namespace's user and scope", async () => {
      await store.put(["ada", "food"], "allergy", { text: "Allergic to peanuts", severity: 3 });
      const item = await store.get(["ada", "food"], "allergy");
      expect(item).toMatchObject({ namespace: ["ada", "food"], key: "allergy", value: { text: "Allergic to peanuts", severity: 3 } });
      expect(item?.createdAt).toBeInstanceOf(Date);
      const [entry] = await memory.modelMemory.list({ userId: "ada", scope: "/food" });
      expect(entry).toMatchObject({ scope: "/food/@allergy", content: "Allergic to peanuts", createdBy: "model" });

      await store.put(["ada", "food"], "allergy", { text: "Allergic to peanuts and cashews", severity: 4 });
      expect((await store.get(["ada", "food"], "allergy"))?.value).toEqual({ text: "Allergic to peanuts and cashews", severity: 4 });
      expect((await memory.modelMemory.history({ userId: "ada", memoryId: entry?.memoryId as string })).map((change) => change.action)).toEqual([
        "update",
        "create",
      ]);

      // Two keys may hold the same text: each item is its own entry.
      await store.put(["ada", "food"], "copy", { text: "Allergic to peanuts and cashews", severity: 4 });
      expect((await store.search(["ada", "food"])).map((found) => found.key).sort()).toEqual(["allergy", "copy"]);

      await store.delete(["ada", "food"], "copy");
      expect(await store.get(["ada", "food"], "copy")).toBeNull();
      expect(await store.get(["bob", "food"], "allergy")).toBeNull();
    });

    it("keeps keys of any characters apart", async () => {
      const keys = ["plain-key_1", "with space", "ü/é:?*", "a.b"];
      for (const key of keys) await store.put(["keys"], key, { text: `value of ${key}` });
      for (const key of keys) expect((await store.get(["keys"], key))?.value).toEqual({ text: `value of ${key}` });
    });

    it("searches by namespace prefix, filter and natural-language query", async () => {
      await store.put(["cy", "prefs"], "seat", { text: "Prefers window seats on long flights", kind: "travel", rank: 2 });
      await store.put(["cy", "prefs"], "tea", { text: "Drinks green tea without sugar", kind: "food", rank: 5 });
      await store.put(["cy", "prefs", "work"], "editor", { text: "Uses Vim for editing code", kind: "work", rank: 1 });
      await store.put(["dee", "prefs"], "tea", { text: "Dee drinks black tea", kind: "food", rank: 9 });

      expect((await store.search(["cy"])).map((item) => item.key).sort()).toEqual(["editor", "seat", "tea"]);
      expect((await store.search(["cy", "prefs", "work"])).map((item) => item.key)).toEqual(["editor"]);
      expect((await store.search(["cy"], { filter: { kind: "food" } })).map((item) => item.key)).toEqual(["tea"]);
      expect((await store.search(["cy"], { filter: { rank: { $gte: 2 } } })).map((item) => item.key).sort()).toEqual(["seat", "tea"]);
      expect((await store.search(["cy"], { filter: { kind: { $in: ["work", "travel"] }, rank: { $lt: 2 } } })).map((item) => item.key)).toEqual(["editor"]);

      const found = await store.search(["cy"], { query: "what does cy like to drink? tea" });
      expect(found[0]?.key).toBe("tea");
      expect(found[0]?.score).toBeGreaterThan(0);
      expect(found.map((item) => item.value.text).join(" ")).not.toContain("Dee");
      expect(await store.search(["cy"], { query: "tea", filter: { kind: "travel" } })).toEqual([]);

      const page = await store.search(["cy"], { limit: 1, offset: 1 });
      expect(page).toHaveLength(1);
    });

    it("never interpolates filter keys: hostile keys are just missing fields", async () => {
      await store.put(["eve"], "x", { text: "harmless", "'; DROP TABLE memories; --": 1 });
      expect(await store.search(["eve"], { filter: { "') OR 1=1 --": 1 } })).toEqual([]);
      expect((await store.search(["eve"], { filter: { "'; DROP TABLE memories; --": 1 } })).map((item) => item.key)).toEqual(["x"]);
      expect(await store.get(["eve"], "x")).not.toBeNull();
    });

    it("lists namespaces by prefix, suffix and depth", async () => {
      await store.put(["fay", "a", "b"], "k1", { text: "one" });
      await store.put(["fay", "a", "c"], "k2", { text: "two" });
      await store.put(["fay", "d"], "k3", { text: "three" });
      expect(await store.listNamespaces({ prefix: ["fay"] })).toEqual([
        ["fay", "a", "b"],
        ["fay", "a", "c"],
        ["fay", "d"],
      ]);
      expect(await store.listNamespaces({ prefix: ["fay", "a"] })).toEqual([
        ["fay", "a", "b"],
        ["fay", "a", "c"],
      ]);
      expect(await store.listNamespaces({ prefix: ["fay"], suffix: ["c"] })).toEqual([["fay", "a", "c"]]);
      expect(await store.listNamespaces({ prefix: ["fay", "*", "b"] })).toEqual([["fay", "a", "b"]]);
      expect(await store.listNamespaces({ prefix: ["fay"], maxDepth: 2 })).toEqual([
        ["fay", "a"],
        ["fay", "d"],
      ]);
      expect(await store.listNamespaces({ prefix: ["fay"], limit: 1, offset: 1 })).toEqual([["fay", "a", "c"]]);
    });

    it("rejects namespaces it cannot map, writing nothing", async () => {
      // LangGraph's own checks run first (empty namespace, periods, the reserved root)…
      await expect(store.put([], "k", { text: "x" })).rejects.toBeInstanceOf(InvalidNamespaceError);
      await expect(store.put(["gus", "a.b"], "k", { text: "x" })).rejects.toBeInstanceOf(InvalidNamespaceError);
      await expect(store.put(["langgraph"], "k", { text: "x" })).rejects.toBeInstanceOf(InvalidNamespaceError);
      // …then Mnemo's, for labels that cannot be scope segments, also through batch().
      await expect(store.put(["gus", "has space"], "k", { text: "x" })).rejects.toSatisfy(isInvalidInput);
      await expect(store.put(["gus", "@key"], "k", { text: "x" })).rejects.toSatisfy(isInvalidInput);
      await expect(store.batch([{ namespace: [], key: "k", value: { text: "x" } }])).rejects.toSatisfy(isInvalidInput);
      await expect(store.put(["gus"], "k", ["not", "an", "object"] as never)).rejects.toSatisfy(isInvalidInput);
      await expect(store.search([])).rejects.toSatisfy(isInvalidInput);
      await expect(store.listNamespaces({ prefix: ["*"] })).rejects.toSatisfy(isInvalidInput);
      expect(await memory.modelMemory.list({ userId: "gus" })).toEqual([]);
    });

    it("serves a LangGraph StateGraph's nodes through config.store", async () => {
      const State = Annotation.Root({ userId: Annotation<string>(), fact: Annotation<string>(), recalled: Annotation<string[]>() });
      const graph = new StateGraph(State)
        .addNode("remember", async (state: typeof State.State, config: LangGraphRunnableConfig) => {
          await config.store?.put([state.userId, "facts"], "home", { text: state.fact });
          return {};
        })
        .addNode("recall", async (state: typeof State.State, config: LangGraphRunnableConfig) => {
          const items = (await config.store?.search([state.userId], { query: "where does the user live" })) ?? [];
          return { recalled: items.map((item) => String(item.value.text)) };
        })
        .addEdge(START, "remember")
        .addEdge("remember", "recall")
        .addEdge("recall", END)
        .compile({ store });
      const result = await graph.invoke({ userId: "ivy", fact: "The user lives in Porto" });
      expect(result.recalled).toEqual(["The user lives in Porto"]);
      expect((await memory.modelMemory.list({ userId: "ivy" })).map((entry) => [entry.scope, entry.content])).toEqual([
        ["/facts/@home", "The user lives in Porto"],
      ]);
    });

    it("serves an agent's tools through runtime.store, and what they store reaches Mnemo's context", async () => {
      const remember = tool(
        async ({ fact }, runtime: ToolRuntime) => {
          const userId = (runtime.context as { userId: string }).userId;
          // ToolRuntime types the store as @langchain/core's key-value store; in an agent it is the LangGraph store passed in.
          const graphStore = runtime.store as unknown as MnemoStore;
          await graphStore.put([userId, "facts"], "diet", { text: fact });
          const items = await graphStore.search([userId], { query: "diet" });
          return items.map((item) => item.value.text).join("; ");
        },
        { name: "remember", description: "Remember a fact.", schema: z.object({ fact: z.string() }) },
      );
      const model = fakeModel()
        .respondWithTools([{ name: "remember", args: { fact: "Vegetarian diet" }, id: "call_store" }])
        .respond(new AIMessage({ content: "Remembered.", id: "store-answer" }));
      const agent = createAgent({ model, tools: [remember], store });
      const result = await agent.invoke({ messages: [new HumanMessage("I'm vegetarian.")] }, { context: { userId: "hal" } } as never);
      expect(result.messages.map((message) => message.content)).toContain("Vegetarian diet");
      expect((await store.get(["hal", "facts"], "diet"))?.value).toEqual({ text: "Vegetarian diet" });
      await memory.append({ userId: "hal", conversationId: "next", role: "user", content: "What diet do I follow?" });
      const context = await memory.buildContext({ userId: "hal", conversationId: "next", maxTokens: 2_000 });
      expect(context.messages[0]?.content).toContain("Vegetarian diet");
    });
  });
});
