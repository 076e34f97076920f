// Why not `@langchain/textsplitters`: its pieces cannot be joined back into the original text.
// - TokenTextSplitter decodes slices of token ids; a slice boundary inside a multi-byte character
//   (emoji, CJK) decodes to U+FFFD. It loads ranks with `@langchain/core`'s getEncoding, which
//   downloads them at run time, and defaults to 200 tokens of overlap and to throwing on special tokens.
// - The character splitters trim spaces from every piece, drop empty splits and (unless keepSeparator)
//   separators, fall back to text.split("") (which cuts surrogate pairs), and only warn about pieces
//   over the limit.
// Stored pieces must reassemble to the message byte for byte, so this splitter only chooses cuts.

import { InvalidInputError } from "../errors/invalid-input-error.js";
import type { TokenCounter } from "../tokens/token-counter.js";

/** One piece of a split text, with its exact token count. */
export type TokenPiece = { content: string; tokenCount: number };

// A piece may stop up to this share of maxTokens short, to end at a line break or a space; the first
// `sampleLength` characters are counted up front to calibrate the estimate for the first piece.
const slackShare = 0.15;
const sampleLength = 4096;

/**
 * Splits `text` into consecutive pieces of at most `maxTokens` tokens each, with
 * `pieces.join("") === text` exactly, for any Unicode text.
 *
 * - Text of at most `maxTokens` tokens comes back as `[text]`; an empty string as `[]`.
 * - Cuts fall on code point boundaries, never inside a surrogate pair. They prefer, in order, a
 *   line break, a word boundary (either end of a run of spaces) and a grapheme boundary (not
 *   before a combining mark, variation selector or emoji modifier, not next to a zero-width joiner,
 *   not inside a flag or CRLF) within the last ~15% of the budget, so a piece can be ~15% short.
 *   The grapheme rules are a cheap approximation of Unicode's (UAX #29), not the full algorithm.
 * - The only piece that may exceed `maxTokens` is a single code point that alone counts more
 *   (possible with budgets of a few tokens: a rare character can be 4 byte tokens); it stands alone.
 * - Works with any {@link TokenCounter}: each piece's count is measured, not assumed additive.
 *
 * @param text - The text to split.
 * @param counter - The tokenizer that defines the budget.
 * @param maxTokens - The largest token count of a piece, a positive integer.
 * @throws InvalidInputError when `maxTokens` is not a positive integer or `text` is not a string.
 *
 * @example
 * ```ts
 * const pieces = splitByTokens(longMessage, createTiktokenCounter("o200k_base"), 512);
 * pieces.join("") === longMessage; // true
 * ```
 */
export function splitByTokens(text: string, counter: TokenCounter, maxTokens: number): string[] {
  return splitByTokensWithCounts(text, counter, maxTokens).map((piece) => piece.content);
}

/**
 * Like {@link splitByTokens}, but also returns each piece's token count, which the split has
 * already measured, so callers that store counts need not count every piece again. `textTokens`,
 * the count of the whole `text` when the caller already has it, replaces the calibration sample
 * (the first 4,096 characters counted up front); every piece is still measured.
 *
 * @example
 * ```ts
 * for (const { content, tokenCount } of splitByTokensWithCounts(text, counter, 512)) store(content, tokenCount);
 * ```
 */
