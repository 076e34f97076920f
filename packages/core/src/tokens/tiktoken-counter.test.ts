import fc from "fast-check";
import { Tiktoken } from "js-tiktoken/lite";
import cl100kBase from "js-tiktoken/ranks/cl100k_base";
import o200kBase from "js-tiktoken/ranks/o200k_base";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createTiktokenCounter, type TiktokenEncodingName } from "./tiktoken-counter.js";

const encodings: TiktokenEncodingName[] = ["o200k_base", "cl100k_base"];

describe("createTiktokenCounter", () => {
  it.each(encodings)("counts known strings with %s", (encoding) => {
    const counter = createTiktokenCounter(encoding);
    expect(counter.name).toBe(encoding);
    expect(counter.count("hello world")).toBe(2);
    expect(counter.count("")).toBe(0);
    expect(counter.count(" ")).toBe(1);
  });

  it("tells the two encodings apart", () => {
    // "tiktoken is great!" is the tiktoken README's example: 6 tokens in both. o200k_base has a
    // larger vocabulary for non-English text, so the Japanese greeting costs it half as much.
    expect(createTiktokenCounter("cl100k_base").count("tiktoken is great!")).toBe(6);
    expect(createTiktokenCounter("o200k_base").count("tiktoken is great!")).toBe(6);
    expect(createTiktokenCounter("cl100k_base").count("こんにちは世界")).toBe(4);
    expect(createTiktokenCounter("o200k_base").count("こんにちは世界")).toBe(2);
  });

  it.each(encodings)("counts special-token text as ordinary text with %s", (encoding) => {
    const counter = createTiktokenCounter(encoding);
    const withSpecial = "before <|endoftext|> after <|im_start|>";
    expect(() => counter.count(withSpecial)).not.toThrow();
    // As ordinary text, `<|endoftext|>` is several tokens, not the single special token.
    expect(counter.count("<|endoftext|>")).toBeGreaterThan(1);
  });

  it.each(encodings)("counts emoji, CJK and lone surrogates without throwing with %s", (encoding) => {
    const counter = createTiktokenCounter(encoding);
    expect(counter.count("👩‍👩‍👧‍👦 日本語のテキスト")).toBeGreaterThan(0);
    expect(counter.count("\uD800 lone")).toBeGreaterThan(0);
  });

  it("shares one encoder per encoding, so later counters are cheap", () => {
    createTiktokenCounter("o200k_base").count("warm up");
    const started = performance.now();
    createTiktokenCounter("o200k_base").count("second counter");
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("rejects an unknown encoding", () => {
    expect(() => createTiktokenCounter("p50k_base" as TiktokenEncodingName)).toThrow(InvalidInputError);
  });
});

describe("chunk-cached counting", () => {
  const reference = {
    o200k_base: new Tiktoken(o200kBase),
    cl100k_base: new Tiktoken(cl100kBase),
  };
  const text = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 300 }),
    fc.string({ unit: "binary", maxLength: 300 }),
    fc
      .array(fc.constantFrom("the", " memory", "  ", "\n\n", "記憶", "🧠", "e\u0301", "<|endoftext|>", "1234567", "don't", "HTTP"), { maxLength: 60 })
      .map((parts) => parts.join("")),
  );

  it.each(["o200k_base", "cl100k_base"] as const)("equals a full js-tiktoken encode for %s", (encoding) => {
    const counter = createTiktokenCounter(encoding);
    fc.assert(
      fc.property(text, (value) => {
        expect(counter.count(value)).toBe(reference[encoding].encode(value, [], []).length);
        // Twice: the second count comes from the cache.
        expect(counter.count(value)).toBe(reference[encoding].encode(value, [], []).length);
      }),
      { numRuns: 300 },
    );
  });
});
