// The two chat models of the example, as LlamaIndex LLMs: an offline one that needs no model at all,
// and a client for any OpenAI-compatible /chat/completions endpoint (OpenAI, LM Studio, Ollama, vLLM).
import { BaseLLM } from "@llamaindex/core/llms";

const metadata = (model) => ({ model, temperature: 0, topP: 1, contextWindow: 8192, tokenizer: undefined, structuredOutput: false });
const textOf = (content) => (typeof content === "string" ? content : content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n"));
const wordsOf = (text) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []);

/**
 * Offline: answers with the sentence of the retrieved context that shares the most words with the
 * question, and says how many earlier messages of the conversation it was given. No network, no model.
 */
export class OfflineLLM extends BaseLLM {
  metadata = metadata("offline-extractive");

  async chat({ messages, stream }) {
    if (stream) throw new Error("OfflineLLM does not stream.");
    // ContextChatEngine puts its context system message after the history: the question is the last user message.
    const question = wordsOf(textOf(messages.findLast((message) => message.role === "user")?.content ?? ""));
    const context = messages
      .filter((message) => message.role === "system")
      .map((message) => textOf(message.content))
      .join("\n");
    // Paragraphs joined into one line each, then cut into sentences.
    const sentences = context
      .split(/\n\s*\n|\n(?=#|-{3})/)
      .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " "))
      .flatMap((paragraph) => paragraph.split(/(?<=[.!?])\s+/))
      .filter((sentence) => sentence.trim() && !/^-+$|^Context information|^#|^file:/.test(sentence.trim()));
    const score = (sentence) => [...wordsOf(sentence)].filter((word) => question.has(word)).length;
    const best = sentences.reduce((top, sentence) => (score(sentence) > score(top) ? sentence : top), "");
    const earlier = messages.filter((message) => message.role === "user" || message.role === "assistant").length - 1;
    const answer = score(best) > 0 ? `From your documents: ${best.trim()}` : "I found nothing about that in your documents.";
    return { message: { role: "assistant", content: `${answer} (I was given ${earlier} earlier messages of this conversation.)` }, raw: null };
  }
}

/** Any OpenAI-compatible endpoint: `baseUrl` such as http://localhost:1234/v1. */
export class OpenAICompatibleLLM extends BaseLLM {
  constructor({ baseUrl, model, apiKey }) {
    super();
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.model = model;
    this.apiKey = apiKey;
    this.metadata = metadata(model);
  }

  async chat({ messages, stream }) {
    if (stream) throw new Error("OpenAICompatibleLLM does not stream in this example.");
    const response = await fetch(`${this.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
      body: JSON.stringify({ model: this.model, messages: messages.map((message) => ({ role: roleFor(message.role), content: textOf(message.content) })) }),
    });
    if (!response.ok) throw new Error(`The chat endpoint answered HTTP ${response.status}.`);
    const body = await response.json();
    return { message: { role: "assistant", content: body.choices?.[0]?.message?.content ?? "" }, raw: body };
  }
}

// LlamaIndex's "memory" and "developer" roles are not OpenAI chat roles every server accepts.
const roleFor = (role) => (role === "user" || role === "assistant" ? role : "system");
