import { describe, expect, it } from "vitest";
import type { FusedHit } from "./fuse-rankings.js";
import { smoothNeighbours } from "./smooth-neighbours.js";

const hit = (conversationId: string, seq: number, score: number, chunkIndex = 0): FusedHit => ({
  conversationId,
  seq,
  chunkIndex,
  score,
  lexicalRank: undefined,
  vectorRank: undefined,
});

describe("smoothNeighbours", () => {
  it("lifts a piece whose adjacent messages in the same conversation rank well", () => {
    const ranked = [hit("a", 5, 1), hit("b", 1, 0.7), hit("a", 4, 0.6), hit("a", 9, 0.5)];
    const smoothed = smoothNeighbours(ranked, 0.5);
    expect(smoothed.map((entry) => [entry.conversationId, entry.seq, entry.score])).toEqual([
      ["a", 5, 1.3],
      ["a", 4, 1.1],
      ["b", 1, 0.7],
      ["a", 9, 0.5],
    ]);
  });

  it("uses a message's best piece, ignores other conversations, and changes nothing with share 0", () => {
    const ranked = [hit("a", 2, 0.2), hit("a", 1, 0.9, 0), hit("a", 1, 0.4, 1), hit("b", 3, 0.8)];
    expect(smoothNeighbours(ranked, 1).find((entry) => entry.seq === 2)?.score).toBeCloseTo(1.1);
    expect(smoothNeighbours(ranked, 1).find((entry) => entry.conversationId === "b")?.score).toBe(0.8);
    expect(smoothNeighbours(ranked, 0)).toEqual(ranked);
  });
});
