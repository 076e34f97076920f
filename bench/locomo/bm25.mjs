// Plain Okapi BM25, the baseline the LoCoMo README quotes: lower-case, split on non-alphanumerics,
// English stop words removed, k1 = 1.2, b = 0.75.

/** NLTK's English stop-word list (it already holds the fragments "don't" splits into: "don", "t"). */
export const stopWords = new Set(
  `i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself yourselves he him his himself she
  she's her hers herself it it's its itself they them their theirs themselves what which who whom this that that'll these those
  am is are was were be been being have has had having do does did doing a an the and but if or because as until while of at
  by for with about against between into through during before after above below to from up down in out on off over under
  again further then once here there when where why how all any both each few more most other some such no nor not only own
  same so than too very s t can will just don don't should should've now d ll m o re ve y ain aren aren't couldn couldn't
  didn didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't needn needn't
  shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't`
    .split(/\s+/)
    .filter(Boolean),
);

/** Lower-cased alphanumeric terms of `text`, stop words removed. */
export function tokenize(text) {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term !== "" && !stopWords.has(term));
}

/**
 * An Okapi BM25 index over `documents` (`{ id, text }`). The idf is Lucene's non-negative form,
 * ln(1 + (N − n + 0.5) / (n + 0.5)), so a term in most documents never lowers a score.
 */
export function createBm25(documents, { k1 = 1.2, b = 0.75 } = {}) {
  const postings = new Map();
  const lengths = documents.map((document, index) => {
    const terms = tokenize(document.text);
    const counts = new Map();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, frequency] of counts) {
      if (!postings.has(term)) postings.set(term, []);
      postings.get(term).push([index, frequency]);
    }
    return terms.length;
  });
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, documents.length);
  const idf = (term) => {
    const n = postings.get(term)?.length ?? 0;
    return Math.log(1 + (documents.length - n + 0.5) / (n + 0.5));
  };

  /** The best `limit` documents for `query` as `{ id, score }`, best first; only documents sharing a term. */
  function search(query, limit = documents.length) {
    const scores = new Map();
    for (const term of new Set(tokenize(query))) {
      const weight = idf(term);
      for (const [index, frequency] of postings.get(term) ?? []) {
        const norm = k1 * (1 - b + (b * lengths[index]) / averageLength);
        scores.set(index, (scores.get(index) ?? 0) + (weight * (frequency * (k1 + 1))) / (frequency + norm));
      }
    }
    // Ties go to the earlier document so every run ranks the same way.
    return [...scores]
      .sort((left, right) => right[1] - left[1] || left[0] - right[0])
      .slice(0, limit)
      .map(([index, score]) => ({ id: documents[index].id, score }));
  }

  return { search, idf, averageLength, size: documents.length };
}
