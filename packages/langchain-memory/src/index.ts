export { MnemoChatMessageHistory, type MnemoChatMessageHistoryOptions } from "./chat-message-history.js";
export { langchainMetadataKey } from "./langchain-message-mapping.js";
