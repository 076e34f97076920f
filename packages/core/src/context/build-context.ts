import { z } from "zod";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { Memory, MemoryParts } from "../memory/memory.js";
import { idSchema, parseInput } from "../memory/parse-input.js";
import type { StoredMessage } from "../store/stored-message.js";
import type { Summarizer } from "../summarize/summarizer.js";
import { countChatTokens } from "../tokens/count-chat-tokens.js";
import { resolveTokenCounter } from "../tokens/resolve-token-counter.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import { type ContextItem, type ContextShares, defaultContextShares, type PackedContext, packContext, type RetrievedPiece } from "./pack-context.js";
import { foldIntoSummary, readConversationState, type SummaryOutcome, turnsCost } from "./summaries.js";

/** What {@link Memory.buildContext} assembles. */
export interface BuildContextOptions {
  userId: string;
  conversationId: string;
  /** What to retrieve memories, older pieces and reference chunks for. @default the newest user turn */
  query?: string | undefined;
  /** The model's context window. */
  maxTokens: number;
  /** Tokens kept free for the answer: the messages cost at most `maxTokens − reserve`. @default 0 */
  reserve?: number | undefined;
  /** The model's tokenizer (name or counter), if it is not the memory's. */
  tokenizer?: string | TokenCounter | undefined;
  /** Caps per section, as fractions of the budget; recent turns take the rest and whatever a section leaves. */
  shares?: Partial<ContextShares> | undefined;
  /** Relevant model-memory entries. @default true */
  memories?: boolean | undefined;
  /** Relevant pieces of older turns and other conversations (hybrid search). @default true */
  retrieval?: boolean | { limit?: number | undefined } | undefined;
  /** Relevant reference-document chunks. @default false */
  references?: boolean | { documentIds?: string[] | undefined; limit?: number | undefined } | undefined;
  /** Fold old turns into the running summary when they overflow their share. @default true */
  summarize?: boolean | undefined;
}

/** A context ready for a chat model, with the report of what went in. */
export interface BuiltContext extends PackedContext {
  /** The active settings other than the system prompt (persona, voice, …), for the caller. */
  settings: Record<string, unknown>;
  /** What the overflow check did: nothing, a new summary, or a failure (the context then falls back to recent turns). */
  summary:
    | { status: "not-needed" | "disabled" }
    | Exclude<SummaryOutcome, { status: "summarized" }>
    | { status: "summarized"; foldedMessages: number; covers: { fromSeq: number; toSeq: number } };
  /** The text retrieval ran with. */
  query: string;
}

const share = z.number().min(0).max(1);
const schema = z.object({
  userId: idSchema,
  conversationId: idSchema,
  query: z.string().max(10_000).optional(),
  maxTokens: z.number().int().min(1).max(10_000_000),
  reserve: z.number().int().min(0).default(0),
  tokenizer: z.unknown().optional(),
  shares: z.object({ memory: share, summary: share, retrieved: share, reference: share }).partial().optional(),
  memories: z.boolean().default(true),
  retrieval: z.union([z.boolean(), z.object({ limit: z.number().int().min(1).max(200).optional() })]).default(true),
  references: z
    .union([z.boolean(), z.object({ documentIds: z.array(idSchema).max(1_000).optional(), limit: z.number().int().min(1).max(200).optional() })])
    .default(false),
  summarize: z.boolean().default(true),
});

/** What {@link buildContext} needs from the memory it serves. */
export interface ContextDeps {
  memory: Memory;
  parts: MemoryParts;
  summarizer: Summarizer;
  counters: Map<string, Promise<TokenCounter>>;
}

/**
 * Assembles the messages for one model call within an exact token budget: the active system prompt,
 * relevant model memory, the running summary, the recent turns verbatim, relevant pieces of older
 * turns and other conversations, and (when asked) reference chunks — see {@link packContext} for the
 * rules. When the unsummarised turns overflow the recent turns' share, the oldest are first folded
 * into the running summary (kept to half that share, so a summary is not made on every call).
 */
