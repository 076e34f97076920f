import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";
import { countChatTokens } from "../tokens/count-chat-tokens.js";
import type { ChatMessageLike, TokenCounter } from "../tokens/token-counter.js";
import { ContextBudgetError } from "./context-budget-error.js";

/** A ranked candidate for the system message: a memory entry, the summary or a reference chunk. */
export interface ContextItem {
  /** Stable id, reported back in {@link PackedContext.sections}. */
  id: string;
  /** The text shown to the model. */
  content: string;
  /** Carried for the caller; only a reference chunk's string `title` and `heading` are read (for its label). */
  meta?: Record<string, unknown>;
}

/** A turn of the current conversation, sent as its own chat message. */
export interface ContextTurn {
  id: string;
  role: "user" | "assistant" | "system" | "tool";
  /** Sent as the message's `name` when non-empty. */
  name?: string;
  content: string;
  conversationId: string;
  seq: number;
}

/** A search hit from an older or another conversation: a piece of one stored message. */
export interface RetrievedPiece extends ContextItem {
  conversationId: string;
  /** Position of the piece's message in its conversation; pieces with the same (conversationId, seq) are one message. */
  seq: number;
  role: string;
  name?: string;
  /** When the message was written; shown as a UTC date. */
  createdAt?: Date;
}

/** Caps, as fractions of the available budget, on what each system-message section may use. */
export interface ContextShares {
  memory: number;
  summary: number;
  retrieved: number;
  reference: number;
}

/** The shares used when {@link PackInput.shares} leaves one out. */
export const defaultContextShares: Readonly<ContextShares> = Object.freeze({ memory: 0.15, summary: 0.15, retrieved: 0.25, reference: 0.15 });

/** Everything {@link packContext} chooses from, already fetched and ranked. */
export interface PackInput {
  /** The tokenizer of the model the context is for. */
  counter: TokenCounter;
  /** The model's context window, in tokens. */
  maxTokens: number;
  /** Tokens kept free for the reply; the messages cost at most `maxTokens − reserve`. */
  reserve: number;
  /** Opens the system message; always included. An empty string counts as none. */
  systemPrompt?: string;
  /** Memory entries about the user, best first. */
  memories: ContextItem[];
  /** The running summary of the current conversation; included whole or not at all. */
  summary?: ContextItem;
  /** Unarchived turns of the current conversation, oldest first; the last one (the newest) is always included. */
  recent: ContextTurn[];
  /** Pieces of older or other conversations, best first. */
  retrieved: RetrievedPiece[];
  /** Reference-document chunks, best first, labelled by `meta.title` and `meta.heading`. */
  reference: ContextItem[];
  /** @default {@link defaultContextShares} for every share left out */
  shares?: Partial<ContextShares>;
}

/** A chat message ready for a chat-completion API. */
export interface PackedMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  name?: string;
}

/** The parts of a packed context, as reported in {@link PackedContext.sections}. */
export type ContextSectionName = "system" | "memory" | "summary" | "recent" | "retrieved" | "reference";

/** Why an input was left out: no room left at all, over its section's share, or already present. */
export type OmissionReason = "budget" | "share" | "duplicate";

/** What one section holds and what it left out. */
export interface ContextSectionReport {
  /** Exact tokens the section adds to the prompt (see {@link packContext} for how they are measured). */
  tokens: number;
  /** Ids included, in input order. */
  included: string[];
  /** Ids left out, in input order, with the reason. */
  omitted: { id: string; reason: OmissionReason }[];
}

/** The result of {@link packContext}. */
export interface PackedContext {
  messages: PackedMessage[];
  /** `countChatTokens(counter, messages)`, never more than `maxTokens − reserve`. */
  tokenCount: number;
  /** `available` is what was left after the mandatory part: `maxTokens − reserve − cost(system prompt, newest turn)`. */
  budget: { maxTokens: number; reserve: number; available: number };
  sections: Record<ContextSectionName, ContextSectionReport>;
}

