import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { summarizerFromFunction } from "./function-summarizer.js";
import type { SummaryRequest } from "./summarizer.js";

const counter = createTiktokenCounter("o200k_base");
const request: SummaryRequest = {
  previousSummary: "Ada likes tea.",
  messages: [{ role: "user", content: "I fly to Japan in April." }],
  maxTokens: 30,
  counter,
};

describe("summarizerFromFunction", () => {
  it("calls the function with the request and returns its trimmed answer", async () => {
    const seen: SummaryRequest[] = [];
    const summarizer = summarizerFromFunction(
      async (given) => {
        seen.push(given);
        return `  ${given.previousSummary} Ada flies to Japan in April.\n`;
      },
      { id: "my-llm:v2" },
    );
    expect(summarizer.id).toBe("my-llm:v2");
    expect(await summarizer.summarize(request)).toBe("Ada likes tea. Ada flies to Japan in April.");
    expect(seen).toEqual([request]);
    expect(summarizerFromFunction(() => "Sync works.").id).toBe("function");
    expect(await summarizerFromFunction(() => "Sync works.").summarize(request)).toBe("Sync works.");
  });

  it("caps a summary longer than maxTokens", async () => {
    const summarizer = summarizerFromFunction(() => "Ada flies to Japan. ".repeat(50));
    const summary = await summarizer.summarize({ ...request, maxTokens: 12 });
    expect(counter.count(summary)).toBeLessThanOrEqual(12);
    expect(summary).toBe("Ada flies to Japan. Ada flies to Japan.");
  });

  it("rejects answers that are not a non-blank string", async () => {
    for (const [answer, got] of [
      [42, "number"],
      [undefined, "undefined"],
      [null, "null"],
      [{ summary: "x" }, "object"],
      ["  ", "a blank string"],
    ] as const) {
      const summarizer = summarizerFromFunction(() => answer as unknown as string);
      const attempt = summarizer.summarize(request);
      await expect(attempt).rejects.toThrow(InvalidInputError);
      await expect(attempt).rejects.toThrow(`summarizer function: the function returned ${got}; it must return the summary as a non-blank string.`);
    }
  });

  it("passes the function's own errors through, and skips it when there is nothing to fold", async () => {
    const failure = new Error("model down");
    await expect(summarizerFromFunction(() => Promise.reject(failure)).summarize(request)).rejects.toBe(failure);
    let calls = 0;
    const counting = summarizerFromFunction(() => `${++calls}`);
    expect(await counting.summarize({ messages: [], maxTokens: 5, counter })).toBe("");
    expect(calls).toBe(0);
  });

  it("rejects a bad function, id or request", async () => {
    expect(() => summarizerFromFunction("nope" as unknown as () => string)).toThrow(/fn must be a function/);
    expect(() => summarizerFromFunction(() => "x", { id: " " })).toThrow(/options\.id must be a non-blank string/);
    await expect(summarizerFromFunction(() => "x").summarize({ ...request, counter: {} as never })).rejects.toMatchObject({
      issues: [{ path: "request.counter" }],
    });
  });
});
