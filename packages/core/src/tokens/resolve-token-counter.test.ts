import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { resolveTokenCounter } from "./resolve-token-counter.js";
import type { TokenCounter } from "./token-counter.js";

const modelFolder = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../../shared/models/universal-sentence-encoder-lite-onnx");

describe("resolveTokenCounter", () => {
  it("defaults to o200k_base", async () => {
    const counter = await resolveTokenCounter();
    expect(counter.name).toBe("o200k_base");
    expect(counter.count("hello world")).toBe(2);
  });

  it("accepts encoding names", async () => {
    expect((await resolveTokenCounter("o200k_base")).name).toBe("o200k_base");
    expect((await resolveTokenCounter("cl100k_base")).name).toBe("cl100k_base");
  });

  it("maps model names to their encoding", async () => {
    expect((await resolveTokenCounter("gpt-4o-mini")).name).toBe("o200k_base");
    expect((await resolveTokenCounter("openai/gpt-4-0613")).name).toBe("cl100k_base");
  });

  it("passes a counter object through unchanged", async () => {
    const custom: TokenCounter = { name: "words", chatFormat: { perMessage: 0, perName: 0, perReply: 0 }, count: (text) => text.split(/\s+/).length };
    expect(await resolveTokenCounter(custom)).toBe(custom);
  });

  it.skipIf(!existsSync(modelFolder) && !process.env.CI)("loads hf: tokenizers", async () => {
    const counter = await resolveTokenCounter(`hf:${modelFolder}`);
    expect(counter.name).toBe("hf:universal-sentence-encoder-lite-onnx");
    expect(counter.count("hello world")).toBe(3);
  });

  it("rejects an unknown name, listing what is accepted", async () => {
    const attempt = resolveTokenCounter("claude-3-5-sonnet");
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(/o200k_base, cl100k_base, an OpenAI model name.*hf:<hub id or local folder>/);
  });

  it("does not echo the rejected name", async () => {
    const error = await resolveTokenCounter("secret-looking-value").catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).not.toContain("secret-looking-value");
  });

  it("rejects an hf: tokenizer that is not available offline", async () => {
    await expect(resolveTokenCounter("hf:mnemo-test/no-such-model")).rejects.toThrow(InvalidInputError);
  });

  it("rejects a malformed counter object", async () => {
    const missingCount = { name: "broken", chatFormat: { perMessage: 3, perName: 1, perReply: 3 } } as unknown as TokenCounter;
    const badFormat = { name: "broken", chatFormat: { perMessage: -1, perName: 1, perReply: 3 }, count: () => 0 } as TokenCounter;
    const noName = { name: "", chatFormat: { perMessage: 3, perName: 1, perReply: 3 }, count: () => 0 } as TokenCounter;
    for (const counter of [missingCount, badFormat, noName]) {
      await expect(resolveTokenCounter(counter)).rejects.toThrow(InvalidInputError);
    }
  });

  it("rejects values that are neither a string nor a counter", async () => {
    await expect(resolveTokenCounter(42 as unknown as string)).rejects.toThrow(InvalidInputError);
    await expect(resolveTokenCounter(null as unknown as string)).rejects.toThrow(InvalidInputError);
  });
});