export function splitByTokensWithCounts(text: string, counter: TokenCounter, maxTokens: number, textTokens?: number): TokenPiece[] {
  if (typeof text !== "string") throw new InvalidInputError("text: must be a string.");
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new InvalidInputError("maxTokens: must be a positive integer.");
  if (text.length === 0) return [];
  // A caller that has counted the whole text (ingest does) saves the calibration sample's count.
  const sampleEnd = textTokens === undefined ? codePointFloor(text, Math.min(text.length, sampleLength)) : text.length;
  const sampleCount = textTokens ?? counter.count(text.slice(0, sampleEnd));
  if (sampleEnd === text.length && sampleCount <= maxTokens) return [{ content: text, tokenCount: sampleCount }];
  const search: Search = { text, counter, maxTokens, rough: roughTokenSums(text), scale: 1 };
  search.scale = sampleCount > 0 ? sampleCount / roughBetween(search, 0, sampleEnd) : 1;
  const pieces: TokenPiece[] = [];
  for (let start = 0; start < text.length; ) {
    const piece = findPieceEnd(search, start);
    pieces.push({ content: text.slice(start, piece.end), tokenCount: piece.count });
    // The rough estimate is off by a factor that depends on tokenizer and language: recalibrate.
    if (piece.count > 0) search.scale = piece.count / roughBetween(search, start, piece.end);
    start = piece.end;
  }
  return pieces;
}

/** One split in progress: `rough[i]` estimates the tokens of `text.slice(0, i)`, `scale` is measured tokens per rough token. */
type Search = { text: string; counter: TokenCounter; maxTokens: number; rough: Float64Array; scale: number };

/** What the search knows: `lo` is a measured end that fits, `hi` one that does not (Infinity: none yet). */
type Bracket = { lo: number; loCount: number; hi: number; hiCount: number };
/** A piece end and the measured count of the piece. */
type Cut = { end: number; count: number };

/**
 * Finds where the piece starting at `start` ends. Every candidate end is measured with the counter,
 * so the result fits even when counts are not monotonic (BPE merges, normalisation). Guesses come
 * from the rough estimate, then from interpolation between a fitting and a too-long end, with
 * bisection whenever interpolation fails to halve the bracket; a fit within the slack ends the search.
 */
function findPieceEnd(search: Search, start: number): Cut {
  const { text, counter, maxTokens } = search;
  const slack = Math.floor(maxTokens * slackShare);
  // Aim below the maximum so that backing off to a space still lands inside the slack.
  const target = maxTokens - Math.floor(slack / 2);
  const bracket: Bracket = { lo: start, loCount: 0, hi: Number.POSITIVE_INFINITY, hiCount: Number.POSITIVE_INFINITY };
  let guess = positionOfRough(search, roughAt(search, start) + target / search.scale);
  for (;;) {
    const probe = pickProbe(text, start, bracket, guess);
    if (probe === undefined) break;
    const width = bracket.hi - bracket.lo;
    const count = counter.count(text.slice(start, probe));
    if (count <= maxTokens) {
      bracket.lo = probe;
      bracket.loCount = count;
      if (probe === text.length || count >= maxTokens - slack) break;
    } else {
      bracket.hi = probe;
      bracket.hiCount = count;
    }
    guess = nextGuess(search, start, bracket, target, bracket.hi - bracket.lo > width / 2);
  }
  // Nothing fits only when the first code point alone is over budget: it becomes its own piece.
  if (bracket.lo === start) return { end: bracket.hi, count: bracket.hiCount };
  return settle(search, start, { end: bracket.lo, count: bracket.loCount });
}

function nextGuess(search: Search, start: number, bracket: Bracket, target: number, bisect: boolean): number {
  const { lo, loCount, hi, hiCount } = bracket;
  const roughLo = roughAt(search, lo);
  if (hi === Number.POSITIVE_INFINITY) {
    const rate = loCount > 0 ? loCount / (roughLo - roughAt(search, start)) : search.scale;
    return positionOfRough(search, roughLo + (target - loCount) / rate);
  }
  if (bisect) return (lo + hi) / 2;
  return positionOfRough(search, roughLo + ((roughAt(search, hi) - roughLo) * (target - loCount)) / (hiCount - loCount));
}

// How far, in UTF-16 units, a finished cut may move to a better boundary when the slack alone is too
// short for that (small budgets, where 15% is a character or two), and the tokens it may then lose.
const boundaryReach = 32;
const boundaryTokens = 8;

