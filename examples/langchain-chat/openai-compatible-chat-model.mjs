// A small LangChain chat model over any OpenAI-compatible /chat/completions endpoint (LM Studio,
// Ollama, vLLM, OpenAI), with tool calling. @langchain/openai would do this too, but it requires
// Node 22 and Mnemo supports Node 20; this is all the example needs, on plain fetch.
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";

function toOpenAIMessage(message) {
  switch (message.getType()) {
    case "system":
      return { role: "system", content: message.text };
    case "ai": {
      const calls = (message.tool_calls ?? []).map((call) => ({
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: JSON.stringify(call.args) },
      }));
      return { role: "assistant", content: message.text || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
    }
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id, content: message.text };
    default:
      return { role: "user", content: message.text };
  }
}

function toAIMessage(json) {
  const answer = json?.choices?.[0]?.message;
  if (!answer) throw new Error("The endpoint's answer has no choices[0].message.");
  const toolCalls = (answer.tool_calls ?? []).map((call) => ({
    id: call.id,
    name: call.function.name,
    args: JSON.parse(call.function.arguments || "{}"),
    type: "tool_call",
  }));
  return new AIMessage({ content: answer.content ?? "", tool_calls: toolCalls, ...(json.id ? { id: json.id } : {}) });
}

/** A chat model on `${baseUrl}/chat/completions`. */
export class OpenAICompatibleChatModel extends BaseChatModel {
  constructor({ baseUrl, model, apiKey, temperature = 0.3 }) {
    super({});
    this.baseUrl = baseUrl.replace(/\/+$/u, "");
    this.model = model;
    this.apiKey = apiKey;
    this.temperature = temperature;
  }

  _llmType() {
    return "openai-compatible";
  }

  bindTools(tools) {
    return this.withConfig({ tools: tools.map((tool) => convertToOpenAITool(tool)) });
  }

  async _generate(messages, options) {
    const body = { model: this.model, temperature: this.temperature, messages: messages.map(toOpenAIMessage) };
    if (options.tools?.length > 0) body.tools = options.tools;
    const response = await fetch(`${this.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: options.signal,
    });
    if (!response.ok) throw new Error(`${this.baseUrl}/chat/completions answered HTTP ${response.status}.`);
    const message = toAIMessage(await response.json());
    return { generations: [{ text: message.text, message }] };
  }
}