type BlockName = "memory" | "summary" | "retrieved" | "reference";

// Render order inside the system message, which is also the order blocks are filled in.
const blockNames: readonly BlockName[] = ["memory", "summary", "retrieved", "reference"];

const blockHeadings: Record<BlockName, string> = {
  memory: "## What you know about the user",
  summary: "## Summary of the earlier conversation",
  retrieved: "## Relevant earlier exchanges",
  reference: "## Reference",
};

const blockSeparator = "\n\n";
const pieceJoiner = " … ";
const turnRoles: ReadonlySet<string> = new Set(["user", "assistant", "system", "tool"]);

interface Block {
  readonly cap: number;
  /** Estimated tokens taken, opening cost included. */
  used: number;
  /** Heading (and, when it opened the system message, the message overhead) paid by the first item. */
  openCost: number;
  /** Input indices taken, ascending. */
  readonly chosen: number[];
  readonly costs: Map<number, number>;
  readonly omitted: Map<number, OmissionReason>;
}

interface Packing {
  readonly input: PackInput;
  readonly prompt: string | undefined;
  readonly available: number;
  /** Estimated tokens taken from `available` by blocks and recent turns other than the newest. */
  used: number;
  readonly blocks: Record<BlockName, Block>;
  readonly frameCost: number;
  /** Index of the oldest included recent turn. */
  recentFrom: number;
  readonly recentCosts: Map<number, number>;
}

/**
 * Chooses the chat messages for one model call so that they cost at most `maxTokens − reserve`
 * tokens, exactly as {@link countChatTokens} counts them, for any {@link TokenCounter}.
 *
 * Layout: one leading system message (the form every provider accepts) made of the system prompt
 * and then, only for sections that got something, labelled blocks: `## What you know about the user`
 * (memories as `- ` lines), `## Summary of the earlier conversation`, `## Relevant earlier exchanges`
 * (one `[YYYY-MM-DD] role: text` line per message, its pieces joined by ` … `, ordered by conversation,
 * conversations by their best piece, then by seq) and `## Reference` (`### title — heading`, then the
 * chunk). The recent turns follow as their own messages. Without a prompt or a block there is no
 * system message.
 *
 * Budget: the system prompt and the newest turn are mandatory; `available` is what they leave.
 * Memories, summary, retrieved pieces and reference chunks may each use at most their share of
 * `available`, taking items in rank order: an item over its share is omitted as `share` (a later,
 * smaller one may still fit), one over the total as `budget`; the summary is all or nothing. The
 * recent turns take the rest as a contiguous suffix, newest backwards, stopping at the first that does
 * not fit; a share left unused flows to them. Retrieved pieces of an included recent turn are omitted
 * as `duplicate`, as are repeated ids.
 *
 * Exactness: items are counted one by one for the decisions, but counts of joined text are not
 * additive, so the final messages are counted exactly and, while over budget, items are dropped in
 * reverse priority (reference, retrieved, oldest recent turns, memories, summary; last taken first)
 * and the messages recounted. A section's `tokens` is measured the same way: what its block adds to
 * the system message's count (`system` is the message's overhead and prompt), so the sections plus
 * `chatFormat.perReply` add up to `tokenCount`. The result depends only on the input.
 *
 * @param input - The counter, budget and ranked candidates.
 * @returns The messages, their exact token count and a report of every input id.
 * @throws InvalidInputError when the budget, shares or turns are malformed, listing every problem.
 * @throws ContextBudgetError when the system prompt and the newest turn alone exceed `maxTokens − reserve`.
 *
 * @example
 * ```ts
 * const packed = packContext({
 *   counter: createTiktokenCounter("o200k_base"),
 *   maxTokens: 8000,
 *   reserve: 1000,
 *   systemPrompt: "You are a helpful assistant.",
 *   memories: [{ id: "m1", content: "Prefers metric units." }],
 *   recent: [{ id: "t1", role: "user", content: "How far is Paris from Lyon?", conversationId: "c1", seq: 1 }],
 *   retrieved: [],
 *   reference: [],
 * });
 * packed.messages; // [{ role: "system", content: "You are … ## What you know about the user\n- Prefers metric units." }, { role: "user", … }]
 * packed.tokenCount <= 7000; // true
 * ```
 */
