import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { checkEmbeddingInputs, checkEmbeddingQuery } from "./check-embedding-inputs.js";

const blank = fc.array(fc.constantFrom(" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\ufeff")).map((characters) => characters.join(""));

describe("checkEmbeddingInputs", () => {
  it("accepts texts with something besides whitespace", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            blank,
            fc.string({ minLength: 1 }).filter((text) => text.trim() !== ""),
          ),
        ),
        (parts) => {
          expect(() => checkEmbeddingInputs(parts.map(([padding, text]) => padding + text + padding))).not.toThrow();
        },
      ),
    );
  });

  it("rejects every blank text and lists each position, never the text", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(blank, fc.constant("secret words"))), blank, fc.nat(), (texts, empty, position) => {
        const at = position % (texts.length + 1);
        const all = [...texts.slice(0, at), empty, ...texts.slice(at)];
        const error = (() => {
          try {
            checkEmbeddingInputs(all);
          } catch (caught) {
            return caught as InvalidInputError;
          }
        })();
        expect(error).toBeInstanceOf(InvalidInputError);
        expect(error?.issues.map((issue) => issue.path)).toContain(`texts.${at}`);
        expect(error?.message).not.toContain("secret");
      }),
    );
  });

  it("says what is wrong", () => {
    expect(() => checkEmbeddingInputs(["ok", "", 3 as never])).toThrow("Cannot embed texts.1: it must contain some non-whitespace text (and 1 more).");
    expect(() => checkEmbeddingInputs("text" as never)).toThrow("texts: must be an array of strings.");
    expect(() => checkEmbeddingQuery(" ")).toThrow("Cannot embed the query: it must contain some non-whitespace text.");
    expect(() => checkEmbeddingQuery(undefined as never)).toThrow(InvalidInputError);
    expect(() => checkEmbeddingQuery("fine")).not.toThrow();
  });
});
