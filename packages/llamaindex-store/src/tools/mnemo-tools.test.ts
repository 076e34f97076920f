import { AsyncLocalStorage } from "node:async_hooks";
import { MockLLM } from "@llamaindex/core/llms/mock";
import { createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMnemoTools, createRetrieveUserInfoTool, createSaveToModelMemoryTool } from "./mnemo-tools.js";

describe.each(testEngines())("Mnemo LlamaIndex tools on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    await memory.modelMemory.add({ userId: "bob", content: "Bob's secret: allergic to shellfish", category: "health" });
  });
  afterAll(async () => {
    await memory?.close();
    await opened?.close();
  });

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("describe only the model's arguments: no user field", () => {
      const tools = createMnemoTools({ memory });
      expect(tools.map((mnemoTool) => mnemoTool.metadata.name)).toEqual(["save_to_model_memory", "retrieve_user_info"]);
      expect(tools.map((mnemoTool) => Object.keys((mnemoTool.metadata.parameters as { properties: object }).properties))).toEqual([
        ["content", "category", "importance"],
        ["query"],
      ]);
    });

    it("save and retrieve facts for the bound user", async () => {
      const [save, retrieve] = createMnemoTools({ memory }).map((mnemoTool) => mnemoTool.bind({ userId: "ada" })) as [
        ReturnType<typeof createSaveToModelMemoryTool>,
        ReturnType<typeof createRetrieveUserInfoTool>,
      ];
      expect(await save.call({ content: "Allergic to peanuts", category: "health", importance: 0.9 })).toBe("Saved: Allergic to peanuts");
      expect(await save.call({ content: "allergic to  peanuts" })).toBe("Already known: Allergic to peanuts");
      expect(await memory.modelMemory.list({ userId: "ada" })).toMatchObject([
        { content: "Allergic to peanuts", category: "health", importance: 0.9, createdBy: "model" },
      ]);
      expect(await retrieve.call({ query: "peanuts" })).toBe("- [health] Allergic to peanuts");
      expect(await retrieve.call({})).toBe("- [health] Allergic to peanuts");
      expect(await retrieve.call({ query: "skiing" })).toBe("Nothing is stored about the user for that.");
    });

    it("never read or write a user named in the model's arguments, also through an LLM's tool call", async () => {
      const tools = createMnemoTools({ memory }).map((mnemoTool) => mnemoTool.bind({ userId: "ada" }));
      const hostile = { userId: "bob", user_id: "bob", user: "bob" };
      const llm = new MockLLM({
        mockToolCallResponse: {
          toolCalls: [
            { id: "call_1", name: "retrieve_user_info", input: { query: "shellfish allergy", ...hostile } },
            { id: "call_2", name: "save_to_model_memory", input: { content: "Likes fado music", ...hostile } },
          ],
        },
      });
      const { newMessages } = await llm.exec({ messages: [{ role: "user", content: "What am I allergic to?" }], tools });
      const results = newMessages.flatMap((message) => {
        const toolResult = (message.options as { toolResult?: { result: string } } | undefined)?.toolResult;
        return toolResult ? [toolResult.result] : [];
      });
      expect(results).toHaveLength(2);
      expect(results[0]).not.toContain("shellfish");
      expect(results[1]).toBe("Saved: Likes fado music");
      expect((await memory.modelMemory.list({ userId: "bob" })).map((entry) => entry.content)).toEqual(["Bob's secret: allergic to shellfish"]);
      expect((await memory.modelMemory.list({ userId: "ada" })).map((entry) => entry.content)).toContain("Likes fado music");
    });

    it("take the user from a request context function", async () => {
      const request = new AsyncLocalStorage<{ userId: string }>();
      const retrieve = createRetrieveUserInfoTool({ memory, userId: () => request.getStore()?.userId ?? "" });
      expect(await request.run({ userId: "bob" }, () => retrieve.call({ query: "shellfish" }))).toBe("- [health] Bob's secret: allergic to shellfish");
      await expect(retrieve.call({ query: "shellfish" })).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
    });

    it("refuse to run without a user, and reject bad arguments with a typed error", async () => {
      await expect(createSaveToModelMemoryTool({ memory }).call({ content: "x" })).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      const save = createSaveToModelMemoryTool({ memory, userId: "carol" });
      await expect(save.call({ content: 42 } as never)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      await expect(save.call({ content: "Fine", importance: 7 })).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      expect(await memory.modelMemory.list({ userId: "carol" })).toEqual([]);
    });
  });
});
