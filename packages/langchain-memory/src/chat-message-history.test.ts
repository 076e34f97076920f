import { InMemoryChatMessageHistory } from "@langchain/core/chat_history";
import { AIMessage, type BaseMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatPromptValueInterface } from "@langchain/core/prompt_values";
import { ChatPromptTemplate, MessagesPlaceholder } from "@langchain/core/prompts";
import { RunnableLambda, RunnableWithMessageHistory } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { createMemory, InvalidInputError, type Memory } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MnemoChatMessageHistory } from "./chat-message-history.js";

/** One message of every kind LangChain stores, with every field that must survive. */
function everyKindOfMessage(): BaseMessage[] {
  return [
    new SystemMessage({ content: "You are a travel agent.", id: "sys-1" }),
    new HumanMessage({ content: "Find me a hotel in Lisbon.", id: "human-1", name: "ada", additional_kwargs: { locale: "pt-PT" } }),
    new AIMessage({
      content: "",
      id: "ai-1",
      tool_calls: [
        { id: "call_1", name: "search_hotels", args: { city: "Lisbon", quiet: true }, type: "tool_call" },
        { id: "call_2", name: "weather", args: { city: "Lisbon" }, type: "tool_call" },
      ],
      usage_metadata: { input_tokens: 41, output_tokens: 12, total_tokens: 53, input_token_details: { cache_read: 8 } },
      response_metadata: { model_name: "gpt-test", finish_reason: "tool_calls" },
      additional_kwargs: { provider_extra: { seed: 7 } },
    }),
    new ToolMessage({ content: "Memmo Alfama, 180 EUR", tool_call_id: "call_1", name: "search_hotels", artifact: { rows: [{ id: 3 }] }, status: "success" }),
    new ToolMessage({ content: "Weather service down", tool_call_id: "call_2", status: "error" }),
    new AIMessage({
      content: [
        { type: "text", text: "The Memmo Alfama is quiet." },
        { type: "text", text: "It has a river view." },
      ],
      id: "ai-2",
    }),
    new HumanMessage({
      content: [
        { type: "text", text: "Is this the view?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
      ],
    }),
    new HumanMessage({ content: [{ type: "image_url", image_url: { url: "https://example.com/terrace.png" } }] }),
    new ChatMessage({ content: "Approved.", role: "travel-manager" }),
    new HumanMessage("ok"),
    new HumanMessage("ok"),
  ];
}

const dicts = (messages: BaseMessage[]) => messages.map((message) => message.toDict());

describe.each(testEngines())("MnemoChatMessageHistory on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let next = 0;
  const history = (sessionId = `session-${++next}`, userId = "ada") => new MnemoChatMessageHistory({ memory, userId, sessionId });

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
    it("round-trips every message type exactly", async () => {
      const store = history();
      const messages = everyKindOfMessage();
      await store.addMessages(messages);
      const rebuilt = await store.getMessages();
      expect(dicts(rebuilt)).toEqual(dicts(messages));
      expect(rebuilt).toEqual(messages);
      expect(rebuilt.map((message) => message.constructor)).toEqual(messages.map((message) => message.constructor));
    });

    it("stores searchable text, with placeholders where a message has none", async () => {
      const store = history("searchable");
      await store.addMessages(everyKindOfMessage());
      const stored = await memory.history({ userId: "ada", conversationId: "searchable", last: 100 });
      expect(stored.map((message) => [message.role, message.content])).toEqual([
        ["system", "You are a travel agent."],
        ["user", "Find me a hotel in Lisbon."],
        ["assistant", "[tool calls: search_hotels, weather]"],
        ["tool", "Memmo Alfama, 180 EUR"],
        ["tool", "Weather service down"],
        ["assistant", "The Memmo Alfama is quiet.\nIt has a river view."],
        ["user", "Is this the view?"],
        ["user", "[image_url]"],
        ["user", "Approved."],
        ["user", "ok"],
        ["user", "ok"],
      ]);
      expect(stored.slice(0, 3).map((message) => message.id)).toEqual(["sys-1", "human-1", "ai-1"]);
      const hits = await memory.search({ userId: "ada", query: "river view", conversationIds: ["searchable"] });
      expect(hits[0]?.content).toContain("river view");
    });

    it("treats a re-added id as already stored", async () => {
      const store = history();
      const message = new HumanMessage({ content: "Book it.", id: "msg-42" });
      await store.addMessage(message);
      await store.addMessages([message, new AIMessage({ content: "Booked.", id: "msg-43" })]);
      expect(dicts(await store.getMessages())).toEqual(dicts([message, new AIMessage({ content: "Booked.", id: "msg-43" })]));
    });

    it("writes a batch in one transaction: an invalid message writes nothing", async () => {
      const store = history();
      await store.addMessage(new HumanMessage("before"));
      const batch = [new HumanMessage("fine"), new AIMessage("also fine"), new HumanMessage("broken \u0000 text")];
      await expect(store.addMessages(batch)).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
      expect(dicts(await store.getMessages())).toEqual(dicts([new HumanMessage("before")]));
    });

    it("rejects control messages that are not turns", async () => {
      const { RemoveMessage } = await import("@langchain/core/messages");
      const store = history();
      await expect(store.addMessages([new HumanMessage("hi"), new RemoveMessage({ id: "x" })])).rejects.toSatisfy((error) =>
        InvalidInputError.isInstance(error),
      );
      expect(await store.getMessages()).toEqual([]);
    });

    it("clears a session, and keeps sessions and users apart", async () => {
      const first = history("trip");
      const second = history("work");
      const otherUser = history("trip", "bob");
      await first.addUserMessage("Lisbon in May?");
      await second.addUserMessage("The backfill is slow.");
      await otherUser.addAIMessage("Bob's own trip.");
      expect(dicts(await first.getMessages())).toEqual(dicts([new HumanMessage("Lisbon in May?")]));
      expect(dicts(await second.getMessages())).toEqual(dicts([new HumanMessage("The backfill is slow.")]));
      await first.clear();
      expect(await first.getMessages()).toEqual([]);
      expect(await second.getMessages()).toHaveLength(1);
      expect(dicts(await otherUser.getMessages())).toEqual(dicts([new AIMessage("Bob's own trip.")]));
    });

    it("serves RunnableWithMessageHistory over several turns", async () => {
      const seen: number[] = [];
      const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder("history"), ["human", "{input}"]]);
      const recordPrompt = RunnableLambda.from((value: ChatPromptValueInterface) => {
        seen.push(value.toChatMessages().length);
        return value;
      });
      const model = new FakeListChatModel({ responses: ["Hello Ada.", "Lisbon is lovely in May.", "Booked."] });
      const chain = new RunnableWithMessageHistory({
        runnable: prompt.pipe(recordPrompt).pipe(model),
        getMessageHistory: (sessionId: string) => history(sessionId),
        inputMessagesKey: "input",
        historyMessagesKey: "history",
      });
      const config = { configurable: { sessionId: "runnable" } };
      for (const input of ["Hi, I'm Ada.", "Where should I go in May?", "Book it."]) await chain.invoke({ input }, config);
      const messages = await history("runnable").getMessages();
      expect(messages.map((message) => [message.getType(), message.content])).toEqual([
        ["human", "Hi, I'm Ada."],
        ["ai", "Hello Ada."],
        ["human", "Where should I go in May?"],
        ["ai", "Lisbon is lovely in May."],
        ["human", "Book it."],
        ["ai", "Booked."],
      ]);
      expect(seen).toEqual([1, 3, 5]);
    });

    it("holds exactly what InMemoryChatMessageHistory holds for the same calls", async () => {
      const scenario = async (store: InMemoryChatMessageHistory | MnemoChatMessageHistory) => {
        const [system, human, ...rest] = everyKindOfMessage();
        await store.addMessage(system as BaseMessage);
        await store.addUserMessage("plain user text");
        await store.addAIMessage("plain AI text");
        await store.addMessages([human as BaseMessage, ...rest]);
        await store.addUserMessage("ok");
        return store.getMessages();
      };
      const expected = await scenario(new InMemoryChatMessageHistory());
      const actual = await scenario(history());
      expect(dicts(actual)).toEqual(dicts(expected));
      expect(actual).toEqual(expected);
    });

    it("returns a token-budgeted window of the newest turns, led by the running summary", async () => {
      const windowed = new MnemoChatMessageHistory({ memory, userId: "ada", sessionId: "long", window: { maxTokens: 1_000 } });
      expect(await windowed.getMessages()).toEqual([]);
      const turns = Array.from({ length: 40 }, (_, index) =>
        index % 2 === 0
          ? new HumanMessage({ content: `Question ${index}: what about the hotel option number ${index} near the river?`, id: `q${index}` })
          : new AIMessage({
              content: `Answer ${index}: option ${index} is quiet and costs ${100 + index} euros.`,
              id: `a${index}`,
              usage_metadata: { input_tokens: index, output_tokens: 9, total_tokens: index + 9 },
            }),
      );
      await windowed.addMessages(turns);
      const window = await windowed.getMessages();
      expect(window[0]).toBeInstanceOf(SystemMessage);
      expect(window[0]?.content).toContain("Summary of the earlier conversation");
      const recent = window.slice(1);
      expect(recent.length).toBeGreaterThan(0);
      expect(recent.length).toBeLessThan(turns.length);
      expect(dicts(recent)).toEqual(dicts(turns.slice(-recent.length)));
      // The full history is still there for an unwindowed reader.
      expect(await history("long").getMessages()).toHaveLength(turns.length);
    });
  });
});