export function packContext(input: PackInput): PackedContext {
  const shares = validate(input);
  const { counter, maxTokens, reserve } = input;
  const limit = maxTokens - reserve;
  const prompt = input.systemPrompt === "" ? undefined : input.systemPrompt;
  const newestMessage = turnMessage(input.recent.at(-1) as ContextTurn);
  const mandatory = countChatTokens(counter, prompt === undefined ? [newestMessage] : [{ role: "system", content: prompt }, newestMessage]);
  if (mandatory > limit) throw new ContextBudgetError({ needed: mandatory, available: limit });

  const packing = createPacking(input, shares, prompt, limit - mandatory);
  fillItems(packing, "memory", input.memories, memoryFragment);
  fillItems(packing, "summary", input.summary ? [input.summary] : [], summaryFragment);
  // Provisional suffix: the retrieved and reference shares stay reserved until those are filled.
  extendRecent(packing, packing.blocks.retrieved.cap + packing.blocks.reference.cap);
  fillRetrieved(packing);
  fillItems(packing, "reference", input.reference, referenceFragment);
  extendRecent(packing, 0);
  dropRetrievedDuplicates(packing);
  const { messages, tokenCount, blocks } = fitExactly(packing, limit);
  return { messages, tokenCount, budget: { maxTokens, reserve, available: packing.available }, sections: report(packing, blocks) };
}

function createPacking(input: PackInput, shares: ContextShares, prompt: string | undefined, available: number): Packing {
  const block = (share: number): Block => ({ cap: Math.floor(share * available), used: 0, openCost: 0, chosen: [], costs: new Map(), omitted: new Map() });
  const newest = input.recent.length - 1;
  return {
    input,
    prompt,
    available,
    used: 0,
    blocks: { memory: block(shares.memory), summary: block(shares.summary), retrieved: block(shares.retrieved), reference: block(shares.reference) },
    frameCost: messageCost(input.counter, { role: "system", content: "" }),
    recentFrom: newest,
    recentCosts: new Map([[newest, messageCost(input.counter, turnMessage(input.recent[newest] as ContextTurn))]]),
  };
}

function fillItems(packing: Packing, name: BlockName, items: readonly ContextItem[], fragment: (item: ContextItem) => string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) packing.blocks[name].omitted.set(index, "duplicate");
    else {
      seen.add(item.id);
      offer(packing, name, index, packing.input.counter.count(fragment(item)));
    }
  });
}

function fillRetrieved(packing: Packing): void {
  const block = packing.blocks.retrieved;
  const inRecent = recentMessageKeys(packing);
  const seen = new Set<string>();
  const entries = new Set<string>();
  packing.input.retrieved.forEach((piece, index) => {
    const key = messageKey(piece);
    if (seen.has(piece.id) || inRecent.has(key)) {
      block.omitted.set(index, "duplicate");
      return;
    }
    seen.add(piece.id);
    const fragment = entries.has(key) ? pieceJoiner + piece.content : `\n${entryPrefix(piece)}${piece.content}`;
    if (offer(packing, "retrieved", index, packing.input.counter.count(fragment))) entries.add(key);
  });
}

/** Takes item `index` into block `name` when it fits both the block's share and the total; records why not otherwise. */
function offer(packing: Packing, name: BlockName, index: number, cost: number): boolean {
  const block = packing.blocks[name];
  const openCost = block.chosen.length === 0 ? openingCost(packing, name) : 0;
  const total = openCost + cost;
  const reason = block.used + total > block.cap ? "share" : packing.used + total > packing.available ? "budget" : undefined;
  if (reason !== undefined) {
    block.omitted.set(index, reason);
    return false;
  }
  if (block.chosen.length === 0) block.openCost = openCost;
  block.used += total;
  packing.used += total;
  block.chosen.push(index);
  block.costs.set(index, cost);
  return true;
}