/**
 * Moves a cut that the search left inside a word or a grapheme cluster, at the price of one more
 * count of the piece: first out of the cluster, then to a word boundary or line break. Cuts already
 * between words stay, even when a line break is near: the extra count would double the cost of prose.
 */
function settle(search: Search, start: number, cut: Cut): Cut {
  if (cut.end === search.text.length) return cut;
  return preferBoundary(search, start, cutRank(search.text, cut.end) === 0 ? keepClusterWhole(search, start, cut) : cut);
}

/** Moves a cut inside a grapheme cluster (an accent, an emoji sequence) to the cluster's start. */
function keepClusterWhole(search: Search, start: number, cut: Cut): Cut {
  const floor = Math.max(start + 1, cut.end - boundaryReach);
  for (let position = cut.end - 1; position >= floor; position--) {
    if (cutRank(search.text, position) > 0) return recount(search, start, position, cut, Number.POSITIVE_INFINITY);
  }
  return cut;
}

/**
 * Moves a cut inside a word to a word boundary or line break, within the slack behind it or the
 * unused budget ahead of it, if the piece loses at most the slack (or half of a small budget). The
 * limit matters before dense text such as CJK, where a few characters back cost many tokens.
 */
function preferBoundary(search: Search, start: number, cut: Cut): Cut {
  const { text, maxTokens } = search;
  const rank = cutRank(text, cut.end);
  if (rank >= wordRank) return cut;
  const length = cut.end - start;
  const back = Math.max(Math.floor(length * slackShare), Math.min(boundaryReach, length >> 1));
  const ahead = Math.min(length, Math.floor(((maxTokens - cut.count) * length) / Math.max(cut.count, 1)));
  const better = bestCutIn(text, Math.max(start + 1, cut.end - back), Math.min(text.length - 1, cut.end + ahead));
  if (better === undefined || better.rank <= rank) return cut;
  return recount(search, start, better.position, cut, Math.max(Math.floor(maxTokens * slackShare), Math.min(boundaryTokens, maxTokens >> 1)));
}

/** The piece ending at `end` when it fits and loses at most `allowedLoss` tokens against `fallback`; else `fallback`. */
function recount(search: Search, start: number, end: number, fallback: Cut, allowedLoss: number): Cut {
  const count = search.counter.count(search.text.slice(start, end));
  return count <= search.maxTokens && fallback.count - count <= allowedLoss ? { end, count } : fallback;
}

/**
 * Prefix sums of a rough token estimate per UTF-16 unit, calibrated later by measured counts, so that
 * guesses follow density changes within a message (English, code and CJK differ fourfold).
 */
function roughTokenSums(text: string): Float64Array {
  const sums = new Float64Array(text.length + 1);
  let sum = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x20) sum += 0.05;
    else if (code < 0x80) sum += (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a) ? 0.25 : 0.6;
    else if (code < 0x800) sum += 0.5;
    else sum += code >= 0xd800 && code <= 0xdfff ? 0.75 : 1;
    sums[index + 1] = sum;
  }
  return sums;
}

const roughAt = (search: Search, position: number): number => search.rough[position] ?? 0;
const roughBetween = (search: Search, from: number, to: number): number => roughAt(search, to) - roughAt(search, from);

