import { ToolMessage } from "@langchain/core/messages";
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMnemoTools, createRetrieveUserInfoTool, createSaveToModelMemoryTool, createSearchMemoryTool } from "./mnemo-tools.js";

describe.each(testEngines())("Mnemo tools on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  const ada = { configurable: { userId: "ada", thread_id: "today" } };

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    await memory.appendMany([
      { userId: "ada", conversationId: "trip", role: "user", content: "Book the Memmo Alfama hotel in Lisbon." },
      { userId: "bob", conversationId: "trip", role: "user", content: "Bob's private hotel booking in Lisbon." },
    ]);
    await memory.modelMemory.add({ userId: "bob", content: "Bob's secret: allergic to shellfish", category: "health" });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("have no user field in their schemas", () => {
      const properties = createMnemoTools({ memory }).map((mnemoTool) =>
        Object.keys((toJsonSchema(mnemoTool.schema) as { properties?: object }).properties ?? {}),
      );
      expect(properties).toEqual([["content", "category", "importance"], ["query"], ["query"]]);
      expect(createMnemoTools({ memory }).map((mnemoTool) => mnemoTool.name)).toEqual(["save_to_model_memory", "retrieve_user_info", "search_memory"]);
    });

    it("save and retrieve facts for the user in the runnable config", async () => {
      const save = createSaveToModelMemoryTool({ memory });
      expect(await save.invoke({ content: "Allergic to peanuts", category: "health", importance: 0.9 }, ada)).toBe("Saved: Allergic to peanuts");
      expect(await save.invoke({ content: "allergic to  peanuts" }, ada)).toBe("Already known: Allergic to peanuts");
      const [entry] = await memory.modelMemory.list({ userId: "ada" });
      expect(entry).toMatchObject({ content: "Allergic to peanuts", category: "health", importance: 0.9, createdBy: "model" });
      const retrieve = createRetrieveUserInfoTool({ memory });
      expect(await retrieve.invoke({ query: "peanuts" }, ada)).toBe("- [health] Allergic to peanuts");
      expect(await retrieve.invoke({}, ada)).toBe("- [health] Allergic to peanuts");
      expect(await retrieve.invoke({ query: "skiing" }, ada)).toBe("Nothing is stored about the user for that.");
    });

    it("never read or write another user named in the model's arguments", async () => {
      const retrieve = createRetrieveUserInfoTool({ memory });
      const search = createSearchMemoryTool({ memory });
      const save = createSaveToModelMemoryTool({ memory });
      const hostile = { userId: "bob", user_id: "bob", user: "bob", configurable: { userId: "bob" } };
      expect(await retrieve.invoke({ query: "allergic shellfish", ...hostile } as never, ada)).not.toContain("shellfish");
      const found = await search.invoke({ query: "hotel booking Lisbon", ...hostile } as never, ada);
      expect(found).toContain("Memmo Alfama");
      expect(found).not.toContain("Bob");
      await save.invoke({ content: "Likes fado music", ...hostile } as never, ada);
      expect((await memory.modelMemory.list({ userId: "bob" })).map((entry) => entry.content)).toEqual(["Bob's secret: allergic to shellfish"]);
      // The same through a model's tool call, as an agent's tool node passes it.
      const message = await retrieve.invoke(
        { type: "tool_call", id: "call_1", name: "retrieve_user_info", args: { query: "shellfish allergy", userId: "bob" } },
        ada,
      );
      expect(message).toBeInstanceOf(ToolMessage);
      expect(String((message as ToolMessage).content)).not.toContain("shellfish");
    });

    it("search earlier conversations with date, role and conversation", async () => {
      const found = await createSearchMemoryTool({ memory }).invoke({ query: "Memmo Alfama" }, ada);
      expect(found).toMatch(/^\[\d{4}-\d{2}-\d{2}\] user \(trip\): Book the Memmo Alfama hotel in Lisbon\.$/);
      expect(await createSearchMemoryTool({ memory }).invoke({ query: "quantum chromodynamics" }, ada)).toBe("No earlier conversation mentions that.");
    });

    it("refuse to run without a user in the config", async () => {
      await expect(createRetrieveUserInfoTool({ memory }).invoke({ query: "x" })).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      await expect(createSaveToModelMemoryTool({ memory }).invoke({ content: "x" }, { configurable: {} })).rejects.toSatisfy((error) =>
        InvalidInputError.isInstance(error),
      );
    });

    it("keep to the configured scope", async () => {
      const scoped = { memory, scope: "/travel" };
      await createSaveToModelMemoryTool(scoped).invoke({ content: "Prefers aisle seats" }, { configurable: { userId: "cy" } });
      await memory.modelMemory.add({ userId: "cy", content: "Prefers dark mode", scope: "/ui" });
      expect((await memory.modelMemory.list({ userId: "cy", scope: "/travel" })).map((entry) => entry.content)).toEqual(["Prefers aisle seats"]);
      expect(await createRetrieveUserInfoTool(scoped).invoke({}, { configurable: { userId: "cy" } })).toBe("- Prefers aisle seats");
    });
  });
});