function openingCost(packing: Packing, name: BlockName): number {
  const opened = packing.prompt !== undefined || blockNames.some((other) => other !== name && packing.blocks[other].chosen.length > 0);
  const heading = packing.input.counter.count((opened ? blockSeparator : "") + blockHeadings[name]);
  return opened ? heading : heading + packing.frameCost;
}

/** Removes the item at `position` of a block, returning the estimated tokens freed. */
function release(packing: Packing, name: BlockName, position: number, reason: OmissionReason): number {
  const block = packing.blocks[name];
  const [index] = block.chosen.splice(position, 1) as [number];
  const freed = (block.costs.get(index) ?? 0) + (block.chosen.length === 0 ? block.openCost : 0);
  block.used -= freed;
  packing.used -= freed;
  block.omitted.set(index, reason);
  return freed;
}

/** Extends the recent suffix backwards while each older turn fits in what is left after `reserved`. */
function extendRecent(packing: Packing, reserved: number): void {
  const { recent, counter } = packing.input;
  while (packing.recentFrom > 0) {
    const index = packing.recentFrom - 1;
    const cost = packing.recentCosts.get(index) ?? messageCost(counter, turnMessage(recent[index] as ContextTurn));
    packing.recentCosts.set(index, cost);
    if (packing.used + reserved + cost > packing.available) return;
    packing.used += cost;
    packing.recentFrom = index;
  }
}

function dropRetrievedDuplicates(packing: Packing): void {
  const inRecent = recentMessageKeys(packing);
  const { chosen } = packing.blocks.retrieved;
  for (let position = chosen.length - 1; position >= 0; position--) {
    const piece = packing.input.retrieved[chosen[position] as number] as RetrievedPiece;
    if (inRecent.has(messageKey(piece))) release(packing, "retrieved", position, "duplicate");
  }
}

/** Counts the real messages and, while they exceed the limit, drops items in reverse priority and counts again. */
function fitExactly(packing: Packing, limit: number): { messages: PackedMessage[]; tokenCount: number; blocks: [BlockName, string][] } {
  for (;;) {
    const blocks = renderBlocks(packing);
    const system = [...(packing.prompt === undefined ? [] : [packing.prompt]), ...blocks.map(([, text]) => text)];
    const turns = packing.input.recent.slice(packing.recentFrom).map(turnMessage);
    const messages: PackedMessage[] = system.length > 0 ? [{ role: "system", content: system.join(blockSeparator) }, ...turns] : turns;
    const tokenCount = countChatTokens(packing.input.counter, messages);
    if (tokenCount <= limit) return { messages, tokenCount, blocks };
    // Dropping until the estimates cover the excess keeps recounts few; the recount decides.
    let excess = tokenCount - limit;
    let dropped = false;
    while (excess > 0) {
      const freed = releaseNext(packing);
      if (freed === undefined) break;
      dropped = true;
      excess -= freed;
    }
    // Only the mandatory part is left and it fitted when measured first: the counter is not deterministic.
    if (!dropped) throw new ContextBudgetError({ needed: tokenCount, available: limit });
  }
}

function releaseNext(packing: Packing): number | undefined {
  for (const name of ["reference", "retrieved"] as const) {
    const last = packing.blocks[name].chosen.length - 1;
    if (last >= 0) return release(packing, name, last, "budget");
  }
  if (packing.recentFrom < packing.input.recent.length - 1) {
    const freed = packing.recentCosts.get(packing.recentFrom) ?? 0;
    packing.used -= freed;
    packing.recentFrom += 1;
    return freed;
  }
  for (const name of ["memory", "summary"] as const) {
    const last = packing.blocks[name].chosen.length - 1;
    if (last >= 0) return release(packing, name, last, "budget");
  }
  return undefined;
}

