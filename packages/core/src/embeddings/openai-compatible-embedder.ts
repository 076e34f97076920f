import { z } from "zod";
import { MnemoError } from "../errors/mnemo-error.js";
import { checkEmbeddingQuery } from "./check-embedding-inputs.js";
import { embedInBatches } from "./embed-in-batches.js";
import type { Embedder } from "./embedder.js";
import { endpointConnection, endpointOptionFields } from "./openai-compatible-endpoint.js";
import { parseEmbedderOptions } from "./parse-embedder-options.js";
import { type JsonPost, postJsonWithRetries } from "./post-json-with-retries.js";
import { validateVectors } from "./validate-vectors.js";

/** Options for {@link createOpenAICompatibleEmbedder}. */
export interface OpenAICompatibleEmbedderOptions {
  /**
   * The API root, to which `/embeddings` is appended: `https://api.openai.com/v1`, LM Studio's
   * `http://localhost:1234/v1`, Ollama's `http://localhost:11434/v1`, vLLM, llama.cpp server, ….
   */
  baseUrl: string;
  /** The embedding model, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; an empty string sends none. @default undefined */
  apiKey?: string;
  /**
   * Vector length to ask for (models such as `text-embedding-3-*` can shorten their vectors). Sent as
   * `dimensions` and made part of the embedder `id`.
   * @default undefined (the model's own length, measured with one request at creation)
   */
  dimensions?: number;
  /** Texts per request. @default 96 */
  batchSize?: number;
  /** Time allowed for one request, answer included. @default 30_000 */
  timeoutMs?: number;
  /** Further attempts after 408, 429, 5xx, network errors and timeouts. @default 4 */
  maxRetries?: number;
  /** First backoff delay; it doubles per retry, with jitter. @default 500 */
  retryBaseDelayMs?: number;
  /** Longest single wait between attempts, including a server's `Retry-After`. @default 20_000 */
  maxRetryDelayMs?: number;
  /** Extra request headers (e.g. `api-key` for Azure, `OpenAI-Organization`). @default {} */
  headers?: Record<string, string>;
}

const optionsSchema = z.object({
  ...endpointOptionFields({ model: "embedding model", timeoutMs: 30_000, maxRetries: 4 }),
  dimensions: z.number().int().min(1).max(65_536).optional(),
  batchSize: z.number().int().min(1).max(2048).default(96),
});

type Settings = z.output<typeof optionsSchema>;

const responseSchema = z.object({ data: z.array(z.object({ index: z.number().int().min(0), embedding: z.unknown() })) });

const probeText = "Mnemo dimension probe.";

/**
 * Creates an {@link Embedder} that calls an OpenAI-compatible `POST /embeddings` endpoint: OpenAI,
 * LM Studio, Ollama, vLLM, llama.cpp server and others.
 *
 * Texts go out in batches of `batchSize`, one request at a time, as
 * `{ model, input, encoding_format: "float", dimensions? }`. Answers are put back in input order by
 * `index` and checked (count, length, finite numbers). 408, 429, 5xx, network errors and timeouts are
 * retried with exponential backoff and jitter, honouring `Retry-After`. Without `dimensions`, one probe
 * request at creation measures the vector length, so a wrong URL, model or key fails here, not later.
 *
 * The embedder `id` is `openai:<model>`, plus `:<dimensions>` when `dimensions` is set.
 *
 * @param options - Where the API is and which model to use.
 * @throws InvalidInputError for bad options or input, and at once for any 4xx other than 408 and 429.
 * @throws UnavailableError when a request still fails after `maxRetries` retries.
 * @throws MnemoError with code `internal` when the server's answer is malformed (wrong count or length).
 *
 * @example
 * ```ts
 * const embedder = await createOpenAICompatibleEmbedder({
 *   baseUrl: "https://api.openai.com/v1",
 *   model: "text-embedding-3-small",
 *   apiKey: process.env.OPENAI_API_KEY,
 * });
 * embedder.id; // "openai:text-embedding-3-small"
 * const vector = await embedder.embedQuery("What does Ada drink?"); // 1536 numbers
 * ```
 */
export async function createOpenAICompatibleEmbedder(options: OpenAICompatibleEmbedderOptions): Promise<Embedder> {
  const settings = parseEmbedderOptions(optionsSchema, options, "createOpenAICompatibleEmbedder");
  const requestVectors = vectorRequester(settings);
  const dimensions = settings.dimensions ?? (await requestVectors([probeText], undefined))[0]?.length ?? 0;

  const embedDocuments = (texts: readonly string[]) => embedInBatches(texts, settings.batchSize, (batch) => requestVectors(batch, dimensions));

  return {
    id: `openai:${settings.model}${settings.dimensions === undefined ? "" : `:${settings.dimensions}`}`,
    dimensions,
    embedDocuments,
    async embedQuery(text: string): Promise<number[]> {
      checkEmbeddingQuery(text);
      const [vector] = await requestVectors([text], dimensions);
      return vector as number[];
    },
  };
}

/** A function that sends one batch and returns its checked vectors, in input order. */
function vectorRequester(settings: Settings) {
  const { label, headers, secrets, policy } = endpointConnection(settings, "embeddings server");
  return async (texts: string[], dimensions: number | undefined): Promise<number[][]> => {
    const body = {
      model: settings.model,
      input: texts,
      encoding_format: "float",
      ...(settings.dimensions === undefined ? {} : { dimensions: settings.dimensions }),
    };
    const post: JsonPost = { url: `${settings.baseUrl}/embeddings`, headers, body, label, secrets };
    return vectorsInOrder(await postJsonWithRetries(post, policy), texts.length, dimensions, label);
  };
}

function vectorsInOrder(json: unknown, count: number, dimensions: number | undefined, label: string): number[][] {
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    throw new MnemoError("internal", `${label}: the answer has no data array of { index, embedding }; is baseUrl an OpenAI-compatible API root?`, {
      cause: parsed.error,
    });
  }
  const items = parsed.data.data.toSorted((left, right) => left.index - right.index);
  const vectors = validateVectors(
    items.map((item) => item.embedding),
    { count, dimensions, source: label },
  );
  if (items.some((item, position) => item.index !== position)) {
    throw new MnemoError("internal", `${label}: the answer's data indexes are not 0 to ${count - 1}, so vectors cannot be matched to inputs.`);
  }
  return vectors;
}
