import { describe, expect, it } from "vitest";
import { countChatTokens } from "./count-chat-tokens.js";
import { createTiktokenCounter } from "./tiktoken-counter.js";
import type { ChatMessageLike, TokenCounter } from "./token-counter.js";

// The example conversation of the OpenAI cookbook "How to count tokens with tiktoken".
const cookbookMessages: ChatMessageLike[] = [
  { role: "system", content: "You are a helpful, pattern-following assistant that translates corporate jargon into plain English." },
  { role: "system", name: "example_user", content: "New synergies will help drive top-line growth." },
  { role: "system", name: "example_assistant", content: "Things working well together will increase revenue." },
  { role: "system", name: "example_user", content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: "system", name: "example_assistant", content: "Let's talk later when we're less busy about how to do better." },
  { role: "user", content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

describe("countChatTokens", () => {
  it("matches the cookbook's 129 prompt tokens for gpt-3.5-turbo-0613 and gpt-4-0613 (cl100k_base)", () => {
    expect(countChatTokens(createTiktokenCounter("cl100k_base"), cookbookMessages)).toBe(129);
  });

  it("matches the cookbook's 124 prompt tokens for gpt-4o and gpt-4o-mini (o200k_base)", () => {
    expect(countChatTokens(createTiktokenCounter("o200k_base"), cookbookMessages)).toBe(124);
  });

  it("applies the formula: perReply + Σ (perMessage + role + content + (name ? perName + name : 0))", () => {
    const counter: TokenCounter = {
      name: "characters",
      chatFormat: { perMessage: 10, perName: 100, perReply: 1000 },
      count: (text) => text.length,
    };
    const messages = [
      { role: "user", content: "abc" },
      { role: "assistant", content: "", name: "bot" },
    ];
    expect(countChatTokens(counter, messages)).toBe(1000 + (10 + 4 + 3) + (10 + 9 + 0 + 100 + 3));
  });

  it("counts the reply priming even for an empty conversation, as the cookbook does", () => {
    expect(countChatTokens(createTiktokenCounter("o200k_base"), [])).toBe(3);
  });

  it("skips the name overhead for an empty or missing name", () => {
    const counter = createTiktokenCounter("o200k_base");
    const plain = countChatTokens(counter, [{ role: "user", content: "hello world" }]);
    expect(plain).toBe(3 + 1 + 2 + 3);
    expect(countChatTokens(counter, [{ role: "user", content: "hello world", name: "" }])).toBe(plain);
    expect(countChatTokens(counter, [{ role: "user", content: "hello world", name: undefined }])).toBe(plain);
  });

  it("uses a known content count instead of counting the content", () => {
    const counter = createTiktokenCounter("o200k_base");
    expect(countChatTokens(counter, [{ role: "user", content: "hello world", contentTokens: 2 }])).toBe(3 + 1 + 2 + 3);
    expect(countChatTokens(counter, [{ role: "user", content: "hello world", contentTokens: 40 }])).toBe(3 + 1 + 40 + 3);
  });
});
