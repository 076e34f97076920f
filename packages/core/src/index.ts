export {
  type ApiKeyGrant,
  type ApiKeyInfo,
  ApiKeys,
  type CreateApiKeyInput,
  type CreatedApiKey,
  grantAllowsScope,
  grantAllowsUser,
} from "./api-keys/api-keys.js";
export { isWithinScope, scopePathSchema } from "./api-keys/scope-path.js";
export type { BuildContextOptions, BuiltContext } from "./context/build-context.js";
export type { CompactedConversation, CompactIdleOptions, CompactIdleResult } from "./context/compact-idle.js";
export { type ContextBudgetDetails, ContextBudgetError } from "./context/context-budget-error.js";
export {
  type ContextItem,
  type ContextSectionName,
  type ContextSectionReport,
  type ContextShares,
  type ContextTurn,
  defaultContextShares,
  type OmissionReason,
  type PackedContext,
  type PackedMessage,
  type PackInput,
  packContext,
  type RetrievedPiece,
} from "./context/pack-context.js";
export type { ConversationState, SummaryOutcome } from "./context/summaries.js";
export { detectContentType } from "./documents/detect-content-type.js";
export {
  type AddDocumentInput,
  type AddDocumentResult,
  type DocumentHit,
  type DocumentSearchInput,
  type ReferenceChunk,
  type ReferenceDocument,
  ReferenceDocuments,
} from "./documents/documents.js";
export {
  type DocumentChunk,
  type DocumentContentType,
  type DocumentInput,
  documentContentTypes,
  type SplitDocumentOptions,
  splitDocument,
} from "./documents/split-document.js";
export type { Driver, Queryable, QueryResult } from "./driver/driver.js";
export { type DatabaseOption, defaultDataDir, openDriver } from "./driver/open-driver.js";
export type { PgClientLike, PgPoolLike } from "./driver/pg-driver.js";
export type { PGliteLike } from "./driver/pglite-driver.js";
export type { Embedder } from "./embeddings/embedder.js";
export { type EmbeddingsLike, type FromEmbeddingsOptions, fromEmbeddings } from "./embeddings/embeddings-adapter.js";
export { createHuggingFaceEmbedder, type HuggingFaceDtype, type HuggingFaceEmbedderOptions, huggingFaceDtypes } from "./embeddings/huggingface-embedder.js";
export { createOpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from "./embeddings/openai-compatible-embedder.js";
export { type EnhancedPrompt, type EnhanceOptions, type EnhanceSource, enhancePrompt, keywordsOf } from "./enhance/enhance-prompt.js";
export { type Exchange, type FindExchangesOptions, findExchanges, titleOf } from "./enhance/find-exchanges.js";
export { ConflictError } from "./errors/conflict-error.js";
export { type InputIssue, InvalidInputError } from "./errors/invalid-input-error.js";
export { MigrationError } from "./errors/migration-error.js";
export { MnemoError, type MnemoErrorCode, type MnemoErrorOptions } from "./errors/mnemo-error.js";
export { NotFoundError } from "./errors/not-found-error.js";
export { UnavailableError } from "./errors/unavailable-error.js";
export { type ChatGptReadOptions, parseChatGptConversation, readChatGptExport } from "./importers/chatgpt.js";
export { emptyImportReport, type ImportOptions, type ImportReport, importConversations } from "./importers/import-conversations.js";
export {
  type ImportedConversation,
  type ImportedMessage,
  type ImportItem,
  type ImportProblem,
  importedMessageId,
  toMessageInputs,
} from "./importers/imported-conversation.js";
export { type JsonlReadOptions, readJsonl } from "./importers/jsonl.js";
export { type LangChainPostgresReadOptions, readLangChainPostgres } from "./importers/langchain-postgres.js";
export { defaultLmStudioFolder, type LmStudioReadOptions, parseLmStudioConversation, readLmStudioFolder } from "./importers/lmstudio.js";
export { defaultMaxFileBytes } from "./importers/read-source-file.js";
export {
  type DedupeMode,
  defaultMessageLimits,
  type MessageInput,
  type MessageLimits,
  type MessageRole,
  messageRoles,
} from "./ingest/message-input.js";
export { splitByTokens, splitByTokensWithCounts, type TokenPiece } from "./ingest/split-by-tokens.js";
export { type CandidatePhraseOptions, candidatePhrases, type KeybertInput, type KeybertOptions, type Keyword, keybertKeywords } from "./keywords/keybert.js";
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
export { EmbeddingDimensionError } from "./records/embedding-dimension-error.js";
export { type FilterOperator, filterOperators, type MetadataFilter } from "./records/metadata-filter.js";
export type { DeleteRecordsInput, RecordInput, RecordQueryInput, RecordVectorModel, UpsertRecordsInput } from "./records/record-schemas.js";
export { Records, type ScopeCount } from "./records/records.js";
export type { RecordHit, StoredRecord } from "./records/stored-record.js";
export type { UpsertResult } from "./records/write-records.js";
export type { Bm25Options } from "./search/bm25-sql.js";
export { type Fused, type FusedHit, type FusionOptions, fuseRanked, fuseRankings } from "./search/fuse-rankings.js";
export { cosineSimilarity, type MmrOptions, maximalMarginalRelevance, type RelevanceCandidate } from "./search/mmr.js";
export type { SearchFilters } from "./search/search-filters.js";
export type { SearchTuning } from "./search/search-memory.js";
export type { PieceHit, VectorModel } from "./search/search-messages.js";
export type { SearchMode, SearchOptions, SearchResult } from "./search/search-options.js";
export { smoothNeighbours } from "./search/smooth-neighbours.js";
export { englishStopWords } from "./search/stop-words.js";
export { vectorOverOwnRows } from "./search/vector-over-own-rows.js";
export { type ActiveSettings, type JsonValue, type SettingChange, Settings, type SettingValue, type SettingVersion } from "./settings/settings.js";
export { type MigrateResult, migrate } from "./store/migrate.js";
export { type ConversationSummary, type HistoryQuery, type MemoryStats, type PieceRow, PostgresStore } from "./store/postgres-store.js";
export type { AppendResult, StoredMessage } from "./store/stored-message.js";
export { capToTokens } from "./summarize/cap-to-tokens.js";
export { createExtractiveSummarizer, type ExtractiveSummarizerOptions } from "./summarize/extractive-summarizer.js";
export { type FunctionSummarizerOptions, summarizerFromFunction } from "./summarize/function-summarizer.js";
export {
  createOpenAICompatibleSummarizer,
  defaultSummaryInstructions,
  type OpenAICompatibleSummarizerOptions,
  summaryPrompt,
} from "./summarize/openai-compatible-summarizer.js";
export type { Summarizer, SummaryMessage, SummaryRequest } from "./summarize/summarizer.js";
export { countChatTokens } from "./tokens/count-chat-tokens.js";
export { encodingForModel } from "./tokens/encoding-for-model.js";
export { createHuggingFaceTokenCounter } from "./tokens/huggingface-token-counter.js";
export { resolveTokenCounter } from "./tokens/resolve-token-counter.js";
export { createTiktokenCounter } from "./tokens/tiktoken-counter.js";
export type { ChatFormat, ChatMessageLike, TokenCounter } from "./tokens/token-counter.js";
export { type EstimateKOptions, estimateK, type KMeansOptions, type KMeansResult, kmeans } from "./topics/kmeans.js";
export type { Topic, TopicsOptions, TopicsResult } from "./topics/topics.js";
