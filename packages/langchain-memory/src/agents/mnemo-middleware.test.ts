import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { fakeModel } from "@langchain/core/testing";
import { MemorySaver } from "@langchain/langgraph";
import { countChatTokens, createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { createAgent } from "langchain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMnemoTools } from "../tools/mnemo-tools.js";
import { createMnemoMiddleware } from "./mnemo-middleware.js";

/** A message's text; the agent's system message holds content blocks. */
const text = (message: BaseMessage | undefined) =>
  typeof message?.content === "string"
    ? message.content
    : (message?.content ?? []).map((block) => (typeof block === "string" ? block : block.type === "text" ? String(block.text) : "")).join("");
/** LangChain wraps a middleware's error in a MiddlewareError whose cause is ours. */
const isInvalidInput = (error: unknown) => InvalidInputError.isInstance(error) || InvalidInputError.isInstance((error as { cause?: unknown }).cause);
const systemOf = (messages: BaseMessage[]) => text(messages.find((message) => message.getType() === "system"));

describe.each(testEngines())("createMnemoMiddleware on $name", (engine) => {
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

  describe.skipIf(!engine.available)(engine.reason ?? "available", () => {
    it("saves a fact with the tool in one session and recalls it in a later one", async () => {
      const model = fakeModel()
        .respondWithTools([{ name: "save_to_model_memory", args: { content: "Allergic to peanuts", category: "health", userId: "bob" }, id: "call_1" }])
        .respond(new AIMessage({ content: "Noted, no peanuts.", id: "s1-answer" }))
        .respond(
          (messages) => new AIMessage({ content: systemOf(messages).includes("Allergic to peanuts") ? "Avoid peanuts." : "I don't know.", id: "s2-answer" }),
        );
      const agent = createAgent({
        model,
        tools: createMnemoTools({ memory }),
        systemPrompt: "You are a helpful cook.",
        middleware: [createMnemoMiddleware({ memory, maxTokens: 4_000 })],
      });
      await agent.invoke({ messages: [new HumanMessage("Remember that I'm allergic to peanuts.")] }, {
        context: { userId: "ada", conversationId: "s1" },
      } as never);
      const later = await agent.invoke({ messages: [new HumanMessage("What should I avoid eating?")] }, { configurable: { userId: "ada", thread_id: "s2" } });
      expect(text(later.messages.at(-1))).toBe("Avoid peanuts.");

      // The fact went to Ada's model memory, not to the user the model named.
      expect((await memory.modelMemory.list({ userId: "ada" })).map((entry) => entry.content)).toEqual(["Allergic to peanuts"]);
      expect(await memory.modelMemory.list({ userId: "bob" })).toEqual([]);
      // Session 1 was recorded turn by turn: input, tool call, tool result, answer.
      const first = await memory.history({ userId: "ada", conversationId: "s1", last: 10 });
      expect(first.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
      expect(first.at(-1)?.content).toBe("Noted, no peanuts.");
      // The later call saw the agent's prompt, then Mnemo's section with the fact, then only its own turn.
      const [seen] = model.calls.slice(-1);
      const system = systemOf(seen?.messages ?? []);
      expect(system.startsWith("You are a helpful cook.\n\n")).toBe(true);
      expect(system).toContain("## What you know about the user");
      expect(seen?.messages.slice(1).map(text)).toEqual(["What should I avoid eating?"]);
      expect((await memory.history({ userId: "ada", conversationId: "s2", last: 10 })).map((message) => message.content)).toEqual([
        "What should I avoid eating?",
        "Avoid peanuts.",
      ]);
    });

    it("brings back relevant exchanges of other conversations", async () => {
      const model = fakeModel()
        .respond(new AIMessage({ content: "I booked the Memmo Alfama hotel in Lisbon.", id: "h1" }))
        .respond((messages) => new AIMessage({ content: systemOf(messages).includes("Memmo Alfama") ? "The Memmo Alfama." : "No idea.", id: "h2" }));
      const agent = createAgent({ model, tools: [], middleware: [createMnemoMiddleware({ memory, maxTokens: 4_000 })] });
      await agent.invoke({ messages: [new HumanMessage("Book a quiet hotel in Lisbon for me.")] }, { configurable: { userId: "cy", thread_id: "trip" } });
      const answer = await agent.invoke(
        { messages: [new HumanMessage("Which hotel in Lisbon did you book?")] },
        { configurable: { userId: "cy", thread_id: "later" } },
      );
      expect(text(answer.messages.at(-1))).toBe("The Memmo Alfama.");
      expect(systemOf(model.calls[1]?.messages ?? [])).toContain("## Relevant earlier exchanges");
    });

    it("keeps a long conversation within the budget, summarising old turns", async () => {
      const model = fakeModel();
      for (let turn = 0; turn < 12; turn++)
        model.respond(new AIMessage({ content: `Answer ${turn}: option ${turn} costs ${100 + turn} euros.`, id: `long-a${turn}` }));
      const agent = createAgent({
        model,
        tools: [],
        middleware: [createMnemoMiddleware({ memory, maxTokens: 400, reserve: 50 })],
        checkpointer: new MemorySaver(),
      });
      const config = { configurable: { userId: "dee", thread_id: "long" } };
      for (let turn = 0; turn < 12; turn++) {
        await agent.invoke(
          { messages: [new HumanMessage({ content: `Question ${turn}: what about hotel option ${turn} near the river?`, id: `long-q${turn}` })] },
          config,
        );
      }
      const last = model.calls.at(-1)?.messages ?? [];
      expect(
        countChatTokens(
          memory.tokenizer,
          last.map((message) => ({ role: message.getType(), content: text(message) })),
        ),
      ).toBeLessThanOrEqual(350);
      // Old turns were folded into running summaries (stored, archived), not sent again.
      expect((await memory.stats({ userId: "dee", conversationId: "long" })).summaries).toBeGreaterThan(0);
      expect(text(last.at(-1))).toBe("Question 11: what about hotel option 11 near the river?");
      expect(last.length).toBeLessThan(24);
      // Nothing was lost: every turn is stored once, even though the checkpointer replays the state on each call.
      expect((await memory.stats({ userId: "dee", conversationId: "long" })).messages).toBe(24);
    });

    it("augments instead of replacing when asked", async () => {
      await memory.saveToModelMemory({ userId: "eve", content: "Speaks Portuguese" });
      const model = fakeModel().respond(new AIMessage({ content: "Olá!", id: "aug-1" }));
      const agent = createAgent({ model, tools: [], middleware: [createMnemoMiddleware({ memory, maxTokens: 4_000, mode: "augment" })] });
      const input = [
        new HumanMessage({ content: "Earlier, unstored turn.", id: "x1" }),
        new AIMessage({ content: "Sure.", id: "x2" }),
        new HumanMessage("Greet me in my language."),
      ];
      await agent.invoke({ messages: input }, { configurable: { userId: "eve", thread_id: "aug" } });
      const seen = model.calls[0]?.messages ?? [];
      expect(seen[0]).toBeInstanceOf(SystemMessage);
      expect(systemOf(seen)).toContain("Speaks Portuguese");
      expect(seen.slice(1).map(text)).toEqual(input.map(text));
    });

    it("needs a user and a conversation from the runtime", async () => {
      const agent = createAgent({
        model: fakeModel().respond(new AIMessage("x")),
        tools: [],
        middleware: [createMnemoMiddleware({ memory, maxTokens: 1_000 })],
      });
      await expect(agent.invoke({ messages: [new HumanMessage("hi")] }, { configurable: { thread_id: "t" } })).rejects.toSatisfy(isInvalidInput);
      await expect(agent.invoke({ messages: [new HumanMessage("hi")] }, { configurable: { userId: "ada" } })).rejects.toSatisfy(isInvalidInput);
      expect(() => createMnemoMiddleware({ memory, maxTokens: 1_000, mode: "trim" as "augment" })).toThrow(InvalidInputError);
    });
  });
});
