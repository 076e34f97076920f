import { z } from "zod";
import { endpointConnection, endpointOptionFields } from "../embeddings/openai-compatible-endpoint.js";
import { parseEmbedderOptions } from "../embeddings/parse-embedder-options.js";
import { type JsonPost, postJsonWithRetries } from "../embeddings/post-json-with-retries.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { capToTokens } from "./cap-to-tokens.js";
import { checkSummaryRequest, hasSummaryInput } from "./check-summary-request.js";
import type { Summarizer, SummaryMessage, SummaryRequest } from "./summarizer.js";

/** Options for {@link createOpenAICompatibleSummarizer}. */
export interface OpenAICompatibleSummarizerOptions {
  /**
   * The API root, to which `/chat/completions` is appended: `https://api.openai.com/v1`, LM Studio's
   * `http://localhost:1234/v1`, Ollama's `http://localhost:11434/v1`, vLLM, llama.cpp server, ….
   */
  baseUrl: string;
  /** The chat model, e.g. `gpt-4o-mini` or `llama3.2`. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; an empty string sends none. @default undefined */
  apiKey?: string;
  /** Time allowed for one request, answer included. @default 60_000 */
  timeoutMs?: number;
  /** Further attempts after 408, 429, 5xx, network errors and timeouts. @default 2 */
  maxRetries?: number;
  /** First backoff delay; it doubles per retry, with jitter. @default 500 */
  retryBaseDelayMs?: number;
  /** Longest single wait between attempts, including a server's `Retry-After`. @default 20_000 */
  maxRetryDelayMs?: number;
  /** Sampling temperature, from 0 to 2; low keeps the summary close to what was said. @default 0.2 */
  temperature?: number;
  /** The system message. @default defaultSummaryInstructions */
  instructions?: string;
  /** Extra request headers (e.g. `api-key` for Azure, `OpenAI-Organization`). @default {} */
  headers?: Record<string, string>;
}

/** The system message {@link createOpenAICompatibleSummarizer} sends unless given `instructions`. */
export const defaultSummaryInstructions = [
  "You maintain the running summary of a conversation, which replaces the turns it covers.",
  "Merge the previous summary with the new turns into one updated summary.",
  "Keep facts, names, numbers, dates, decisions, preferences, commitments and open questions; drop greetings and small talk.",
  "When a new turn contradicts the previous summary, keep the newer information.",
  "Write plain prose in the conversation's language, with no preamble and no headings.",
].join(" ");

const optionsSchema = z.object({
  ...endpointOptionFields({ model: "chat model", timeoutMs: 60_000, maxRetries: 2 }),
  temperature: z.number().min(0).max(2).default(0.2),
  instructions: z
    .string()
    .refine((instructions) => instructions.trim() !== "", "must not be blank")
    .default(defaultSummaryInstructions),
});

type Settings = z.output<typeof optionsSchema>;

const responseSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }), finish_reason: z.string().nullish() })).min(1),
});

/**
 * Creates a {@link Summarizer} that asks an OpenAI-compatible `POST /chat/completions` endpoint:
 * OpenAI, LM Studio, Ollama, vLLM, llama.cpp server and others.
 *
 * Each call sends `{ model, messages: [system: instructions, user: previous summary + transcript],
 * max_tokens: maxTokens, temperature }` and returns `choices[0].message.content`, cut with
 * {@link capToTokens} because the model's tokenizer is not the request's `counter`. 408, 429, 5xx,
 * network errors and timeouts are retried with exponential backoff and jitter, honouring
 * `Retry-After`. With nothing to fold, it returns `""` without a request.
 *
 * A malformed answer (no choices, content that is not a string, or blank) is a MnemoError with code
 * `internal`, as for the embedder: the server answered, so retrying the same request is unlikely
 * to help, and the error says what was wrong rather than "try again later". Aborting `signal`
 * rejects at once with its reason; the request in flight then runs out on its own.
 *
 * The summarizer `id` is `openai-compatible:<model>`.
 *
 * @param options - Where the API is, which model to use, and how to retry.
 * @throws InvalidInputError for bad options or requests, and at once for any 4xx other than 408 and 429.
 * @throws UnavailableError when a request still fails after `maxRetries` retries.
 * @throws MnemoError with code `internal` when the answer has no usable text, and `budget_exceeded`
 * when `maxTokens` cannot hold even its first character.
 *
 * @example
 * ```ts
 * const summarizer = createOpenAICompatibleSummarizer({ baseUrl: "http://localhost:11434/v1", model: "llama3.2" });
 * summarizer.id; // "openai-compatible:llama3.2"
 * const summary = await summarizer.summarize({ previousSummary, messages, maxTokens: 300, counter });
 * ```
 */
