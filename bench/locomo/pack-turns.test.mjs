// node --test bench/locomo/ — the stand-in context packer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { countChatTokens, resolveTokenCounter } from "@mnemo/core";
import { createTurnPacker, formatTurn } from "./pack-turns.mjs";

const at = new Date(Date.UTC(2023, 4, 8, 13, 56));
const turn = (id, content) => ({ id, name: id.startsWith("A") ? "Ada" : "Bob", createdAt: at, content });
const turns = [
  turn("A1", "I moved to Lisbon last spring."),
  turn("B1", `A very long answer. ${"Lorem ipsum dolor sit amet. ".repeat(40)}`),
  turn("A2", "My sister visits in June."),
  turn("B2", "Nice!"),
];
const exact = (counter, chosen) => countChatTokens(counter, [{ role: "system", content: chosen.map(formatTurn).join("\n") }]);

test("lines read '<name> (<date>): <content>'", () => {
  assert.equal(formatTurn(turns[0]), "Ada (8 May 2023): I moved to Lisbon last spring.");
});

test("packs in rank order, skips a turn that does not fit, and stays within the exact budget", async () => {
  const counter = await resolveTokenCounter("o200k_base");
  const packer = createTurnPacker(counter);
  const budget = exact(counter, [turns[0], turns[2], turns[3]]);
  const packed = packer.pack(turns, budget);
  assert.deepEqual(packed.ids, ["A1", "A2", "B2"]);
  assert.equal(packed.tokens, budget);
  assert.equal(packer.pack(turns, budget - 1).ids.length, 2);
  assert.deepEqual(packer.pack(turns, 1).ids, []);
  assert.deepEqual(packer.stats, { packs: 3, fallbacks: 0 });
});

test("a tokenizer whose counts do not add up falls back to exact counting", () => {
  // Counts 1 token per started 4 characters, so line counts never add up to the joined count.
  const counter = { name: "quarters", chatFormat: { perMessage: 3, perName: 1, perReply: 3 }, count: (text) => Math.ceil(text.length / 4) };
  const packer = createTurnPacker(counter);
  const budget = exact(counter, [turns[0], turns[2]]) + 2;
  const packed = packer.pack(turns, budget);
  assert.ok(packed.tokens <= budget);
  assert.equal(
    packed.tokens,
    exact(
      counter,
      packed.ids.map((id) => turns.find((item) => item.id === id)),
    ),
  );
  assert.equal(packer.stats.fallbacks, 1);
});
