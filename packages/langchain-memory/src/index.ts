export { type ChatModelSummarizerOptions, summarizerFromChatModel } from "./adapters/chat-model-summarizer.js";
export { embedderFromLangChain, MnemoEmbeddings } from "./adapters/langchain-embeddings.js";
export { MnemoChatMessageHistory, type MnemoChatMessageHistoryOptions } from "./chat-message-history.js";
export { conversationIdFrom, type RuntimeLike, userIdFrom } from "./identity/runtime-identity.js";
export { langchainMetadataKey } from "./langchain-message-mapping.js";
export { type MnemoDocumentMetadata, MnemoRetriever, type MnemoRetrieverOptions, type RetrieverSource } from "./retriever/mnemo-retriever.js";
export {
  createMnemoTools,
  createRetrieveUserInfoTool,
  createSaveToModelMemoryTool,
  createSearchMemoryTool,
  type MnemoToolsOptions,
} from "./tools/mnemo-tools.js";
