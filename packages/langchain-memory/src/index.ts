export { MnemoChatMessageHistory, type MnemoChatMessageHistoryOptions } from "./chat-message-history.js";
export { langchainMetadataKey } from "./langchain-message-mapping.js";
export { type MnemoDocumentMetadata, MnemoRetriever, type MnemoRetrieverOptions, type RetrieverSource } from "./retriever/mnemo-retriever.js";
