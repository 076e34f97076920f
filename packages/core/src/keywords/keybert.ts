import type { Embedder } from "../embeddings/embedder.js";
import { validateVectors } from "../embeddings/validate-vectors.js";
import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";
import { cosineSimilarity, maximalMarginalRelevance } from "../search/mmr.js";
import { englishStopWords } from "../search/stop-words.js";

/** Options for {@link candidatePhrases}. */
export interface CandidatePhraseOptions {
  /** Longest phrase, in words. @default 3 */
  maxWords?: number;
  /** Words a phrase may not start or end with (matched lower-cased); they may sit inside one. @default englishStopWords */
  stopWords?: readonly string[];
}

/** Options for {@link keybertKeywords}. */
export interface KeybertOptions extends CandidatePhraseOptions {
  /** Keywords per text, at most. @default 5 */
  top?: number;
  /** 0 ranks by similarity to the text alone; towards 1 favours keywords unlike those already picked (MMR λ = 1 − diversity). @default 0.5 */
  diversity?: number;
  /** Candidate phrases per text that are embedded, after a cheap frequency pre-ranking. @default 20 */
  maxCandidates?: number;
}

/** A text to extract keywords from; pass `vector` when the text is already embedded (or too long for the model). */
export interface KeybertInput {
  text: string;
  /** The text's embedding by the same embedder; embedded with `embedDocuments` when absent. */
  vector?: readonly number[];
}

/** A keyword and its cosine similarity to the text it was extracted from. */
export interface Keyword {
  keyword: string;
  score: number;
}

