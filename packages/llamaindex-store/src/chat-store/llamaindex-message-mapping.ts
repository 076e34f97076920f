import type { ChatMessage, MessageContent, MessageType } from "@llamaindex/core/llms";
import type { MessageInput, MessageRole, StoredMessage } from "@mnemo/core";

/** The metadata key under which the parts of a LlamaIndex message that Mnemo's columns cannot hold are kept. */
export const llamaindexMetadataKey = "llamaindex";

/** What is kept under `metadata.llamaindex`: only what the stored role and content do not already say. */
interface KeptOriginal {
  role?: MessageType;
  content?: MessageContent;
  options?: unknown;
  annotations?: unknown[];
}

/** A LlamaIndex message as the newer `Memory` holds it: a chat message with an id and a time. */
export interface LlamaIndexMemoryMessage extends ChatMessage {
  id: string;
  createdAt?: Date | string | undefined;
  annotations?: unknown[] | undefined;
}

const roles: Record<MessageType, MessageRole> = { user: "user", assistant: "assistant", system: "system", developer: "system", memory: "system" };

/**
 * The Mnemo message for a LlamaIndex chat message: `content` is the searchable text; whatever that
 * text and the role cannot say exactly (content parts, `options`, the roles `developer` and `memory`,
 * text that is not in Unicode NFC) is kept as JSON under `metadata.llamaindex`.
 */
export function toMessageInput(message: ChatMessage | LlamaIndexMemoryMessage, scope: { userId: string; conversationId: string }): MessageInput {
  const text = searchableContent(message.content);
  const role = roles[message.role] ?? "user";
  const kept: KeptOriginal = {};
  if (role !== message.role) kept.role = message.role;
  if (typeof message.content !== "string" || message.content !== text || text !== text.normalize("NFC")) kept.content = message.content;
  if (message.options !== undefined) kept.options = message.options;
  const memoryMessage = message as Partial<LlamaIndexMemoryMessage>;
  if (memoryMessage.annotations !== undefined) kept.annotations = memoryMessage.annotations;
  return {
    userId: scope.userId,
    conversationId: scope.conversationId,
    ...(typeof memoryMessage.id === "string" ? { id: memoryMessage.id } : {}),
    ...(memoryMessage.createdAt !== undefined ? { createdAt: memoryMessage.createdAt } : {}),
    role,
    content: text,
    // A JSON round trip drops `undefined` fields, which Mnemo's JSON metadata could not hold anyway.
    ...(Object.keys(kept).length > 0 ? { metadata: { [llamaindexMetadataKey]: JSON.parse(JSON.stringify(kept)) } } : {}),
    dedupe: "id",
  };
}

/** The LlamaIndex chat message for a stored Mnemo message (one written elsewhere reads back from its role and content). */
export function toChatMessage(stored: StoredMessage): ChatMessage {
  const kept = keptOriginal(stored);
  const role: MessageType = kept.role ?? (stored.role === "tool" ? "user" : stored.role);
  const message: ChatMessage = { content: kept.content ?? stored.content, role };
  if (kept.options !== undefined) message.options = kept.options as object;
  return message;
}

/** The `Memory` message (with id and time) for a stored Mnemo message. */
export function toMemoryMessage(stored: StoredMessage): LlamaIndexMemoryMessage {
  const kept = keptOriginal(stored);
  return { id: stored.id, createdAt: stored.createdAt, ...toChatMessage(stored), ...(kept.annotations ? { annotations: kept.annotations } : {}) };
}

/**
 * The text Mnemo indexes: string content as is, the text parts of array content joined by a newline.
 * Mnemo rejects blank content, so a message without text gets a bracketed placeholder (`[image_url]`);
 * the original is kept in the metadata.
 */
export function searchableContent(content: MessageContent): string {
  if (typeof content === "string") return content.trim().length > 0 ? content : "[empty message]";
  const text = content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
  if (text.trim().length > 0) return text;
  return content.length > 0 ? `[${content.map((part) => part.type).join(", ")}]` : "[empty message]";
}

function keptOriginal(stored: StoredMessage): KeptOriginal {
  const kept = stored.metadata[llamaindexMetadataKey];
  return typeof kept === "object" && kept !== null && !Array.isArray(kept) ? (kept as KeptOriginal) : {};
}
