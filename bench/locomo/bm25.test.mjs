// node --test bench/locomo/bm25.test.mjs — a corpus small enough to score by hand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createBm25, tokenize } from "./bm25.mjs";

// N = 3, lengths 3, 2, 1, average length 2.
const corpus = [
  { id: "d0", text: "Cat, cat and DOG." },
  { id: "d1", text: "The dog and a bird" },
  { id: "d2", text: "fish" },
];
const close = (actual, expected) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

test("tokenize lower-cases, splits on non-alphanumerics and drops stop words", () => {
  assert.deepEqual(tokenize("Hello, World! It's 2023 — the caf\u00e9"), ["hello", "world", "2023", "caf\u00e9"]);
});

test("a term in one document: idf ln(1 + 2.5 / 1.5), tf 2 in a document 1.5 × the average length", () => {
  const [hit, ...rest] = createBm25(corpus).search("cat");
  assert.equal(rest.length, 0);
  assert.equal(hit.id, "d0");
  const norm = 1.2 * (1 - 0.75 + (0.75 * 3) / 2); // 1.65
  close(hit.score, Math.log(1 + 2.5 / 1.5) * ((2 * 2.2) / (2 + norm)));
});

test("the same term once in a shorter document ranks higher", () => {
  const ranked = createBm25(corpus).search("dog");
  assert.deepEqual(
    ranked.map((hit) => hit.id),
    ["d1", "d0"],
  );
  close(ranked[0].score, Math.log(1.6)); // tf 1 at the average length: the tf part is exactly 1
  close(ranked[1].score, Math.log(1.6) * (2.2 / (1 + 1.65)));
});

test("scores add over distinct query terms; stop words and repeats change nothing", () => {
  const index = createBm25(corpus);
  const ranked = index.search("the dog's bird, bird");
  assert.deepEqual(
    ranked.map((hit) => hit.id),
    ["d1", "d0"],
  );
  close(ranked[0].score, Math.log(1.6) + Math.log(1 + 2.5 / 1.5));
  assert.deepEqual(index.search("dog bird"), ranked);
});

test("limit, no shared term, and ties in corpus order", () => {
  assert.deepEqual(
    createBm25(corpus)
      .search("dog", 1)
      .map((hit) => hit.id),
    ["d1"],
  );
  assert.deepEqual(createBm25(corpus).search("zebra"), []);
  const twins = createBm25([
    { id: "a", text: "same words" },
    { id: "b", text: "same words" },
  ]);
  assert.deepEqual(
    twins.search("words").map((hit) => hit.id),
    ["a", "b"],
  );
});
