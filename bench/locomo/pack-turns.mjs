// Stand-in for Mnemo's `buildContext` until it exists: packs ranked turns into one system message
// under a token budget, the way a simple RAG prompt would. Swap `createTurnPacker` for a packer
// that calls `memory.buildContext` and nothing else in the harness changes: a packer only has to
// return the ids of the turns whose text made it into the context.
import { countChatTokens } from "@mnemo/core";
import { formatDay } from "./load-locomo.mjs";

/** How budget recall is labelled while this packer is in use. */
export const packerLabel = (budget) => `retrieved turns packed into ${budget} tokens (no buildContext yet)`;

/** One context line: "<name> (<date>): <content>". */
export const formatTurn = (turn) => `${turn.name} (${formatDay(turn.createdAt)}): ${turn.content}`;

/**
 * A packer for `counter` (a Mnemo TokenCounter). `pack(turns, budget)` adds the turns (rank order,
 * `{ id, name, createdAt, content }`) one line each while
 * `countChatTokens(counter, [{ role: "system", content }])` stays within `budget`, skipping a turn
 * that does not fit and trying the next ones. Returns `{ ids, tokens, text }`.
 */
export function createTurnPacker(counter) {
  const overhead = countChatTokens(counter, [{ role: "system", content: "" }]);
  const costs = new WeakMap();
  const stats = { packs: 0, fallbacks: 0 };
  const costOf = (turn) => {
    let cost = costs.get(turn);
    if (!cost) {
      const line = formatTurn(turn);
      cost = { line, alone: counter.count(line), joined: counter.count(`${line}\n`) };
      costs.set(turn, cost);
    }
    return cost;
  };
  const exactTokens = (lines) => countChatTokens(counter, [{ role: "system", content: lines.join("\n") }]);

  // Re-counting the whole context for every candidate costs minutes per run. A line starts with a
  // letter (the speaker's name), so the tokenizer's pre-split never joins it to the newline before
  // it, and count(a + "\n" + b) = count(a + "\n") + count(b). The sum is checked against one exact
  // count; should it ever differ, the exact (slow) packing is used instead.
  function packFast(turns, budget) {
    const chosen = [];
    let tokens = overhead;
    for (const turn of turns) {
      const cost = costOf(turn);
      const last = chosen.at(-1);
      const next = tokens + cost.alone + (last ? last.cost.joined - last.cost.alone : 0);
      if (next > budget) continue;
      chosen.push({ turn, cost });
      tokens = next;
    }
    return { chosen, tokens };
  }

  function packExact(turns, budget) {
    const chosen = [];
    let tokens = overhead;
    for (const turn of turns) {
      const cost = costOf(turn);
      const next = exactTokens([...chosen.map((item) => item.cost.line), cost.line]);
      if (next > budget) continue;
      chosen.push({ turn, cost });
      tokens = next;
    }
    return { chosen, tokens };
  }

  function pack(turns, budget) {
    stats.packs++;
    let result = packFast(turns, budget);
    if (result.chosen.length > 0 && exactTokens(result.chosen.map((item) => item.cost.line)) !== result.tokens) {
      stats.fallbacks++;
      result = packExact(turns, budget);
    }
    const lines = result.chosen.map((item) => item.cost.line);
    return { ids: result.chosen.map((item) => item.turn.id), tokens: result.tokens, text: lines.join("\n") };
  }

  return { pack, stats };
}
