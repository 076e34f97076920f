import { type DatabaseOption, openDriver } from "../driver/open-driver.js";
import type { Embedder } from "../embeddings/embedder.js";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { defaultMessageLimits, type MessageLimits } from "../ingest/message-input.js";
import type { Bm25Options } from "../search/bm25-sql.js";
import type { FusionOptions } from "../search/fuse-rankings.js";
import { englishStopWords } from "../search/stop-words.js";
import { PostgresStore } from "../store/postgres-store.js";
import { createExtractiveSummarizer } from "../summarize/extractive-summarizer.js";
import type { Summarizer } from "../summarize/summarizer.js";
import { resolveTokenCounter } from "../tokens/resolve-token-counter.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import { Memory } from "./memory.js";

/** Options for {@link createMemory}. */
export interface MemoryOptions {
  /**
   * Where to store: a `postgres://` URL, a `pg.Pool` or PGlite instance you own, `{ dataDir }`
   * (`"memory://"` for in-memory), or omitted for the embedded default (`$MNEMO_HOME`, else `~/.mnemo`).
   */
  database?: DatabaseOption;
  /** PostgreSQL schema for Mnemo's tables. @default "mnemo" */
  schema?: string;
  /**
   * Tokenizer for stored counts: `o200k_base`, `cl100k_base`, an OpenAI model name (`gpt-4o`),
   * `hf:<hub id or local folder>`, or your own {@link TokenCounter}. @default "o200k_base"
   */
  tokenizer?: string | TokenCounter;
  /** Messages above this many tokens are stored in pieces of at most this size. @default 512 */
  chunkTokens?: number;
  /** Size limits for one message. */
  limits?: Partial<MessageLimits>;
  /** Apply pending migrations on start. @default true */
  migrate?: boolean;
  /** Pool size when Mnemo opens a server connection itself. @default 10 */
  maxConnections?: number;
  /** Embeds pieces at ingest and queries at search time; without one, search is lexical only. */
  embedder?: Embedder | undefined;
  /**
   * PostgreSQL text search configuration for lexical search (`simple`, `english`, …). Fixed per
   * store: the search vectors of stored pieces are built with it. @default "simple"
   */
  searchLanguage?: string;
  /**
   * Weights of the hybrid fusion, chosen on the LoCoMo development split (bench/locomo/tune-fusion.mjs).
   * @default { lexicalWeight: 1, vectorWeight: 0.6, k: 5 }
   */
  fusion?: Partial<FusionOptions>;
  /**
   * Users with at most this many pieces are searched by reading their own rows (exact vector scan, BM25
   * over their rows); larger users through the HNSW and GIN indexes. @default 20000
   */
  scanOwnRowsBelow?: number;
  /**
   * BM25 term-frequency saturation (`k1`) and length normalisation (`b`). Conversation turns are
   * short and alike in length, so less length normalisation than Okapi's 0.75 ranks better
   * (LoCoMo development split). @default { k1: 1.2, b: 0.3 }
   */
  bm25?: Partial<Bm25Options>;
  /**
   * Each ranked piece earns this share of the best scores of the messages right before and after it
   * (answers sit next to the turns that name their topic). Chosen on the LoCoMo development split. @default 0.5
   */
  neighbourShare?: number;
  /**
   * Keywords stored per message, shown in search results and usable as a search filter. `tfidf`
   * scores words against the user's per-user document frequencies inside the write; `keybert` (needs
   * an embedder) scores 1–3-word phrases by similarity to the message, with MMR for diversity, at the
   * cost of embedding ~20 phrases per message. @default { top: 5, method: "tfidf" }
   */
  keywords?: { top?: number; method?: "tfidf" | "keybert" };
  /**
   * Folds old turns into each conversation's running summary, on overflow and when idle: the offline
   * extractive summariser, an OpenAI-compatible chat endpoint ({@link createOpenAICompatibleSummarizer}),
   * or your own function ({@link summarizerFromFunction}). @default createExtractiveSummarizer()
   */
  summarizer?: Summarizer;
}

/**
 * Opens a memory: connects (or starts the embedded engine), migrates, and returns the facade.
 * @example
 * const memory = await createMemory({ database: { dataDir: "./data" } });
 * await memory.append({ userId: "ada", conversationId: "c1", role: "user", content: "Hello!" });
 * console.log(await memory.history({ userId: "ada", conversationId: "c1", last: 20 }));
 * await memory.close();
 */
export async function createMemory(options: MemoryOptions = {}): Promise<Memory> {
  const chunkTokens = options.chunkTokens ?? 512;
  if (!Number.isInteger(chunkTokens) || chunkTokens < 16 || chunkTokens > 8192) {
    throw new InvalidInputError("chunkTokens: must be an integer from 16 to 8192.");
  }
  const schema = options.schema ?? "mnemo";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new InvalidInputError("schema: must be a lower-case SQL identifier (letters, digits, _; at most 63 characters).");
  }
  const keywordsTop = options.keywords?.top ?? 5;
  if (!Number.isInteger(keywordsTop) || keywordsTop < 0 || keywordsTop > 50) throw new InvalidInputError("keywords.top: must be an integer from 0 to 50.");
  const keywordMethod = options.keywords?.method ?? "tfidf";
  if (keywordMethod !== "tfidf" && keywordMethod !== "keybert") throw new InvalidInputError('keywords.method: must be "tfidf" or "keybert".');
  if (keywordMethod === "keybert" && !options.embedder) throw new InvalidInputError('keywords.method "keybert" needs an embedder; pass one, or use "tfidf".');
  const counter = await resolveTokenCounter(options.tokenizer);
  const driver = await openDriver(options.database, options.maxConnections);
  const searchConfig = options.searchLanguage ?? "simple";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(searchConfig))
    throw new InvalidInputError("searchLanguage: must be a text search configuration name such as simple or english.");
  const store = new PostgresStore(driver, { schema, searchConfig, keywords: { top: keywordsTop, stopWords: englishStopWords, method: keywordMethod } });
  try {
    if (options.migrate !== false) await store.migrate();
    const embedder = options.embedder;
    const model = embedder ? await store.registerEmbeddingModel(embedder.id, embedder.dimensions) : undefined;
    return new Memory({
      store,
      prepare: { counter, chunkTokens, limits: { ...defaultMessageLimits, ...options.limits } },
      embedding: embedder && model ? { embedder, model } : undefined,
      search: {
        fusion: { lexicalWeight: 1, vectorWeight: 0.6, k: 5, ...options.fusion },
        candidateFactor: 5,
        exactBelow: options.scanOwnRowsBelow ?? 20_000,
        stopWords: searchConfig === "simple" ? englishStopWords : [],
        bm25: { k1: 1.2, b: 0.3, ...options.bm25 },
        neighbourShare: options.neighbourShare ?? 0.5,
      },
      summarizer: options.summarizer ?? createExtractiveSummarizer(),
    });
  } catch (error) {
    await driver.close();
    throw error;
  }
}
