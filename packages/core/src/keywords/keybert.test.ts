import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Embedder } from "../embeddings/embedder.js";
import { createHuggingFaceEmbedder } from "../embeddings/huggingface-embedder.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { cosineSimilarity } from "../search/mmr.js";
import { createHashingEmbedder } from "../testing/hashing-embedder.js";
import { candidatePhrases, keybertKeywords } from "./keybert.js";

// The repository root is four levels up (packages/core/src/keywords); the shared models sit beside it.
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const modelFolder = resolve(repositoryRoot, "../shared/models/universal-sentence-encoder-lite-onnx");
const modelAvailable = existsSync(join(modelFolder, "onnx", "model.onnx"));

if (!modelAvailable && !process.env.CI) {
  console.warn(`[mnemo] Skipping the KeyBERT test with a real model: no test model at ${modelFolder} (see ../shared/models/README.md).`);
}

/** Wraps an embedder and records the texts of every `embedDocuments` call. */
function recording(embedder: Embedder): Embedder & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    batches,
    embedDocuments: (texts) => {
      batches.push([...texts]);
      return embedder.embedDocuments(texts);
    },
    embedQuery: (text) => embedder.embedQuery(text),
  };
}

const lisbonTrip = "Hotel Lisbon. Hotel Lisbon. Hotel Lisbon. Cheap flights.";

describe("candidatePhrases", () => {
  it("lists 1- to 3-word phrases that do not start or end with a stop word, in order of first occurrence", () => {
    expect(candidatePhrases("Book a hotel in Lisbon.")).toEqual(["book", "book a hotel", "hotel", "hotel in lisbon", "lisbon"]);
    expect(candidatePhrases("Book a hotel in Lisbon.", { maxWords: 1 })).toEqual(["book", "hotel", "lisbon"]);
    expect(candidatePhrases("the and of")).toEqual([]);
    expect(candidatePhrases("")).toEqual([]);
  });

  it("lower-cases, deduplicates and never joins words across punctuation other than hyphens", () => {
    expect(candidatePhrases("Lisbon hotel. LISBON, Hotel!")).toEqual(["lisbon", "lisbon hotel", "hotel"]);
    expect(candidatePhrases("check-in time")).toEqual(["check", "check in time", "time"]);
  });

  it("handles Unicode letters and apostrophes inside words, and drops numbers-only and overlong phrases", () => {
    expect(candidatePhrases("São Paulo café")).toEqual(["são", "são paulo", "são paulo café", "paulo", "paulo café", "café"]);
    expect(candidatePhrases("O’Brien's pub")).toEqual(["o'brien's", "o'brien's pub", "pub"]);
    expect(candidatePhrases("Room 42 in 2024", { maxWords: 2 })).toEqual(["room", "room 42"]);
    expect(candidatePhrases(`x ${"a1".repeat(40)} ok`)).toEqual(["ok"]);
  });

  it("uses the stop words it is given, matched without regard to case", () => {
    expect(candidatePhrases("Please book the hotel", { stopWords: ["PLEASE", "the"], maxWords: 2 })).toEqual(["book", "hotel"]);
    expect(candidatePhrases("a b c", { stopWords: [] })).toEqual(["a b", "a b c", "b c"]);
    expect(candidatePhrases("an ox", { stopWords: [] })).toEqual(["an", "an ox", "ox"]);
  });

  it("rejects a non-string text and a bad maxWords", () => {
    expect(() => candidatePhrases(42 as never)).toThrow(InvalidInputError);
    expect(() => candidatePhrases("hello", { maxWords: 0 })).toThrow(/options\.maxWords/);
    expect(() => candidatePhrases("hello", { stopWords: "the" as never })).toThrow(/options\.stopWords/);
  });
});