// Longer "phrases" are URLs, hashes or glued identifiers, and single letters are noise; neither makes a useful keyword.
const maxPhraseLength = 60;
const wordPattern = /[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|['’](?=[\p{L}\p{N}]))*/gu;
// Words are joined into a phrase only across spaces and hyphens, never across other punctuation.
const joiningGap = /^[\s\-\u2010\u2011]*$/u;
const numberWord = /^\p{N}+$/u;
const defaultStopWords = stopWordSet(englishStopWords);

/**
 * Candidate keywords of a text: lower-cased phrases of 1 to `maxWords` words that neither start nor end
 * with a stop word, are not only numbers and are 2 to 60 characters long, deduplicated, in order of first occurrence. Words are runs of
 * Unicode letters and digits (with apostrophes inside, e.g. `o'brien`); a phrase never spans punctuation
 * other than a hyphen.
 *
 * @throws {InvalidInputError} when `text` is not a string or `maxWords` is not a positive integer.
 * @example
 * ```ts
 * candidatePhrases("Book a hotel in Lisbon.", { maxWords: 2 });
 * // ["book", "hotel", "lisbon"] — "book a" ends and "a hotel" starts with a stop word
 * ```
 */
export function candidatePhrases(text: string, options: CandidatePhraseOptions = {}): string[] {
  const issues = checkPhraseOptions(options);
  if (typeof text !== "string") issues.unshift({ path: "text", message: "must be a string" });
  throwIfAny(issues, "Cannot find candidate phrases");
  return [...analyse(text, options).phrases.keys()];
}

/**
 * Extracts the keywords of each text the KeyBERT way: embed candidate phrases and the text with the
 * same model, score each phrase by cosine similarity to the text, and pick `top` with Maximal Marginal
 * Relevance so near duplicates ("hotel", "hotel lisbon") do not crowd out other topics.
 *
 * Each text's candidates are first cut to `maxCandidates` by frequency, then the candidates of all texts
 * are embedded in one `embedDocuments` call (a phrase shared by texts once), and texts without a
 * `vector` in one more. Keywords come in the order MMR picked them, the most similar first; a text
 * with no candidate phrases gets `[]`. Deterministic when the embedder is.
 *
 * @throws {InvalidInputError} for invalid inputs or options, including a `vector` whose length is not `embedder.dimensions`.
 * @example
 * ```ts
 * const [keywords] = await keybertKeywords([{ text: "Can you book me a hotel in Lisbon for Friday?" }], embedder, { top: 3 });
 * // e.g. [{ keyword: "hotel in lisbon", score: 0.71 }, { keyword: "friday", score: 0.32 }, …]
 * ```
 */
export async function keybertKeywords(inputs: readonly KeybertInput[], embedder: Embedder, options: KeybertOptions = {}): Promise<Keyword[][]> {
  checkKeybertInput(inputs, embedder, options);
  const { top = 5, diversity = 0.5, maxCandidates = 20 } = options;
  const shortlists = inputs.map((input) => shortlist(input.text, options, maxCandidates));
  const phraseIndex = new Map<string, number>();
  for (const phrase of shortlists.flat()) if (!phraseIndex.has(phrase)) phraseIndex.set(phrase, phraseIndex.size);
  if (phraseIndex.size === 0) return inputs.map(() => []);

  const phraseVectors = validateVectors(await embedder.embedDocuments([...phraseIndex.keys()]), {
    count: phraseIndex.size,
    dimensions: embedder.dimensions,
    source: `embedder ${embedder.id}`,
  });
  const textVectors = await embedTexts(inputs, shortlists, embedder);
  const vectorOf = (phrase: string): number[] => phraseVectors[phraseIndex.get(phrase)!]!;
  return shortlists.map((phrases, index) => {
    if (phrases.length === 0) return [];
    const textVector = textVectors.get(index)!;
    const scored = phrases.map((phrase) => ({ item: phrase, relevance: cosineSimilarity(vectorOf(phrase), textVector) }));
    const scores = new Map(scored.map((candidate) => [candidate.item, candidate.relevance]));
    const picked = maximalMarginalRelevance(scored, (a, b) => cosineSimilarity(vectorOf(a), vectorOf(b)), { lambda: 1 - diversity, limit: top });
    return picked.map((keyword) => ({ keyword, score: scores.get(keyword)! }));
  });
}

/** The vector of each input that has candidates, by input position: the caller's, or one `embedDocuments` call for the rest. */
async function embedTexts(inputs: readonly KeybertInput[], shortlists: readonly string[][], embedder: Embedder): Promise<Map<number, readonly number[]>> {
  const vectors = new Map<number, readonly number[]>(inputs.flatMap((input, index) => (input.vector === undefined ? [] : [[index, input.vector]])));
  const unembedded = inputs.flatMap((input, index) => (input.vector === undefined && shortlists[index]!.length > 0 ? [index] : []));
  if (unembedded.length === 0) return vectors;
  const embedded = await embedder.embedDocuments(unembedded.map((index) => inputs[index]!.text));
  const checked = validateVectors(embedded, { count: unembedded.length, dimensions: embedder.dimensions, source: `embedder ${embedder.id}` });
  for (const [position, vector] of checked.entries()) vectors.set(unembedded[position]!, vector);
  return vectors;
}

interface Analysis {
  /** Each phrase with how often it occurs and its words, in order of first occurrence. */
  phrases: Map<string, { count: number; words: readonly string[] }>;
  /** How often each non-stop word occurs. */
  wordCounts: Map<string, number>;
}

function analyse(text: string, options: CandidatePhraseOptions): Analysis {
  const maxWords = options.maxWords ?? 3;
  const stopWords = options.stopWords === undefined ? defaultStopWords : stopWordSet(options.stopWords);
  const phrases: Analysis["phrases"] = new Map();
  const wordCounts = new Map<string, number>();
  for (const run of wordRuns(text)) {
    run.forEach((first, start) => {
      if (stopWords.has(first)) return;
      wordCounts.set(first, (wordCounts.get(first) ?? 0) + 1);
      for (let end = start + 1; end <= Math.min(run.length, start + maxWords); end += 1) {
        const words = run.slice(start, end);
        if (stopWords.has(words.at(-1)!) || words.every((word) => numberWord.test(word))) continue;
        const phrase = words.join(" ");
        if (phrase.length > maxPhraseLength) break;
        if (phrase.length < 2) continue;
        const entry = phrases.get(phrase);
        if (entry === undefined) phrases.set(phrase, { count: 1, words });
        else entry.count += 1;
      }
    });
  }
  return { phrases, wordCounts };
}

/** Splits text into runs of lower-cased words that are joined only by spaces or hyphens. */
function wordRuns(text: string): string[][] {
  const normalised = text.normalize("NFC").toLowerCase();
  const runs: string[][] = [];
  let run: string[] = [];
  let previousEnd = 0;
  for (const match of normalised.matchAll(wordPattern)) {
    if (run.length > 0 && !joiningGap.test(normalised.slice(previousEnd, match.index))) {
      runs.push(run);
      run = [];
    }
    run.push(match[0].replaceAll("’", "'"));
    previousEnd = match.index + match[0].length;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * The `limit` candidates worth embedding, in order of first occurrence. A phrase scores its count times the
 * mean count of its words, so phrases about a recurring word rank high; lengths take turns, because
 * scoring one list would let every 3-word phrase of a long text outrank its single words or the reverse.
 */
function shortlist(text: string, options: CandidatePhraseOptions, limit: number): string[] {
  const { phrases, wordCounts } = analyse(text, options);
  if (phrases.size <= limit) return [...phrases.keys()];
  const byLength = new Map<number, { phrase: string; score: number; order: number }[]>();
  [...phrases].forEach(([phrase, { count, words }], order) => {
    const content = words.filter((word) => wordCounts.has(word));
    const score = (count * content.reduce((sum, word) => sum + wordCounts.get(word)!, 0)) / content.length;
    const group = byLength.get(words.length) ?? [];
    if (group.length === 0) byLength.set(words.length, group);
    group.push({ phrase, score, order });
  });
  const queues = [...byLength.keys()].sort((a, b) => a - b).map((words) => byLength.get(words)!.sort((a, b) => b.score - a.score || a.order - b.order));
  const kept: { phrase: string; order: number }[] = [];
  for (let rank = 0; kept.length < limit; rank += 1) {
    for (const queue of queues) if (kept.length < limit && rank < queue.length) kept.push(queue[rank]!);
  }
  return kept.sort((a, b) => a.order - b.order).map((entry) => entry.phrase);
}

function stopWordSet(words: readonly string[]): Set<string> {
  return new Set(words.map((word) => word.normalize("NFC").toLowerCase().replaceAll("’", "'")));
}

function checkPhraseOptions(options: CandidatePhraseOptions): InputIssue[] {
  const issues: InputIssue[] = [];
  const { maxWords, stopWords } = options;
  if (maxWords !== undefined && (!Number.isInteger(maxWords) || maxWords < 1)) issues.push({ path: "options.maxWords", message: "must be a positive integer" });
  if (stopWords !== undefined && (!Array.isArray(stopWords) || stopWords.some((word) => typeof word !== "string"))) {
    issues.push({ path: "options.stopWords", message: "must be an array of strings" });
  }
  return issues;
}

function checkKeybertInput(inputs: readonly KeybertInput[], embedder: Embedder, options: KeybertOptions): void {
  const issues = checkPhraseOptions(options);
  const { top, diversity, maxCandidates } = options;
  if (top !== undefined && (!Number.isInteger(top) || top < 1)) issues.push({ path: "options.top", message: "must be a positive integer" });
  if (diversity !== undefined && !(diversity >= 0 && diversity <= 1)) issues.push({ path: "options.diversity", message: "must be a number from 0 to 1" });
  if (maxCandidates !== undefined && (!Number.isInteger(maxCandidates) || maxCandidates < 1)) {
    issues.push({ path: "options.maxCandidates", message: "must be a positive integer" });
  }
  if (!Array.isArray(inputs)) issues.push({ path: "inputs", message: "must be an array of { text, vector? }" });
  else issues.push(...inputs.flatMap((input, index) => inputIssues(input, index, embedder.dimensions)));
  throwIfAny(issues, "Cannot extract keywords");
}

function inputIssues(input: KeybertInput, index: number, dimensions: number): InputIssue[] {
  if (typeof input?.text !== "string") return [{ path: `inputs.${index}.text`, message: "must be a string" }];
  const { vector } = input;
  if (vector === undefined) return [];
  if (!Array.isArray(vector) || vector.length !== dimensions || !vector.every((value) => typeof value === "number" && Number.isFinite(value))) {
    return [{ path: `inputs.${index}.vector`, message: `must be ${dimensions} finite numbers, as the embedder returns` }];
  }
  return [];
}

function throwIfAny(issues: InputIssue[], what: string): void {
  const first = issues[0];
  if (first === undefined) return;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  throw new InvalidInputError(`${what}: ${first.path} ${first.message}${more}.`, { issues });
}
