import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { capToTokens } from "./cap-to-tokens.js";

const counter = createTiktokenCounter("o200k_base");
const text = "Ada drinks tea. She lives in Paris and works on engines.";

describe("capToTokens", () => {
  it("returns text that fits, trimmed", () => {
    expect(capToTokens(`  ${text}\n`, counter, 100)).toBe(text);
    expect(capToTokens("   ", counter, 100)).toBe("");
    expect(capToTokens(text, counter, 0)).toBe("");
  });

  it("cuts at a sentence end, else at a word end", () => {
    expect(capToTokens(text, counter, 8)).toBe("Ada drinks tea.");
    expect(capToTokens(text, counter, 12)).toBe("Ada drinks tea. She lives in Paris and works on");
    expect(capToTokens("Ada drinks tea and coffee every morning", counter, 4)).toBe("Ada drinks tea");
    // A first word longer than the budget is cut inside: something is better than nothing.
    expect(capToTokens("Unbelievably long words everywhere", counter, 2)).toBe("Unbel");
  });

  it("never exceeds the cap and always returns a start of the trimmed text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.integer({ min: 0, max: 60 }), (input, maxTokens) => {
        const capped = capToTokens(input, counter, maxTokens);
        expect(counter.count(capped)).toBeLessThanOrEqual(maxTokens);
        expect(input.trim().startsWith(capped)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects a bad budget", () => {
    expect(() => capToTokens(text, counter, 1.5)).toThrow(InvalidInputError);
    expect(() => capToTokens(text, counter, -1)).toThrow(/non-negative integer/);
  });
});
