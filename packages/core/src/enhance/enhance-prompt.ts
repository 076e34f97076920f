import { z } from "zod";
import { termFrequencies } from "../keywords/tfidf-keywords.js";
import type { Memory } from "../memory/memory.js";
import { idSchema, parseInput } from "../memory/parse-input.js";
import { englishStopWords } from "../search/stop-words.js";
import { createExtractiveSummarizer } from "../summarize/extractive-summarizer.js";
import type { Summarizer, SummaryMessage } from "../summarize/summarizer.js";
import { type Exchange, findExchanges } from "./find-exchanges.js";

/** Options for {@link enhancePrompt}. */
export interface EnhanceOptions {
  userId: string;
  /** The question to enhance. */
  question: string;
  /** Past exchanges to draw on, at most. @default 5 */
  limit?: number | undefined;
  /** Token budget of the context part of the prompt (the question comes on top), counted with the memory's tokenizer. @default 600 */
  maxContextTokens?: number | undefined;
  /** Summarises each exchange: the offline extractive one, or an OpenAI-compatible endpoint such as LM Studio's. @default createExtractiveSummarizer() */
  summarizer?: Summarizer | undefined;
  /** Only these conversations. @default all of the user's */
  conversationIds?: string[] | undefined;
  /** Exchanges scoring below this share of the best one are left out. @default 0.25 */
  minRelativeScore?: number | undefined;
  /** Search mode. @default hybrid with an embedder, else lexical */
  mode?: "hybrid" | "lexical" | "vector" | undefined;
}

/** One past exchange as it went into the prompt. */
export interface EnhanceSource {
  conversationId: string;
  title: string | undefined;
  createdAt: Date;
  questionId: string | undefined;
  answerId: string | undefined;
  score: number;
  /** The exchange as summarised into the prompt. */
  summary: string;
}

/** The result of {@link enhancePrompt}. */
export interface EnhancedPrompt {
  /** The complete prompt: the summarised earlier exchanges as context, then the question. Just the question when nothing relevant was found. */
  prompt: string;
  question: string;
  /** The question's keywords (stop words removed), most frequent first. */
  keywords: string[];
  /** The context part alone ("" when nothing relevant was found). */
  context: string;
  sources: EnhanceSource[];
  /** Token counts with the memory's tokenizer. */
  tokens: { context: number; prompt: number };
  /** The `id` of the summariser used. */
  summarizer: string;
}

const schema = z.object({
  userId: idSchema,
  question: z.string().trim().min(1, "must not be blank").max(20_000, "must be at most 20,000 characters"),
  limit: z.number().int().min(1).max(20).default(5),
  maxContextTokens: z.number().int().min(50).max(100_000).default(600),
  conversationIds: z.array(idSchema).optional(),
  mode: z.enum(["hybrid", "lexical", "vector"]).optional(),
  minRelativeScore: z.number().min(0).max(1).default(0.25),
});

const stopWords = new Set(englishStopWords);
const header = "Context from my earlier conversations that may help:";
const footer = "Using that context where it is relevant, answer my question:";

/**
 * Makes a better prompt from a user's past conversations: extracts the question's keywords, finds the
 * most relevant earlier question/answer exchanges (hybrid search; BM25 alone without an embedder),
 * summarises each within its share of `maxContextTokens` with the summariser, and returns the complete
 * prompt — the summarised exchanges as context, then the question. Reads only; writes nothing.
 * @throws InvalidInputError for a blank question or bad options.
 * @example
 * const { prompt, sources } = await enhancePrompt(memory, { userId: "me", question: "How do I speed up my Postgres import?" });
 */
export async function enhancePrompt(memory: Memory, options: EnhanceOptions): Promise<EnhancedPrompt> {
  const request = parseInput(schema, { ...options, summarizer: undefined });
  const summarizer = options.summarizer ?? createExtractiveSummarizer();
  const keywords = keywordsOf(request.question);
  const exchanges = await findExchanges(memory, {
    userId: request.userId,
    query: request.question,
    limit: request.limit,
    mode: request.mode,
    conversationIds: request.conversationIds,
    minRelativeScore: request.minRelativeScore,
    skipQuestion: request.question,
  });
  const counter = memory.tokenizer;
  const sources = await summarise(exchanges, summarizer, request.maxContextTokens, counter);
  let kept = sources;
  let context = render(kept);
  // The headings cost tokens too: drop the weakest exchange until the whole context fits the budget.
  while (kept.length > 0 && counter.count(context) > request.maxContextTokens) {
    kept = kept.slice(0, -1);
    context = render(kept);
  }
  const prompt = context === "" ? request.question : `${context}\n\n${footer}\n${request.question}`;
  return {
    prompt,
    question: request.question,
    keywords,
    context,
    sources: kept,
    tokens: { context: context === "" ? 0 : counter.count(context), prompt: counter.count(prompt) },
    summarizer: summarizer.id,
  };
}

/** The content words of a text, most frequent first, ties in order of appearance. */
export function keywordsOf(text: string, top = 8): string[] {
  const counts = termFrequencies(text, stopWords);
  return [...counts.entries()]
    .map(([word, count], index) => ({ word, count, index }))
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, top)
    .map((entry) => entry.word);
}

async function summarise(exchanges: Exchange[], summarizer: Summarizer, budget: number, counter: Memory["tokenizer"]): Promise<EnhanceSource[]> {
  if (exchanges.length === 0) return [];
  // Each exchange gets a share of the budget in proportion to its relevance, less the tokens of its heading line.
  const total = exchanges.reduce((sum, exchange) => sum + Math.max(exchange.score, 0), 0);
  const summaries = await Promise.all(
    exchanges.map((exchange) => {
      const weight = total > 0 ? Math.max(exchange.score, 0) / total : 1 / exchanges.length;
      const share = Math.max(24, Math.floor(budget * weight) - 16);
      const messages: SummaryMessage[] = [exchange.question, exchange.answer]
        .filter((message) => message !== undefined)
        .map((message) => ({ role: message.role, name: message.name, content: withoutListMarkers(message.content), createdAt: message.createdAt }));
      return summarizer.summarize({ messages, maxTokens: share, counter });
    }),
  );
  return exchanges.map((exchange, index) => ({
    conversationId: exchange.conversationId,
    title: exchange.title,
    createdAt: exchange.createdAt,
    questionId: exchange.question?.id,
    answerId: exchange.answer?.id,
    score: exchange.score,
    summary: summaries[index] ?? "",
  }));
}

// "1." or "-" at the start of a line is formatting: a sentence splitter would keep it as a sentence of its own.
function withoutListMarkers(text: string): string {
  return text.replace(/^[ \t]*(?:\d{1,3}[.)]|[-*•])[ \t]+/gm, "");
}

function render(sources: EnhanceSource[]): string {
  // One heading per conversation, its exchanges in relevance order under it.
  const groups = new Map<string, EnhanceSource[]>();
  for (const source of sources) {
    if (source.summary.trim() === "") continue;
    const group = groups.get(source.conversationId) ?? [];
    group.push(source);
    groups.set(source.conversationId, group);
  }
  const parts = [...groups.values()].map((group) => {
    const first = group[0] as EnhanceSource;
    return `### ${first.title ?? first.conversationId} (${first.createdAt.toISOString().slice(0, 10)})\n${group.map((source) => source.summary.trim()).join("\n")}`;
  });
  return parts.length === 0 ? "" : `${header}\n\n${parts.join("\n\n")}`;
}