function renderBlocks(packing: Packing): [BlockName, string][] {
  const { memories, summary, retrieved, reference } = packing.input;
  const bodies: Record<BlockName, (chosen: number[]) => string> = {
    memory: (chosen) => chosen.map((index) => memoryFragment(memories[index] as ContextItem)).join(""),
    summary: () => (summary ? summaryFragment(summary) : ""),
    retrieved: (chosen) => renderRetrieved(chosen.map((index) => retrieved[index] as RetrievedPiece)),
    reference: (chosen) => chosen.map((index) => referenceFragment(reference[index] as ContextItem)).join(""),
  };
  return blockNames
    .filter((name) => packing.blocks[name].chosen.length > 0)
    .map((name) => [name, blockHeadings[name] + bodies[name](packing.blocks[name].chosen)]);
}

function renderRetrieved(pieces: readonly RetrievedPiece[]): string {
  const entries = new Map<string, RetrievedPiece[]>();
  for (const piece of pieces) {
    const key = messageKey(piece);
    const entry = entries.get(key);
    if (entry) entry.push(piece);
    else entries.set(key, [piece]);
  }
  const conversationRank = new Map<string, number>();
  for (const piece of pieces) if (!conversationRank.has(piece.conversationId)) conversationRank.set(piece.conversationId, conversationRank.size);
  const rank = (entry: RetrievedPiece[]): number => conversationRank.get((entry[0] as RetrievedPiece).conversationId) ?? 0;
  const ordered = [...entries.values()].sort((a, b) => rank(a) - rank(b) || (a[0] as RetrievedPiece).seq - (b[0] as RetrievedPiece).seq);
  return ordered.map((entry) => `\n${entryPrefix(entry[0] as RetrievedPiece)}${entry.map((piece) => piece.content).join(pieceJoiner)}`).join("");
}

// Each item is rendered as a fragment that starts with its own separator, so that what is counted
// per item is exactly the text that ends up in the block.
const memoryFragment = (item: ContextItem): string => `\n- ${item.content}`;
const summaryFragment = (item: ContextItem): string => `\n${item.content}`;

function entryPrefix(piece: RetrievedPiece): string {
  const date = piece.createdAt ? `[${piece.createdAt.toISOString().slice(0, 10)}] ` : "";
  return `${date}${piece.role}${piece.name ? ` (${piece.name})` : ""}: `;
}

function referenceFragment(item: ContextItem): string {
  const label = [item.meta?.title, item.meta?.heading].filter((part): part is string => typeof part === "string" && part !== "").join(" — ");
  return label === "" ? `\n\n${item.content}` : `\n\n### ${label}\n${item.content}`;
}

function report(packing: Packing, blocks: readonly [BlockName, string][]): Record<ContextSectionName, ContextSectionReport> {
  const { input, prompt, recentFrom } = packing;
  const { counter } = input;
  // Telescoping counts of the growing system message: each block gets what it added, so the parts sum exactly.
  const parts = prompt === undefined ? [] : [prompt];
  const systemTokens = parts.length + blocks.length > 0 ? messageCost(counter, { role: "system", content: prompt ?? "" }) : 0;
  const blockTokens = new Map<BlockName, number>();
  let previous = counter.count(prompt ?? "");
  for (const [name, text] of blocks) {
    parts.push(text);
    const current = counter.count(parts.join(blockSeparator));
    blockTokens.set(name, current - previous);
    previous = current;
  }
  const section = (name: BlockName, items: readonly ContextItem[]): ContextSectionReport => ({
    tokens: blockTokens.get(name) ?? 0,
    included: packing.blocks[name].chosen.map((index) => (items[index] as ContextItem).id),
    omitted: [...packing.blocks[name].omitted].sort(([a], [b]) => a - b).map(([index, reason]) => ({ id: (items[index] as ContextItem).id, reason })),
  });
  let recentTokens = 0;
  for (let index = recentFrom; index < input.recent.length; index++) recentTokens += packing.recentCosts.get(index) ?? 0;
  return {
    system: { tokens: systemTokens, included: [], omitted: [] },
    memory: section("memory", input.memories),
    summary: section("summary", input.summary ? [input.summary] : []),
    recent: {
      tokens: recentTokens,
      included: input.recent.slice(recentFrom).map((turn) => turn.id),
      omitted: input.recent.slice(0, recentFrom).map((turn) => ({ id: turn.id, reason: "budget" as const })),
    },
    retrieved: section("retrieved", input.retrieved),
    reference: section("reference", input.reference),
  };
}

