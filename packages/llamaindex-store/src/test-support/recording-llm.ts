import type {
  ChatMessage,
  ChatResponse,
  ChatResponseChunk,
  CompletionResponse,
  LLMChatParamsNonStreaming,
  LLMChatParamsStreaming,
  LLMCompletionParamsNonStreaming,
  LLMCompletionParamsStreaming,
} from "@llamaindex/core/llms";
import { MockLLM } from "@llamaindex/core/llms/mock";

/** LlamaIndex's own MockLLM that records every message list it is sent and answers from a script. */
export class RecordingLLM extends MockLLM {
  readonly received: ChatMessage[][] = [];
  readonly #answers: string[];

  constructor(answers: string[]) {
    super({
      timeBetweenToken: 0,
      metadata: { model: "recording-mock", temperature: 0, topP: 1, contextWindow: 8_192, tokenizer: undefined, structuredOutput: false },
    });
    this.#answers = [...answers];
  }

  override chat(params: LLMChatParamsStreaming<object, object>): Promise<AsyncIterable<ChatResponseChunk>>;
  override chat(params: LLMChatParamsNonStreaming<object, object>): Promise<ChatResponse<object>>;
  override async chat(
    params: LLMChatParamsStreaming<object, object> | LLMChatParamsNonStreaming<object, object>,
  ): Promise<AsyncIterable<ChatResponseChunk> | ChatResponse<object>> {
    this.received.push(params.messages.map((message) => ({ ...message })));
    this.options.responseMessage = this.#answers.shift() ?? "No more scripted answers.";
    return params.stream ? super.chat(params) : super.chat(params);
  }

  override complete(params: LLMCompletionParamsStreaming): Promise<AsyncIterable<CompletionResponse>>;
  override complete(params: LLMCompletionParamsNonStreaming): Promise<CompletionResponse>;
  override async complete(
    params: LLMCompletionParamsStreaming | LLMCompletionParamsNonStreaming,
  ): Promise<AsyncIterable<CompletionResponse> | CompletionResponse> {
    this.received.push([{ role: "user", content: params.prompt }]);
    this.options.responseMessage = this.#answers.shift() ?? "No more scripted answers.";
    return params.stream ? super.complete(params) : super.complete(params);
  }

  /** All text of the last request, to check what the model was shown. */
  lastPrompt(): string {
    return (this.received.at(-1) ?? [])
      .map((message) => `${message.role}: ${typeof message.content === "string" ? message.content : JSON.stringify(message.content)}`)
      .join("\n");
  }
}
