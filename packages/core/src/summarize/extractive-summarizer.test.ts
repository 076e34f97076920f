import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { createExtractiveSummarizer } from "./extractive-summarizer.js";
import type { SummaryMessage, SummaryRequest } from "./summarizer.js";

const counter = createTiktokenCounter("o200k_base");
const summarizer = createExtractiveSummarizer();
const summarize = (request: Omit<SummaryRequest, "counter">) => summarizer.summarize({ counter, ...request });

const japanTrip: SummaryMessage[] = [
  { role: "user", content: "We are planning a trip to Japan in April. Can you help?" },
  { role: "assistant", content: "A trip to Japan in April is lovely, with cherry blossoms in Kyoto. What budget do you have?" },
  { role: "user", content: "My neighbour's cat knocked over a vase yesterday." },
  { role: "assistant", name: "Guide", content: "For Japan in April, book Kyoto hotels early." },
  { role: "user", content: "Thanks, I will book the Kyoto hotel for the April trip to Japan." },
];

describe("createExtractiveSummarizer", () => {
  it("never exceeds the token cap, for any text and cap", async () => {
    const words = ["Japan", "trip", "cat", "the", "April", "hotel", "日本語の文章です。", "👩‍👩‍👧‍👦", "e\u0301", "\n\n", "!", "?", ". ", "Mr.", "3.5"];
    const text = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.array(fc.constantFrom(...words), { maxLength: 80 }).map((parts) => parts.join(" ")),
    );
    const message = fc.record({
      role: fc.constantFrom("user", "assistant", "system", "tool" as const),
      content: text,
      name: fc.option(fc.string(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { maxLength: 8 }),
        fc.option(text, { nil: undefined }),
        fc.integer({ min: 1, max: 120 }),
        async (messages, previousSummary, maxTokens) => {
          const summary = await summarize({ messages, previousSummary, maxTokens });
          expect(counter.count(summary)).toBeLessThanOrEqual(maxTokens);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is deterministic", async () => {
    const request = { messages: japanTrip, previousSummary: "Ada likes green tea. Ada wants to visit Japan.", maxTokens: 40 };
    const first = await summarize(request);
    expect(await summarize(request)).toBe(first);
    expect(await createExtractiveSummarizer().summarize({ counter, ...request })).toBe(first);
  });

  it("keeps the sentences the conversation keeps coming back to, not the off-topic one", async () => {
    const summary = await summarize({ messages: japanTrip, maxTokens: 40 });
    expect(summary).toMatch(/Japan/);
    expect(summary).not.toMatch(/cat|vase/);
    // With room for everything, nothing is dropped.
    expect(await summarize({ messages: japanTrip, maxTokens: 1000 })).toMatch(/cat knocked over a vase/);
  });

  it("labels sentences by speaker and emits them in their original order", async () => {
    const summary = await summarize({ messages: japanTrip, maxTokens: 70 });
    const lines = summary.split("\n");
    expect(lines.length).toBeGreaterThan(2);
    const all = (await summarize({ messages: japanTrip, maxTokens: 1000 })).split("\n");
    expect(all).toEqual([
      "User: We are planning a trip to Japan in April.",
      "User: Can you help?",
      "Assistant: A trip to Japan in April is lovely, with cherry blossoms in Kyoto.",
      "Assistant: What budget do you have?",
      "User: My neighbour's cat knocked over a vase yesterday.",
      "Guide: For Japan in April, book Kyoto hotels early.",
      "User: Thanks, I will book the Kyoto hotel for the April trip to Japan.",
    ]);
    const positions = lines.map((line) => all.indexOf(line));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual(positions.toSorted((left, right) => left - right));
  });

  it("carries a relevant previous summary forward, before the new sentences", async () => {
    const previousSummary = "User: Ada is planning a trip to Japan in April.\nUser: Ada's favourite colour is teal.";
    const messages: SummaryMessage[] = [
      { role: "user", content: "Which Kyoto hotels are good for the Japan trip?" },
      { role: "assistant", content: "For a Japan trip in April, ryokans in Kyoto book out early." },
      { role: "user", content: "Then I will book a Kyoto ryokan for April." },
    ];
    const summary = await summarize({ messages, previousSummary, maxTokens: 45 });
    expect(summary.split("\n")[0]).toBe("User: Ada is planning a trip to Japan in April.");
    expect(summary).not.toMatch(/teal/);
    // The summary of a summary keeps its lines: labels are neither repeated nor lost.
    expect(await summarize({ messages: [], previousSummary: summary, maxTokens: 45 })).toBe(summary);
  });

  it("skips near duplicates, keeping the earliest", async () => {
    const messages: SummaryMessage[] = [
      { role: "user", content: "The deadline is Friday." },
      { role: "assistant", content: "Noted." },
      { role: "user", content: "the deadline is Friday!" },
    ];
    expect(await summarize({ messages, maxTokens: 100 })).toBe("User: The deadline is Friday.\nAssistant: Noted.");
  });

  it("handles empty, tiny and unpunctuated input", async () => {
    expect(await summarize({ messages: [], maxTokens: 10 })).toBe("");
    expect(await summarize({ messages: [{ role: "user", content: "  " }], previousSummary: "", maxTokens: 10 })).toBe("");
    expect(await summarize({ messages: [{ role: "user", content: "---\n```" }], maxTokens: 10 })).toBe("");
    expect(await summarize({ messages: [{ role: "user", content: "Hi" }], maxTokens: 10 })).toBe("User: Hi");
    // One sentence longer than the cap: its start is kept, cut at a word end.
    const long = `${"word ".repeat(200)}end`;
    const summary = await summarize({ messages: [{ role: "tool", name: "search", content: long }], maxTokens: 12 });
    expect(summary).toMatch(/^search: word word/);
    expect(counter.count(summary)).toBeLessThanOrEqual(12);
    expect(summary.endsWith("word")).toBe(true);
  });

  it("uses custom role labels and rejects bad options and requests", async () => {
    const custom = createExtractiveSummarizer({ roleLabels: { user: "Customer" } });
    expect(custom.id).toBe("extractive");
    expect(await custom.summarize({ messages: [{ role: "user", content: "Hello there." }], maxTokens: 10, counter })).toBe("Customer: Hello there.");
    expect(() => createExtractiveSummarizer({ roleLabels: { user: "A: B" } })).toThrow(/options\.roleLabels\.user: must be one line/);
    await expect(summarize({ messages: [], maxTokens: 0 })).rejects.toThrow(/request\.maxTokens: must be at least 1/);
    const badRole = { messages: [{ role: "robot", content: "x" }], maxTokens: 5 } as unknown as SummaryRequest;
    await expect(summarize(badRole)).rejects.toMatchObject({ issues: [{ path: "request.messages.0.role" }] });
    await expect(summarizer.summarize({ messages: [], maxTokens: 5 } as unknown as SummaryRequest)).rejects.toThrow(InvalidInputError);
    await expect(summarize({ messages: japanTrip, maxTokens: 5, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
  });
});