describe("keybertKeywords", () => {
  it("embeds every candidate of every text in one call, each phrase once, and the texts in one more", async () => {
    const embedder = recording(createHashingEmbedder(256));
    const inputs = [
      { text: "Hotel in Lisbon" },
      { text: "   " },
      { text: "Lisbon hotel prices" },
      { text: "Cheap hotel", vector: new Array<number>(256).fill(1) },
    ];
    const keywords = await keybertKeywords(inputs, embedder, { top: 2 });
    expect(embedder.batches).toHaveLength(2);
    const [phrases, texts] = embedder.batches;
    expect(new Set(phrases).size).toBe(phrases!.length);
    expect(phrases).toEqual(expect.arrayContaining(["hotel", "lisbon", "hotel in lisbon", "lisbon hotel prices", "cheap", "cheap hotel"]));
    expect(texts).toEqual(["Hotel in Lisbon", "Lisbon hotel prices"]);
    expect(keywords.map((list) => list.length)).toEqual([2, 0, 2, 2]);
  });

  it("makes no call when no text has a candidate phrase", async () => {
    const embedder = recording(createHashingEmbedder());
    expect(await keybertKeywords([{ text: "" }, { text: "the of and" }], embedder)).toEqual([[], []]);
    expect(await keybertKeywords([], embedder)).toEqual([]);
    expect(embedder.batches).toEqual([]);
  });

  it("scores each keyword by its cosine similarity to the text", async () => {
    const embedder = createHashingEmbedder(256);
    const [keywords] = await keybertKeywords([{ text: lisbonTrip }], embedder, { top: 10, diversity: 0 });
    const [textVector] = await embedder.embedDocuments([lisbonTrip]);
    const phraseVectors = await embedder.embedDocuments(keywords!.map((entry) => entry.keyword));
    for (const [index, entry] of keywords!.entries()) expect(entry.score).toBeCloseTo(cosineSimilarity(phraseVectors[index]!, textVector!), 12);
    expect(keywords!.map((entry) => entry.score)).toEqual(keywords!.map((entry) => entry.score).sort((a, b) => b - a));
  });

  it("leaves out near duplicates of a picked keyword when diversity is high", async () => {
    const embedder = createHashingEmbedder(256);
    const [focused] = await keybertKeywords([{ text: lisbonTrip }], embedder, { top: 3, diversity: 0 });
    const [diverse] = await keybertKeywords([{ text: lisbonTrip }], embedder, { top: 3, diversity: 0.9 });
    expect(focused!.map((entry) => entry.keyword)).toEqual(["hotel lisbon", "hotel", "lisbon"]);
    expect(diverse!.map((entry) => entry.keyword).slice(0, 2)).toEqual(["hotel lisbon", "cheap flights"]);
  });

  it("embeds at most maxCandidates phrases per text, keeping recurring words and phrases of every length", async () => {
    const embedder = recording(createHashingEmbedder(256));
    const text = "Lisbon trip plan: flights to Lisbon, a boutique hotel near Alfama, tram tickets, and dinner in Lisbon on Friday night.";
    await keybertKeywords([{ text }], embedder, { maxCandidates: 6 });
    const phrases = embedder.batches[0]!;
    expect(phrases).toHaveLength(6);
    expect(phrases).toContain("lisbon");
    expect(new Set(phrases.map((phrase) => phrase.split(" ").length))).toEqual(new Set([1, 2, 3]));
  });

  it("is deterministic", async () => {
    const inputs = [{ text: "Quarterly taxes are due in April; file the tax return early." }, { text: lisbonTrip }];
    const first = await keybertKeywords(inputs, createHashingEmbedder(), { diversity: 0.7 });
    expect(await keybertKeywords(inputs, createHashingEmbedder(), { diversity: 0.7 })).toEqual(first);
  });

  it("rejects bad inputs and options before calling the embedder", async () => {
    const embedder = recording(createHashingEmbedder(8));
    const attempt = keybertKeywords([{ text: "hotel", vector: [1, 2] }, { text: 3 as never }], embedder, { top: 0, diversity: 2, maxCandidates: 1.5 });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    const error = (await attempt.catch((rejection: unknown) => rejection)) as InvalidInputError;
    expect(error.issues.map((issue) => issue.path)).toEqual(["options.top", "options.diversity", "options.maxCandidates", "inputs.0.vector", "inputs.1.text"]);
    await expect(keybertKeywords([{ text: "hotel", vector: new Array<number>(8).fill(Number.NaN) }], embedder)).rejects.toThrow(/inputs\.0\.vector/);
    expect(embedder.batches).toEqual([]);
  });

  it("reports an embedder that returns the wrong number of vectors as an internal error", async () => {
    const broken: Embedder = { id: "test:broken", dimensions: 2, embedDocuments: async () => [[1, 0]], embedQuery: async () => [1, 0] };
    await expect(keybertKeywords([{ text: "hotel lisbon" }], broken)).rejects.toMatchObject({ code: "internal" });
  });

  it.skipIf(!modelAvailable && !process.env.CI)("ranks a Lisbon hotel phrase above filler with a real model (required in CI)", async () => {
    expect(modelAvailable, `The Hugging Face test model is missing at ${modelFolder}; CI must provide ../shared/models.`).toBe(true);
    const embedder = await createHuggingFaceEmbedder({ model: modelFolder });
    const text = "I need to book a hotel in Lisbon for next weekend, ideally somewhere close to the river. Thanks so much, have a nice day!";
    const [picked] = await keybertKeywords([{ text }], embedder);
    expect(picked!.length).toBe(5);
    expect(picked![0]!.keyword).toMatch(/hotel|lisbon/);
    const [all] = await keybertKeywords([{ text }], embedder, { top: 100, diversity: 0, maxCandidates: 100 });
    const score = (keyword: string): number => all!.find((entry) => entry.keyword === keyword)?.score ?? Number.NaN;
    expect(picked![0]!.score).toBeGreaterThan(score("nice day") + 0.1);
    expect(picked![0]!.score).toBeGreaterThan(score("thanks so much") + 0.1);
  });
});
