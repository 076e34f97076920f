import {
  createExtractiveSummarizer,
  createHuggingFaceEmbedder,
  createMemory,
  createOpenAICompatibleSummarizer,
  InvalidInputError,
  type Memory,
  type Summarizer,
} from "@mnemo/core";
import { type GlobalOptions, storeLocation } from "./global-options.js";

/** An open memory and how to close it. */
export interface OpenedMemory {
  memory: Memory;
  close(): Promise<void>;
}

/**
 * Opens the memory the options point at (migrating it), with the embedder of `--embedder` or
 * `$MNEMO_EMBEDDER` (a local Hugging Face model folder or hub id already on disk), else lexical only.
 */
export async function openMemory(options: GlobalOptions, settings: { migrate?: boolean } = {}): Promise<OpenedMemory> {
  const location = storeLocation(options);
  const embedderModel = options.embedder ?? process.env.MNEMO_EMBEDDER;
  // The embedded engine allows one process per data directory: core locks it and names the holder's pid.
  const memory = await createMemory({
    database: location.kind === "server" ? location.url : { dataDir: location.dataDir },
    schema: options.schema ?? process.env.MNEMO_SCHEMA ?? "mnemo",
    embedder: embedderModel ? await createHuggingFaceEmbedder({ model: embedderModel }) : undefined,
    migrate: settings.migrate ?? true,
    maxConnections: 4,
  });
  return { memory, close: () => memory.close() };
}

/** The `summarizer` setting's shape: an OpenAI-compatible endpoint. */
export interface SummarizerSetting {
  baseUrl: string;
  model: string;
}

/**
 * The summariser for `enhance`: `--summarizer-url`/`--summarizer-model`, else `$MNEMO_SUMMARIZER_URL`/
 * `$MNEMO_SUMMARIZER_MODEL` (key in `$MNEMO_SUMMARIZER_API_KEY`), else the user's `summarizer` setting
 * (`{"baseUrl": …, "model": …}`), else the offline extractive one.
 */
export async function summarizerFor(memory: Memory, userId: string, options: GlobalOptions): Promise<Summarizer> {
  const env = process.env;
  const baseUrl = options.summarizerUrl ?? env.MNEMO_SUMMARIZER_URL;
  const model = options.summarizerModel ?? env.MNEMO_SUMMARIZER_MODEL;
  if (baseUrl || model) {
    if (!baseUrl || !model) throw new InvalidInputError("A summariser endpoint needs both --summarizer-url and --summarizer-model.");
    return createOpenAICompatibleSummarizer({ baseUrl, model, apiKey: env.MNEMO_SUMMARIZER_API_KEY });
  }
  const setting = (await memory.settings.get({ userId })).values.summarizer;
  if (setting && typeof setting === "object" && !Array.isArray(setting)) {
    const { baseUrl: url, model: name } = setting as Record<string, unknown>;
    if (typeof url === "string" && typeof name === "string")
      return createOpenAICompatibleSummarizer({ baseUrl: url, model: name, apiKey: env.MNEMO_SUMMARIZER_API_KEY });
    throw new InvalidInputError(
      'The "summarizer" setting must be {"baseUrl": "http://localhost:1234/v1", "model": "<model>"}; fix it with `mnemo settings set summarizer …`.',
    );
  }
  return createExtractiveSummarizer();
}
