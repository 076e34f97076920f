/** A keyword of a message and its score. */
export interface ScoredKeyword {
  keyword: string;
  score: number;
}

const wordPattern = /[\p{L}\p{N}]+(?:['’_-][\p{L}\p{N}]+)*/gu;

/**
 * A text's candidate keywords with their counts: lower-cased words (letters and digits, joined by
 * inner apostrophes, hyphens or underscores), without stop words, numbers and one-letter words.
 * The same function counts words for the per-user document frequencies, at write and at delete.
 * @example
 * termFrequencies("The hotel, the HOTEL and tram 28", new Set(["the", "and"])); // Map { hotel → 2, tram → 1 }
 */
export function termFrequencies(text: string, stopWords: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.toLowerCase().matchAll(wordPattern)) {
    const word = match[0];
    if (word.length < 2 || stopWords.has(word) || /^[\p{N}'’_-]+$/u.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/**
 * The `top` words of a message by TF-IDF, `(1 + ln tf) · ln(1 + N / df)`, best first (ties by word):
 * `df` is how many of the user's `messages` (N) contain the word, this one included.
 */
export function topTfIdf(terms: ReadonlyMap<string, number>, df: (term: string) => number, messages: number, top: number): ScoredKeyword[] {
  return [...terms]
    .map(([keyword, tf]) => ({ keyword, score: (1 + Math.log(tf)) * Math.log(1 + messages / Math.max(df(keyword), 1)) }))
    .sort((a, b) => b.score - a.score || (a.keyword < b.keyword ? -1 : a.keyword > b.keyword ? 1 : 0))
    .slice(0, top);
}
