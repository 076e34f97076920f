import { describe, expect, it } from "vitest";
import { embedInBatches } from "./embed-in-batches.js";

describe("embedInBatches", () => {
  it("batches texts of similar length together and returns vectors in input order", async () => {
    const texts = ["a much longer text than the rest", "b", "cc", "a medium text", "d", "eee"];
    const batches: string[][] = [];
    const vectors = await embedInBatches(texts, 2, async (batch) => {
      batches.push(batch);
      return batch.map((text) => [text.length, text.charCodeAt(0)]);
    });
    expect(batches).toEqual([
      ["b", "d"],
      ["cc", "eee"],
      ["a medium text", "a much longer text than the rest"],
    ]);
    expect(vectors).toEqual(texts.map((text) => [text.length, text.charCodeAt(0)]));
  });
});
