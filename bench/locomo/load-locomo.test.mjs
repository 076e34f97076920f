// node --test bench/locomo/ — the loader's date parsing and evidence normalisation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDay, normaliseEvidence, parseSessionDate } from "./load-locomo.mjs";

test("session dates parse as UTC, 12 am/pm included", () => {
  assert.equal(parseSessionDate("1:56 pm on 8 May, 2023").toISOString(), "2023-05-08T13:56:00.000Z");
  assert.equal(parseSessionDate("12:09 am on 13 September, 2023").toISOString(), "2023-09-13T00:09:00.000Z");
  assert.equal(parseSessionDate("12:28 pm on 8 November, 2023").toISOString(), "2023-11-08T12:28:00.000Z");
  assert.throws(() => parseSessionDate("8 May 2023"), /Unrecognised LoCoMo session date/);
  assert.throws(() => parseSessionDate("1:56 pm on 8 Mai, 2023"), /Unrecognised/);
});

test("formatDay prints the date a context line shows", () => {
  assert.equal(formatDay(parseSessionDate("1:56 pm on 8 May, 2023")), "8 May 2023");
});

test("malformed evidence ids are split, repaired, and dropped when they name no turn", () => {
  const turns = new Set(["D8:6", "D9:17", "D11:26", "D30:5", "D1:1"]);
  assert.deepEqual(normaliseEvidence(["D8:6; D9:17"], turns), ["D8:6", "D9:17"]);
  assert.deepEqual(normaliseEvidence(["D:11:26", "D30:05"], turns), ["D11:26", "D30:5"]);
  assert.deepEqual(normaliseEvidence(["D", "D10:19", "D1:1,D1:1"], turns), ["D1:1"]);
  assert.deepEqual(normaliseEvidence([], turns), []);
});