function turnMessage(turn: ContextTurn): PackedMessage {
  return turn.name ? { role: turn.role, content: turn.content, name: turn.name } : { role: turn.role, content: turn.content };
}

/** What one message adds to {@link countChatTokens}, measured with it. */
function messageCost(counter: TokenCounter, message: ChatMessageLike): number {
  return countChatTokens(counter, [message]) - counter.chatFormat.perReply;
}

function recentMessageKeys(packing: Packing): Set<string> {
  return new Set(packing.input.recent.slice(packing.recentFrom).map(messageKey));
}

function messageKey(message: { conversationId: string; seq: number }): string {
  return JSON.stringify([message.conversationId, message.seq]);
}

const isTokenCount = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isValidDate = (value: unknown): boolean => value instanceof Date && Number.isFinite(value.getTime());

// Checked by hand rather than with a zod schema: this runs on every model call, and parsing would
// copy every candidate (and strip `meta`) only to check a few numbers.
function validate(input: PackInput): ContextShares {
  const issues: InputIssue[] = [];
  if (!isTokenCount(input.maxTokens)) issues.push({ path: "maxTokens", message: "must be a non-negative integer" });
  if (!isTokenCount(input.reserve)) issues.push({ path: "reserve", message: "must be a non-negative integer" });
  else if (isTokenCount(input.maxTokens) && input.reserve >= input.maxTokens) {
    issues.push({ path: "reserve", message: "must be less than maxTokens, or nothing is left for the prompt" });
  }
  if (input.systemPrompt !== undefined && typeof input.systemPrompt !== "string") issues.push({ path: "systemPrompt", message: "must be a string" });
  const shares = validShares(input.shares, issues);
  if (!Array.isArray(input.recent) || input.recent.length === 0) issues.push({ path: "recent", message: "must hold at least the newest turn" });
  else {
    input.recent.forEach((turn, index) => {
      if (!turnRoles.has(turn.role)) issues.push({ path: `recent.${index}.role`, message: "must be user, assistant, system or tool" });
    });
  }
  input.retrieved.forEach((piece, index) => {
    if (!Number.isFinite(piece.seq)) issues.push({ path: `retrieved.${index}.seq`, message: "must be a finite number" });
    if (piece.createdAt !== undefined && !isValidDate(piece.createdAt)) issues.push({ path: `retrieved.${index}.createdAt`, message: "must be a valid Date" });
  });
  if (issues.length > 0) {
    const first = issues[0] as InputIssue;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new InvalidInputError(`Invalid context input at ${first.path}: ${first.message}${more}.`, { issues });
  }
  return shares;
}

function validShares(given: Partial<ContextShares> | undefined, issues: InputIssue[]): ContextShares {
  const shares = { ...defaultContextShares };
  for (const key of Object.keys(defaultContextShares) as (keyof ContextShares)[]) {
    const value = given?.[key];
    if (value === undefined) continue;
    if (typeof value === "number" && value >= 0 && value <= 1) shares[key] = value;
    else issues.push({ path: `shares.${key}`, message: "must be a number from 0 to 1" });
  }
  const sum = shares.memory + shares.summary + shares.retrieved + shares.reference;
  // A little slack so that shares such as 0.1 + 0.2 + 0.3 + 0.4 are not rejected for rounding.
  if (sum > 1 + 1e-9) issues.push({ path: "shares", message: `must add up to at most 1, not ${sum}` });
  return shares;
}
