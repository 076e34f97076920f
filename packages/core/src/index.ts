export type { Driver, Queryable, QueryResult } from "./driver/driver.js";
export { type DatabaseOption, defaultDataDir, openDriver } from "./driver/open-driver.js";
export type { PgClientLike, PgPoolLike } from "./driver/pg-driver.js";
export type { PGliteLike } from "./driver/pglite-driver.js";
export type { Embedder } from "./embeddings/embedder.js";
export { type EmbeddingsLike, type FromEmbeddingsOptions, fromEmbeddings } from "./embeddings/embeddings-adapter.js";
export { createHuggingFaceEmbedder, type HuggingFaceDtype, type HuggingFaceEmbedderOptions, huggingFaceDtypes } from "./embeddings/huggingface-embedder.js";
export { createOpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from "./embeddings/openai-compatible-embedder.js";
export { ConflictError } from "./errors/conflict-error.js";
export { type InputIssue, InvalidInputError } from "./errors/invalid-input-error.js";
export { MigrationError } from "./errors/migration-error.js";
export { MnemoError, type MnemoErrorCode, type MnemoErrorOptions } from "./errors/mnemo-error.js";
export { NotFoundError } from "./errors/not-found-error.js";
export { UnavailableError } from "./errors/unavailable-error.js";
export {
  type DedupeMode,
  defaultMessageLimits,
  type MessageInput,
  type MessageLimits,
  type MessageRole,
  messageRoles,
} from "./ingest/message-input.js";
export { splitByTokens, splitByTokensWithCounts, type TokenPiece } from "./ingest/split-by-tokens.js";
export { createMemory, type MemoryOptions } from "./memory/create-memory.js";
export { type HistoryOptions, Memory, type MemoryParts, type ReindexOptions, searchableText } from "./memory/memory.js";
export {
  type AddMemoryInput,
  type ChangedBy,
  ModelMemory,
  type ModelMemoryChange,
  type ModelMemoryEntry,
  type ModelMemoryHit,
  type NearDuplicateOptions,
  type UpdateMemoryInput,
} from "./model-memory/model-memory.js";
export type { Bm25Options } from "./search/bm25-sql.js";
export { type Fused, type FusedHit, type FusionOptions, fuseRanked, fuseRankings } from "./search/fuse-rankings.js";
export type { SearchFilters } from "./search/search-filters.js";
export type { SearchTuning } from "./search/search-memory.js";
export type { PieceHit, VectorModel } from "./search/search-messages.js";
export type { SearchMode, SearchOptions, SearchResult } from "./search/search-options.js";
export { smoothNeighbours } from "./search/smooth-neighbours.js";
export { englishStopWords } from "./search/stop-words.js";
export { vectorOverOwnRows } from "./search/vector-over-own-rows.js";
export { type MigrateResult, migrate } from "./store/migrate.js";
export { type ConversationSummary, type HistoryQuery, type MemoryStats, type PieceRow, PostgresStore } from "./store/postgres-store.js";
export type { AppendResult, StoredMessage } from "./store/stored-message.js";
export { countChatTokens } from "./tokens/count-chat-tokens.js";
export { encodingForModel } from "./tokens/encoding-for-model.js";
export { createHuggingFaceTokenCounter } from "./tokens/huggingface-token-counter.js";
export { resolveTokenCounter } from "./tokens/resolve-token-counter.js";
export { createTiktokenCounter } from "./tokens/tiktoken-counter.js";
export type { ChatFormat, ChatMessageLike, TokenCounter } from "./tokens/token-counter.js";
