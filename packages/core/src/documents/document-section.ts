import type { TokenCounter } from "../tokens/token-counter.js";

/** A structural part of a document (a Markdown section, an operation, a JSON key) before it is cut to the token budget. */
export interface DocumentSection {
  /** The heading path, e.g. `Install > Linux`; undefined when the part has none. */
  heading: string | undefined;
  content: string;
}

/** What section builders may use: the budget, to group small parts, and the title, for parts without a heading. */
export interface SectionContext {
  counter: TokenCounter;
  chunkTokens: number;
  title: string | undefined;
}
