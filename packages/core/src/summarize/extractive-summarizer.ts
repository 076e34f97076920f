import { z } from "zod";
import { parseEmbedderOptions } from "../embeddings/parse-embedder-options.js";
import { type MessageRole, messageRoles } from "../ingest/message-input.js";
import { englishStopWords } from "../search/stop-words.js";
import { capToTokens } from "./cap-to-tokens.js";
import { checkSummaryRequest } from "./check-summary-request.js";
import { rankSentences, type SentenceRanking } from "./rank-sentences.js";
import type { Summarizer, SummaryRequest } from "./summarizer.js";

/** Options for {@link createExtractiveSummarizer}. */
export interface ExtractiveSummarizerOptions {
  /** How each role is named before its sentences; a message's `name` wins. @default { user: "User", assistant: "Assistant", system: "System", tool: "Tool" } */
  roleLabels?: Partial<Record<MessageRole, string>>;
  /** Words ignored when comparing sentences. @default englishStopWords */
  stopWords?: readonly string[];
}

const optionsSchema = z.object({
  roleLabels: z
    .partialRecord(
      z.enum(messageRoles),
      z
        .string()
        .trim()
        .regex(/^[^\n:]+$/, "must be one line of text without a colon"),
    )
    .default({}),
  stopWords: z.array(z.string()).default([...englishStopWords]),
});

const defaultRoleLabels: Record<MessageRole, string> = { user: "User", assistant: "Assistant", system: "System", tool: "Tool" };

// Two sentences this alike say the same thing: the summary keeps the more central (or earlier) one.
const redundantSimilarity = 0.9;

const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });

/** One sentence that may go into the summary: the line it would be, and the terms it is compared by. */
interface Candidate {
  line: string;
  terms: string[];
}

/**
 * Creates a {@link Summarizer} that needs no model: it keeps the most central sentences, verbatim.
 *
 * The previous summary and every message are split into sentences (`Intl.Segmenter`); message
 * sentences are labelled with their speaker (`User: …`, or the message `name`). Sentences are ranked
 * by LexRank centrality (TF-IDF cosine similarity, then a random walk over the similarity graph),
 * with previous-summary sentences competing on equal terms, so what the conversation keeps coming
 * back to survives. The best sentences are taken until `maxTokens` is reached, skipping near
 * duplicates, and emitted one per line in their original order, previous-summary sentences first.
 * When not even one sentence fits, the start of the most central one is kept.
 *
 * Deterministic: the same request gives the same summary, with ties going to the earlier sentence.
 * The summary's token count is measured on the exact string returned. The `id` is `extractive`.
 *
 * @param options - Speaker labels and stop words.
 * @throws InvalidInputError for bad options (here) or a malformed request (from `summarize`).
 *
 * @example
 * ```ts
 * const summarizer = createExtractiveSummarizer();
 * const summary = await summarizer.summarize({
 *   messages: [
 *     { role: "user", content: "We fly to Japan in April. My cat is sick." },
 *     { role: "assistant", content: "For Japan in April, book Kyoto early." },
 *   ],
 *   maxTokens: 25,
 *   counter: createTiktokenCounter("o200k_base"),
 * });
 * // "User: We fly to Japan in April.\nAssistant: For Japan in April, book Kyoto early."
 * ```
 */
export function createExtractiveSummarizer(options: ExtractiveSummarizerOptions = {}): Summarizer {
  const settings = parseEmbedderOptions(optionsSchema, options, "createExtractiveSummarizer");
  const labels = { ...defaultRoleLabels, ...settings.roleLabels };
  const ignoredWords = new Set([...settings.stopWords, ...Object.values(labels).flatMap(wordsOf)].map((word) => word.toLowerCase()));
  return {
    id: "extractive",
    async summarize(request: SummaryRequest): Promise<string> {
      checkSummaryRequest(request, "extractive summarizer");
      const candidates = collectCandidates(request, labels, ignoredWords);
      const ranking = rankSentences(candidates.map((candidate) => candidate.terms));
      const order = candidates.map((_, index) => index).sort((left, right) => (ranking.scores[right] ?? 0) - (ranking.scores[left] ?? 0) || left - right);
      const chosen = choose(order, candidates, ranking, request);
      const summary = fitExactly(chosen, candidates, request);
      const best = candidates[order[0] ?? -1];
      return summary === "" && best !== undefined ? capToTokens(best.line, request.counter, request.maxTokens) : summary;
    },
  };
}

/** Every sentence of the previous summary, then of each message with its speaker's label, in order. */
function collectCandidates(request: SummaryRequest, labels: Record<MessageRole, string>, ignoredWords: Set<string>): Candidate[] {
  // Names are labels, like roles: a talkative speaker must not make their sentences look alike.
  const ignored = new Set([...ignoredWords, ...request.messages.flatMap((message) => wordsOf(message.name ?? ""))]);
  const candidate = (line: string): Candidate => ({ line, terms: wordsOf(line).filter((word) => !ignored.has(word)) });
  const candidates = sentencesOf(request.previousSummary ?? "").map(candidate);
  for (const message of request.messages) {
    const speaker = oneLine(message.name ?? "") || labels[message.role];
    for (const sentence of sentencesOf(message.content)) candidates.push(candidate(`${speaker}: ${sentence}`));
  }
  return candidates;
}

/** The sentences of `text`, each on one line, skipping those without a letter or digit (rules, code fences). */
function sentencesOf(text: string): string[] {
  return Array.from(sentenceSegmenter.segment(text), ({ segment }) => oneLine(segment)).filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

/** Lower-cased words, segmented by Unicode rules so that CJK text has words too. */
function wordsOf(text: string): string[] {
  return Array.from(wordSegmenter.segment(text.toLowerCase()))
    .filter((segment) => segment.isWordLike)
    .map((segment) => segment.segment);
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/**
 * Takes candidates best first while their estimated cost (each line's own count, plus a line break)
 * fits, skipping near duplicates of one already taken. Returns them best first.
 */
function choose(order: readonly number[], candidates: readonly Candidate[], ranking: SentenceRanking, request: SummaryRequest): number[] {
  const { counter, maxTokens } = request;
  const separator = counter.count("\n");
  const chosen: number[] = [];
  let used = 0;
  for (const index of order) {
    const cost = counter.count(candidates[index]?.line ?? "") + (chosen.length > 0 ? separator : 0);
    if (used + cost > maxTokens || chosen.some((other) => isRepeat(index, other, candidates, ranking))) continue;
    chosen.push(index);
    used += cost;
  }
  return chosen;
}

function isRepeat(index: number, other: number, candidates: readonly Candidate[], ranking: SentenceRanking): boolean {
  return ranking.similarity(index, other) >= redundantSimilarity || candidates[index]?.line.toLowerCase() === candidates[other]?.line.toLowerCase();
}

/** The chosen lines in original order, dropping the least central until the exact count fits (counts are not quite additive). */
function fitExactly(chosen: readonly number[], candidates: readonly Candidate[], request: SummaryRequest): string {
  for (let kept = chosen.length; kept > 0; kept--) {
    const summary = chosen
      .slice(0, kept)
      .toSorted((left, right) => left - right)
      .map((index) => candidates[index]?.line)
      .join("\n");
    if (request.counter.count(summary) <= request.maxTokens) return summary;
  }
  return "";
}
