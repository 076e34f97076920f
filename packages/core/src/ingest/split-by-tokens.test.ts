import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import { splitByTokens, splitByTokensWithCounts } from "./split-by-tokens.js";

const o200k = createTiktokenCounter("o200k_base");
const cl100k = createTiktokenCounter("cl100k_base");

/** Asserts every promise splitByTokens makes, for one text, counter and budget. */
function expectValidSplit(text: string, counter: TokenCounter, maxTokens: number): string[] {
  const pieces = splitByTokens(text, counter, maxTokens);
  expect(pieces.join("")).toBe(text);
  let offset = 0;
  for (const piece of pieces) {
    expect(piece.length).toBeGreaterThan(0);
    if (counter.count(piece) > maxTokens) expect(Array.from(piece)).toHaveLength(1);
    if (offset > 0) expect(isInsideSurrogatePair(text, offset)).toBe(false);
    offset += piece.length;
  }
  return pieces;
}

function isInsideSurrogatePair(text: string, position: number): boolean {
  const before = text.charCodeAt(position - 1);
  const after = text.charCodeAt(position);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

const fragments = [
  "👩‍👩‍👧‍👦",
  "🏳️‍🌈",
  "👍🏽",
  "❤️",
  "🇯🇵🇺🇸",
  "e\u0301",
  "a\u0300\u0301\u0302\u0303",
  "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358",
  "日本語のテキスト",
  "中文文本",
  "한국어",
  "\r\n",
  "\n\n",
  "   ",
  "\t",
  " ",
  "<|endoftext|>",
  "\uD800",
  "\uDC00",
  "\u200D",
  "\uFE0F",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
];
const fragment = fc.constantFrom(...fragments);
const longWord = fc.string({ unit: fc.constantFrom("a", "b", "x", "7", "é", "😀", "\u0301"), minLength: 40, maxLength: 300 });
const spaces = fc.string({ unit: fc.constantFrom(" ", "\n", "\t", "\u3000"), minLength: 1, maxLength: 40 });
const mixedText = fc
  .array(
    fc.oneof(
      fragment,
      fc.string({ unit: "grapheme", maxLength: 12 }),
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.string({ unit: "grapheme-ascii", maxLength: 20 }),
      longWord,
      spaces,
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));
const anyText = fc.oneof(fc.string({ unit: "grapheme", maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }), mixedText);
const budget = fc.integer({ min: 1, max: 64 });

describe("splitByTokens", () => {
  it("returns short text whole and empty text as no pieces", () => {
    expect(splitByTokens("hello world", o200k, 2)).toEqual(["hello world"]);
    expect(splitByTokens("", o200k, 5)).toEqual([]);
  });

  it("splits at spaces and line breaks when it can", () => {
    const text = "one two three four five six seven eight nine ten\neleven twelve thirteen";
    const pieces = expectValidSplit(text, o200k, 4);
    expect(pieces.length).toBeGreaterThan(3);
    let offset = 0;
    for (const piece of pieces.slice(0, -1)) {
      offset += piece.length;
      expect(`${text.charAt(offset - 1)}${text.charAt(offset)}`).toMatch(/\s/);
    }
  });

  it("prefers a line break over a space near the end of a piece", () => {
    const text = `${"word ".repeat(4)}end.\n`.repeat(200);
    const pieces = expectValidSplit(text, o200k, 128);
    let offset = 0;
    for (const piece of pieces.slice(0, -1)) {
      offset += piece.length;
      expect(`${text.charAt(offset - 1)}${text.charAt(offset)}`).toContain("\n");
    }
  });

  it("keeps accents, emoji sequences and flags whole when a budget allows", () => {
    for (const cluster of ["e\u0301", "👩‍👩‍👧‍👦", "👍🏽", "🇯🇵", "🇯🇵🇺🇸🇬🇧", "❤️"]) {
      const text = cluster.repeat(60);
      const boundaries = new Set(Array.from(new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text), (segment) => segment.index));
      const clusterTokens = Math.max(
        ...Array.from(new Intl.Segmenter("en", { granularity: "grapheme" }).segment(cluster), (segment) => o200k.count(segment.segment)),
      );
      for (const maxTokens of [clusterTokens * 3, clusterTokens * 3 + 1]) {
        const pieces = expectValidSplit(text, o200k, maxTokens);
        let offset = 0;
        for (const piece of pieces) {
          expect(boundaries.has(offset)).toBe(true);
          offset += piece.length;
        }
      }
    }
  });

  it("gives a code point that alone exceeds the budget a piece of its own", () => {
    const rare = "𝔘";
    expect(o200k.count(rare)).toBeGreaterThan(1);
    const pieces = expectValidSplit(`ab${rare}cd`, o200k, 1);
    expect(pieces).toContain(rare);
  });

  it("splits a long word without spaces", () => {
    const text = "x7Qz".repeat(2000);
    const pieces = expectValidSplit(text, o200k, 100);
    expect(pieces.length).toBeGreaterThan(5);
  });

  it("returns the exact count of every piece", () => {
    const text = "The quick brown fox jumps over the lazy dog. 🦊 ".repeat(200);
    for (const piece of splitByTokensWithCounts(text, cl100k, 50)) expect(piece.tokenCount).toBe(cl100k.count(piece.content));
  });

  it("rejects a budget that is not a positive integer", () => {
    for (const maxTokens of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => splitByTokens("text", o200k, maxTokens)).toThrow(InvalidInputError);
    }
  });

  it("splits a 20,000-token message quickly", () => {
    const sentence = "Mnemo stores every message of a conversation in PostgreSQL, with 🚀 emoji, café, 日本語 and code `x += 1;`.\n";
    const text = sentence.repeat(Math.ceil(20_000 / o200k.count(sentence)));
    expect(o200k.count(text)).toBeGreaterThanOrEqual(20_000);
    // Warm up the JIT once, as a long-running server would be.
    splitByTokens(text.slice(0, 20_000), o200k, 512);
    for (const maxTokens of [256, 512, 2048]) {
      const started = performance.now();
      const pieces = splitByTokens(text, o200k, maxTokens);
      const elapsed = performance.now() - started;
      expectValidSplit(text, o200k, maxTokens);
      console.info(`[split-by-tokens] ${text.length} chars into ${pieces.length} pieces of <= ${maxTokens} tokens in ${elapsed.toFixed(1)} ms`);
      expect(elapsed).toBeLessThan(250);
    }
  });

  describe("properties", () => {
    for (const counter of [o200k, cl100k]) {
      it(`reassembles exactly and respects the budget for arbitrary text (${counter.name})`, () => {
        fc.assert(
          fc.property(anyText, budget, (text, maxTokens) => {
            expectValidSplit(text, counter, maxTokens);
          }),
          { numRuns: 400 },
        );
      });
    }

    it("holds for a counter whose counts are not monotonic in the text length", () => {
      // Code points, plus 3 for every length divisible by 5: longer text can count fewer tokens.
      const erratic: TokenCounter = {
        name: "erratic",
        chatFormat: { perMessage: 0, perName: 0, perReply: 0 },
        count: (text) => Array.from(text).length + (text.length % 5 === 0 ? 3 : 0),
      };
      fc.assert(
        fc.property(anyText, budget, (text, maxTokens) => {
          expectValidSplit(text, erratic, maxTokens);
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe("splitByTokensWithCounts with the text's count given", () => {
  it("keeps every promise of the split and measures each piece, for any text and budget", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 3_000 }), fc.integer({ min: 1, max: 300 }), (text, maxTokens) => {
        const pieces = splitByTokensWithCounts(text, o200k, maxTokens, o200k.count(text));
        expect(pieces.map((piece) => piece.content).join("")).toBe(text);
        for (const piece of pieces) {
          expect(piece.tokenCount).toBe(o200k.count(piece.content));
          if (piece.tokenCount > maxTokens) expect(Array.from(piece.content)).toHaveLength(1);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("returns a text within budget whole, with the count it was given", () => {
    expect(splitByTokensWithCounts("hello world", o200k, 5, 2)).toEqual([{ content: "hello world", tokenCount: 2 }]);
  });
});
