export { type LlamaIndexMemoryMessage, llamaindexMetadataKey } from "./chat-store/llamaindex-message-mapping.js";
export { MnemoChatStore, type MnemoChatStoreOptions } from "./chat-store/mnemo-chat-store.js";
export { fromLlamaIndexEmbedding } from "./embeddings/from-llamaindex-embedding.js";
export { MnemoEmbedding, type MnemoEmbeddingOptions } from "./embeddings/mnemo-embedding.js";
export { loadSessionSnapshot, type MnemoSessionOptions, saveSessionSnapshot, sessionCursorCollection } from "./memory/session-snapshot.js";
export {
  createMnemoTools,
  createRetrieveUserInfoTool,
  createSaveToModelMemoryTool,
  type MnemoTool,
  type MnemoToolContext,
  type MnemoToolsOptions,
  type RetrieveUserInfoArguments,
  type SaveToModelMemoryArguments,
} from "./tools/mnemo-tools.js";
export { MnemoVectorStore, type MnemoVectorStoreOptions } from "./vector-store/mnemo-vector-store.js";
export { nodeMetadataKey } from "./vector-store/node-record-mapping.js";
