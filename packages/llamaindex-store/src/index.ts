export { type LlamaIndexMemoryMessage, llamaindexMetadataKey } from "./chat-store/llamaindex-message-mapping.js";
export { MnemoChatStore, type MnemoChatStoreOptions } from "./chat-store/mnemo-chat-store.js";