export async function buildContext(deps: ContextDeps, options: BuildContextOptions): Promise<BuiltContext> {
  const request = parseInput(schema, options);
  if (request.reserve >= request.maxTokens) throw new InvalidInputError("Invalid reserve: must be less than maxTokens.");
  const { memory, parts } = deps;
  const counter = options.tokenizer === undefined ? parts.prepare.counter : await counterFor(deps, options.tokenizer);
  const shares = { ...defaultContextShares, ...(request.references === false ? { reference: 0 } : {}), ...request.shares };
  const [settings, initial] = await Promise.all([
    memory.settings.get({ userId: request.userId }),
    readConversationState(parts.store.driver, parts.store.s, request.userId, request.conversationId),
  ]);
  const { system_prompt: systemPrompt, ...otherSettings } = settings.values;
  const prompt = typeof systemPrompt === "string" ? systemPrompt : undefined;
  let state = initial;
  const newest = state.unsummarised.at(-1);
  if (!newest) {
    throw new InvalidInputError(`Conversation ${request.conversationId} has no unsummarised turn: append the user's message before building its context.`);
  }

  // Overflow: unsummarised turns beyond the share recent turns can count on are folded into the summary.
  const mandatory = countChatTokens(counter, [...(prompt ? [{ role: "system", content: prompt }] : []), turnMessage(newest)]);
  const available = Math.max(0, request.maxTokens - request.reserve - mandatory);
  const recentShare = Math.max(0, 1 - shares.memory - shares.summary - shares.retrieved - shares.reference) * available;
  let summary: BuiltContext["summary"] = { status: request.summarize ? "not-needed" : "disabled" };
  if (request.summarize && turnsCost(counter, state.unsummarised) > recentShare) {
    const outcome = await foldIntoSummary(parts, deps.summarizer, {
      userId: request.userId,
      conversationId: request.conversationId,
      keepTokens: Math.floor(recentShare / 2),
      summaryTokens: Math.max(1, Math.floor(shares.summary * available)),
    });
    summary = outcome.status === "summarized" ? { status: outcome.status, foldedMessages: outcome.foldedMessages, covers: outcome.covers } : outcome;
    if (outcome.status === "summarized") state = await readConversationState(parts.store.driver, parts.store.s, request.userId, request.conversationId);
  }

  const query = request.query ?? [...state.unsummarised].reverse().find((turn) => turn.role === "user")?.content ?? newest.content;
  const retrievalLimit = typeof request.retrieval === "object" ? (request.retrieval.limit ?? 20) : 20;
  const retrieve = request.retrieval && shares.retrieved > 0;
  const refer = request.references && shares.reference > 0;
  // Embedded once for every search below.
  const queryVector = parts.embedding && (request.memories || retrieve || refer) ? await parts.embedding.embedder.embedQuery(query) : undefined;
  const [memories, retrieved, reference] = await Promise.all([
    request.memories ? memoryCandidates(memory, request.userId, query, queryVector) : [],
    retrieve
      ? memory.search({ userId: request.userId, query, queryVector, limit: retrievalLimit, kinds: ["message"], boostConversationId: request.conversationId })
      : [],
    refer
      ? memory.documents.search({
          userId: request.userId,
          query,
          queryVector,
          limit: typeof request.references === "object" ? (request.references.limit ?? 10) : 10,
          ...(typeof request.references === "object" && request.references.documentIds ? { documentIds: request.references.documentIds } : {}),
        })
      : [],
  ]);
  const packed = packContext({
    counter,
    maxTokens: request.maxTokens,
    reserve: request.reserve,
    ...(prompt ? { systemPrompt: prompt } : {}),
    memories,
    ...(state.summary ? { summary: { id: state.summary.id, content: state.summary.content } } : {}),
    recent: state.unsummarised.map((turn) => ({
      id: turn.id,
      role: turn.role,
      ...(turn.name ? { name: turn.name } : {}),
      content: turn.content,
      conversationId: turn.conversationId,
      seq: turn.seq,
    })),
    retrieved: retrieved.map(
      (hit): RetrievedPiece => ({
        id: `${hit.conversationId}#${hit.seq}.${hit.chunkIndex}`,
        content: hit.content,
        conversationId: hit.conversationId,
        seq: hit.seq,
        role: hit.role,
        ...(hit.name ? { name: hit.name } : {}),
        createdAt: hit.createdAt,
      }),
    ),
    reference: reference.map((chunk) => ({
      id: `${chunk.documentId}#${chunk.chunkIndex}`,
      content: chunk.content,
      meta: { title: chunk.title, ...(chunk.heading ? { heading: chunk.heading } : {}) },
    })),
    shares,
  });
  await memory.modelMemory.touch(request.userId, packed.sections.memory.included);
  return { ...packed, settings: otherSettings, summary, query };
}

/** Relevant entries first, then the most important others: the packer keeps what fits the memory share. */
async function memoryCandidates(memory: Memory, userId: string, query: string, queryVector: readonly number[] | undefined): Promise<ContextItem[]> {
  const [relevant, important] = await Promise.all([
    memory.modelMemory.search({ userId, query, limit: 20, ...(queryVector ? { queryVector } : {}) }),
    memory.modelMemory.list({ userId, limit: 30 }),
  ]);
  const seen = new Set<string>();
  return [...relevant, ...important].flatMap((entry) => {
    if (seen.has(entry.memoryId)) return [];
    seen.add(entry.memoryId);
    return [{ id: entry.memoryId, content: entry.category ? `[${entry.category}] ${entry.content}` : entry.content }];
  });
}

function turnMessage(turn: StoredMessage): { role: string; content: string; name?: string | undefined } {
  return { role: turn.role, content: turn.content, name: turn.name };
}

async function counterFor(deps: ContextDeps, tokenizer: string | TokenCounter): Promise<TokenCounter> {
  if (typeof tokenizer !== "string") return resolveTokenCounter(tokenizer);
  let counter = deps.counters.get(tokenizer);
  if (!counter) {
    counter = resolveTokenCounter(tokenizer);
    deps.counters.set(tokenizer, counter);
    counter.catch(() => deps.counters.delete(tokenizer));
  }
  return counter;
}