export function createOpenAICompatibleSummarizer(options: OpenAICompatibleSummarizerOptions): Summarizer {
  const settings = parseEmbedderOptions(optionsSchema, options, "createOpenAICompatibleSummarizer");
  const complete = completer(settings);
  return {
    id: `openai-compatible:${settings.model}`,
    async summarize(request: SummaryRequest): Promise<string> {
      checkSummaryRequest(request, "openai-compatible summarizer");
      if (!hasSummaryInput(request)) return "";
      const { text, label } = await abortable(complete(request), request.signal);
      const summary = capToTokens(text, request.counter, request.maxTokens);
      if (summary === "") throw new MnemoError("budget_exceeded", `${label}: maxTokens (${request.maxTokens}) cannot hold even the summary's first character.`);
      return summary;
    },
  };
}

/** A function that sends one summary request and returns the answer's checked text. */
function completer(settings: Settings) {
  const { label, headers, secrets, policy } = endpointConnection(settings, "chat server");
  return async (request: SummaryRequest): Promise<{ text: string; label: string }> => {
    const body = {
      model: settings.model,
      messages: [
        { role: "system", content: settings.instructions },
        { role: "user", content: summaryPrompt(request) },
      ],
      max_tokens: request.maxTokens,
      temperature: settings.temperature,
    };
    const post: JsonPost = { url: `${settings.baseUrl}/chat/completions`, headers, body, label, secrets };
    return { text: answerText(await postJsonWithRetries(post, policy), label), label };
  };
}

/**
 * The user message a chat model gets to summarise with (after {@link defaultSummaryInstructions} as the
 * system message): the previous summary, the new turns as a transcript, and the token budget.
 * Adapters that wrap a framework's chat model as a summariser send the same prompt.
 */
export function summaryPrompt(request: SummaryRequest): string {
  const turns = request.messages.filter((message) => message.content.trim() !== "").map(transcriptLine);
  return [
    `Previous summary:\n${request.previousSummary?.trim() || "(none)"}`,
    `New turns, oldest first:\n${turns.join("\n") || "(none)"}`,
    `Write the updated summary in at most ${request.maxTokens} tokens.`,
  ].join("\n\n");
}

function transcriptLine(message: SummaryMessage): string {
  const role = `${message.role.charAt(0).toUpperCase()}${message.role.slice(1)}`;
  const speaker = message.name?.trim() ? `${role} (${message.name.trim()})` : role;
  const time = message.createdAt === undefined ? "" : `[${message.createdAt.toISOString()}] `;
  return `${time}${speaker}: ${message.content.trim()}`;
}

function answerText(json: unknown, label: string): string {
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    throw new MnemoError("internal", `${label}: the answer has no choices[0].message.content text; is baseUrl an OpenAI-compatible API root?`, {
      cause: parsed.error,
    });
  }
  const [choice] = parsed.data.choices;
  if (choice !== undefined && choice.message.content.trim() !== "") return choice.message.content;
  // Reasoning models can spend the whole max_tokens thinking and answer with nothing.
  const hint = choice?.finish_reason === "length" ? " It stopped at max_tokens: raise maxTokens or use a non-reasoning model." : "";
  throw new MnemoError("internal", `${label}: the model answered with an empty summary.${hint}`);
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