/** The last position whose rough prefix sum is at most `value` (the text length past the end). */
function positionOfRough(search: Search, value: number): number {
  let low = 0;
  let high = search.text.length;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (roughAt(search, middle) <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * A code point boundary strictly inside the bracket near `guess`, undefined when none is left. It
 * moves back to a better cut by at most half the slack, and at most half the way to `lo` so that the
 * bracket still shrinks fast.
 */
function pickProbe(text: string, start: number, bracket: Bracket, guess: number): number | undefined {
  const { lo, hi } = bracket;
  // A custom counter that returns NaN must not stall the search: fall back to the smallest step.
  const wanted = Number.isFinite(guess) ? Math.floor(guess) : lo + 1;
  let probe = codePointFloor(text, Math.max(lo + 1, Math.min(wanted, hi - 1, text.length)));
  if (probe <= lo) probe = nextCodePoint(text, lo);
  if (probe >= hi || probe > text.length) return undefined;
  if (probe === text.length) return probe;
  const reach = Math.min(Math.floor(((probe - start) * slackShare) / 2), Math.floor((probe - lo) / 2));
  return bestCutIn(text, Math.max(lo + 1, probe - reach), probe)?.position ?? probe;
}

// How good a cut is, best last: inside a grapheme cluster, at a grapheme boundary, between words,
// next to a line break.
const graphemeRank = 1;
const wordRank = 2;
const lineRank = 3;

/** The highest-ranked cut in [low, high], the latest among equals; undefined when the range is empty. */
function bestCutIn(text: string, low: number, high: number): { position: number; rank: number } | undefined {
  let best: { position: number; rank: number } | undefined;
  for (let position = high; position >= low; position--) {
    const rank = cutRank(text, position);
    if (rank === lineRank) return { position, rank };
    if (best === undefined || rank > best.rank) best = { position, rank };
  }
  return best;
}

function cutRank(text: string, position: number): number {
  if (!isGraphemeCut(text, position)) return 0;
  const before = text.charCodeAt(position - 1);
  const after = text.charCodeAt(position);
  if (isSpace(before) === isSpace(after)) return graphemeRank;
  return isLineBreak(before) || isLineBreak(after) ? lineRank : wordRank;
}

// Characters that attach to the one before them: combining marks (including variation selectors),
// emoji skin-tone modifiers, zero-width (non-)joiners and emoji tag characters.
const extendingCharacter = /\p{M}|\p{Emoji_Modifier}|\u200C|\u200D|[\u{E0020}-\u{E007F}]/uy;
const regionalIndicator = /\p{Regional_Indicator}/uy;
const spaceCharacter = /\s/;

/**
 * A cheap approximation of a grapheme cluster boundary, enough to keep accents, emoji sequences,
 * flags and CRLF whole. Always false inside a surrogate pair, which is the one hard rule.
 */
function isGraphemeCut(text: string, position: number): boolean {
  const before = text.charCodeAt(position - 1);
  const after = text.charCodeAt(position);
  if (isHighSurrogate(before) && isLowSurrogate(after)) return false;
  if (before === 0x200d || (before === 0x0d && after === 0x0a)) return false;
  return !matchesAt(extendingCharacter, text, position) && !splitsFlag(text, position);
}

/** True between the two regional indicators of a flag: after an odd run of them (looking back 64 at most). */
function splitsFlag(text: string, position: number): boolean {
  if (!matchesAt(regionalIndicator, text, position)) return false;
  let before = 0;
  while (before < 64 && matchesAt(regionalIndicator, text, position - 2 * (before + 1))) before++;
  return before % 2 === 1;
}

function matchesAt(pattern: RegExp, text: string, position: number): boolean {
  if (position < 0) return false;
  pattern.lastIndex = position;
  return pattern.test(text);
}

const isSpace = (code: number): boolean => !Number.isNaN(code) && spaceCharacter.test(String.fromCharCode(code));
const isLineBreak = (code: number): boolean => code === 0x0a || code === 0x0d;
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** `position`, moved back one unit when it falls between the two halves of a surrogate pair. */
function codePointFloor(text: string, position: number): number {
  if (position <= 0 || position >= text.length) return position;
  return isLowSurrogate(text.charCodeAt(position)) && isHighSurrogate(text.charCodeAt(position - 1)) ? position - 1 : position;
}

/** The boundary after the code point that starts at `position`. */
function nextCodePoint(text: string, position: number): number {
  return isHighSurrogate(text.charCodeAt(position)) && isLowSurrogate(text.charCodeAt(position + 1)) ? position + 2 : position + 1;
}
