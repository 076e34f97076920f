// node --test bench/locomo/ — scoring, and the Mnemo leg against a stand-in that has `search`
// (what a build with `memory.search` will look like), so that leg is exercised before it lands.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mnemoRetriever, runLeg } from "./legs.mjs";
import { rankedTurnIds, recallAt, summarise } from "./metrics.mjs";

const piece = (id, chunkIndex = 0) => ({ messageId: id, chunkIndex, metadata: { dia_id: id } });

test("pieces become turns in rank order, each once; messageId stands in for a missing dia_id", () => {
  const results = [piece("D1:2"), piece("D1:2", 1), { messageId: "D3:1", metadata: {} }, piece("D1:1")];
  assert.deepEqual(rankedTurnIds(results), ["D1:2", "D3:1", "D1:1"]);
});

test("R@k is the share of evidence among the first k turns", () => {
  assert.equal(recallAt(["a", "b", "c"], ["a", "c"], 2), 0.5);
  assert.equal(recallAt(["a", "b", "c"], ["a", "c"], 3), 1);
});

test("overall averages questions of categories 1–4; category 5 is reported on its own", () => {
  const record = (category, value) => ({ category, r5: value, r10: value, budget500: value, budget1000: value });
  const summary = summarise([record(1, 1), record(4, 0), record(5, 0.5)]);
  assert.equal(summary.overall.questions, 2);
  assert.equal(summary.overall.r10, 0.5);
  assert.equal(summary.byCategory[5].r10, 0.5);
  assert.equal(summary.byCategory[2].r10, null);
});

test("a build without memory.search fails the leg with a clear reason", async () => {
  const leg = await runLeg(
    () => mnemoRetriever({}, { mode: "lexical", limit: 30 }),
    [],
    () => [],
  );
  assert.equal(leg.status, "failed");
  assert.equal(leg.reason, "memory.search is not available in this build");
});

test("the Mnemo leg scores what memory.search returns, and times query embedding separately", async () => {
  const calls = [];
  const memory = {
    async search(options) {
      calls.push(options);
      return [piece("D1:3"), piece("D1:3", 1), piece("D1:1"), piece("D2:4")];
    },
  };
  const embedder = { embedQuery: async () => [0.1, 0.2] };
  const questions = [{ sampleId: "conv-1", index: 0, question: "Where?", category: 4, evidence: ["D1:1", "D2:9"] }];
  const pack = (_question, ids, budget) => (budget >= 1000 ? ids : ids.slice(0, 1));
  const leg = await runLeg(() => mnemoRetriever(memory, { mode: "hybrid", limit: 30, embedder }), questions, pack);
  assert.equal(leg.status, "ok");
  assert.deepEqual(calls, [{ userId: "conv-1", query: "Where?", limit: 30, mode: "hybrid" }]);
  assert.deepEqual(leg.questions[0].top, ["D1:3", "D1:1", "D2:4"]);
  assert.deepEqual([leg.metrics.overall.r5, leg.metrics.overall.budget500, leg.metrics.overall.budget1000], [0.5, 0, 0.5]);
  assert.equal(leg.latency.searchMs.n, 1);
  assert.equal(leg.latency.embedQueryMs.n, 1);
});
