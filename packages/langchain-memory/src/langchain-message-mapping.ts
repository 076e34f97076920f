import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  isAIMessage,
  type StoredMessage as LangChainStoredMessage,
  type MessageContent,
  mapStoredMessageToChatMessage,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";
import { InvalidInputError, type MessageInput, type MessageRole, type StoredMessage } from "@mnemo/core";

/** The metadata key under which the full serialized LangChain message (`message.toDict()`) is kept. */
export const langchainMetadataKey = "langchain";

const assistantRoles: ReadonlySet<string> = new Set(["assistant", "ai", "model", "bot"]);

/**
 * The Mnemo message for a LangChain message. `content` is the searchable text; the exact original
 * (tool calls, usage, ids, content blocks…) is kept as JSON in `metadata.langchain`.
 */
export function toMessageInput(message: BaseMessage, scope: { userId: string; conversationId: string }): MessageInput {
  // A JSON round trip drops `undefined` fields, which Mnemo's JSON metadata could not hold anyway.
  const serialized = JSON.parse(JSON.stringify(message.toDict())) as LangChainStoredMessage;
  return {
    userId: scope.userId,
    conversationId: scope.conversationId,
    ...(message.id ? { id: message.id } : {}),
    role: roleOf(message),
    ...(message.name ? { name: message.name } : {}),
    content: searchableContent(message),
    metadata: { [langchainMetadataKey]: serialized },
    dedupe: "id",
  };
}

/**
 * The LangChain message for a stored Mnemo message: the original rebuilt from `metadata.langchain`,
 * or, for a message written without this adapter, one made from its role and content.
 */
export function toLangChainMessage(stored: StoredMessage): BaseMessage {
  const original = stored.metadata[langchainMetadataKey];
  if (isSerializedMessage(original)) return mapStoredMessageToChatMessage(original);
  const fields = { content: stored.content, id: stored.id, ...(stored.name ? { name: stored.name } : {}) };
  switch (stored.role) {
    case "user":
      return new HumanMessage(fields);
    case "assistant":
      return new AIMessage(fields);
    case "system":
      return new SystemMessage(fields);
    case "tool": {
      const toolCallId = stored.metadata.toolCallId ?? stored.metadata.tool_call_id;
      return new ToolMessage({ ...fields, tool_call_id: typeof toolCallId === "string" ? toolCallId : stored.id });
    }
  }
}

function roleOf(message: BaseMessage): MessageRole {
  const type = message.getType();
  switch (type) {
    case "human":
      return "user";
    case "ai":
      return "assistant";
    case "system":
      return "system";
    case "tool":
    case "function":
      return "tool";
    case "generic": {
      const role = (message as BaseMessage & { role?: unknown }).role;
      return typeof role === "string" && assistantRoles.has(role.toLowerCase()) ? "assistant" : "user";
    }
    default:
      // "remove" and other control messages are instructions to a graph, not conversation turns.
      throw new InvalidInputError(`Cannot store a LangChain message of type "${type}": store only human, ai, system, tool, function and generic messages.`);
  }
}

/**
 * The text Mnemo indexes: string content as is, the text blocks of array content joined. Mnemo
 * rejects blank content, so a message with no text gets a bracketed placeholder (an AI message
 * that only calls tools: `[tool calls: search, lookup]`); the exact original is in the metadata.
 */
export function searchableContent(message: BaseMessage): string {
  const text = textOf(message.content);
  if (text.trim().length > 0) return text;
  if (isAIMessage(message) && message.tool_calls && message.tool_calls.length > 0) {
    return `[tool calls: ${message.tool_calls.map((call) => call.name).join(", ")}]`;
  }
  if (Array.isArray(message.content) && message.content.length > 0) {
    return `[${message.content.map((block) => (typeof block === "string" ? "text" : String(block.type))).join(", ")}]`;
  }
  return `[empty ${message.getType()} message]`;
}

function textOf(content: MessageContent): string {
  if (typeof content === "string") return content;
  return content
    .flatMap((block) => {
      if (typeof block === "string") return [block];
      return block.type === "text" && typeof block.text === "string" ? [block.text] : [];
    })
    .join("\n");
}

function isSerializedMessage(value: unknown): value is LangChainStoredMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string" && "data" in value;
}
