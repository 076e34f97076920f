import { z } from "zod";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { UnavailableError } from "../errors/unavailable-error.js";
import { importTransformers, type TransformersModule } from "../huggingface/import-transformers.js";
import { checkEmbeddingQuery } from "./check-embedding-inputs.js";
import { embedInBatches } from "./embed-in-batches.js";
import type { Embedder } from "./embedder.js";
import { type LocatedModel, locateHuggingFaceModel } from "./locate-huggingface-model.js";
import { parseEmbedderOptions } from "./parse-embedder-options.js";
import { validateVectors } from "./validate-vectors.js";

/** Weight formats a transformers.js model folder can hold (`onnx/model.onnx`, `onnx/model_quantized.onnx`, …). */
export const huggingFaceDtypes = ["fp32", "fp16", "q8", "int8", "uint8", "q4", "q4f16", "bnb4"] as const;

/** A weight format of a transformers.js model; each one gives (slightly) different vectors. */
export type HuggingFaceDtype = (typeof huggingFaceDtypes)[number];

/** Options for {@link createHuggingFaceEmbedder}. */
export interface HuggingFaceEmbedderOptions {
  /** A hub id (`Xenova/all-MiniLM-L6-v2`) or an absolute or relative path to a local model folder. */
  model: string;
  /**
   * A folder of local models to look in first: hub id `org/name` is loaded from `<localModelPath>/org/name`.
   * @default undefined (transformers.js's own `env.localModelPath` and file cache are still searched)
   */
  localModelPath?: string;
  /**
   * Which weights to load. `fp32` gives exact, repeatable vectors; `q8` is smaller and faster but its
   * vectors shift slightly with batch make-up. Part of the embedder `id`.
   * @default "fp32"
   */
  dtype?: HuggingFaceDtype;
  /** How token vectors become one sentence vector; use what the model card says. @default "mean" */
  pooling?: "mean" | "cls";
  /** Scale every vector to unit length, so cosine similarity and inner product agree. @default true */
  normalize?: boolean;
  /** Texts per model call; larger batches are faster up to a point and use more memory. @default 32 */
  batchSize?: number;
  /**
   * Whether a hub id that is not on disk may be downloaded from the Hugging Face hub. Off by default so
   * that creating an embedder never touches the network unexpectedly.
   * @default false
   */
  allowRemoteModels?: boolean;
}

const optionsSchema = z.object({
  model: z.string().refine((model) => model.trim() !== "", "must be a Hugging Face hub id or a path to a local model folder"),
  localModelPath: z.string().min(1, "must be a folder path").optional(),
  dtype: z.enum(huggingFaceDtypes).default("fp32"),
  pooling: z.enum(["mean", "cls"]).default("mean"),
  normalize: z.boolean().default(true),
  batchSize: z.number().int().min(1).max(4096).default(32),
  allowRemoteModels: z.boolean().default(false),
});

type Settings = z.output<typeof optionsSchema>;

/** The part of a transformers.js feature-extraction pipeline this embedder calls. */
type FeatureExtractor = (texts: string[], options: { pooling: "mean" | "cls"; normalize: boolean }) => Promise<PooledOutput>;

/** A pooled output tensor: `dims` is `[texts, dimensions]`, `data` the values row after row. */
interface PooledOutput {
  dims: readonly number[];
  data: { subarray(begin: number, end: number): ArrayLike<number> };
}

// A model takes hundreds of milliseconds and tens of megabytes to load; embedders of the same
// weights share one pipeline (pooling and normalisation are per-call settings).
const loads = new Map<string, Promise<FeatureExtractor>>();

const probeText = "Mnemo dimension probe.";

/**
 * Creates an {@link Embedder} that runs a Hugging Face sentence-embedding model locally with
 * transformers.js (the optional peer dependency `@huggingface/transformers`).
 *
 * Offline by default: a hub id must already be on disk (under `localModelPath`, transformers.js's
 * `env.localModelPath`, or its file cache) unless `allowRemoteModels` is set. transformers.js is only
 * ever given the absolute path of a folder that exists, because `local_files_only` alone does not stop
 * it from asking the hub about a hub id; its global `env` is read but never changed.
 *
 * The embedder `id` is `hf:<model>:<dtype>:<pooling>` (plus `:unnormalized` when `normalize` is off),
 * where a path given as `/…` or `./…` contributes only its folder name. `dimensions` is measured by
 * embedding one probe text at creation. Empty or whitespace-only texts are rejected, since they give
 * NaN vectors; texts longer than the model's limit are truncated by the model.
 *
 * @param options - The model and how to run it.
 * @throws InvalidInputError for bad options, a missing package, or a model that is not on disk or cannot be loaded.
 * @throws UnavailableError when downloading an allowed remote model fails for a network reason.
 *
 * @example
 * ```ts
 * const embedder = await createHuggingFaceEmbedder({ model: "./models/universal-sentence-encoder-lite-onnx" });
 * embedder.id; // "hf:universal-sentence-encoder-lite-onnx:fp32:mean"
 * const [vector] = await embedder.embedDocuments(["The cat sat on the mat."]); // 512 numbers
 * ```
 */
export async function createHuggingFaceEmbedder(options: HuggingFaceEmbedderOptions): Promise<Embedder> {
  const settings = parseEmbedderOptions(optionsSchema, options, "createHuggingFaceEmbedder");
  const transformers = await importTransformers("createHuggingFaceEmbedder: local Hugging Face embeddings");
  const located = locateHuggingFaceModel(transformers.env, settings);
  const id = `hf:${located.name}:${settings.dtype}:${settings.pooling}${settings.normalize ? "" : ":unnormalized"}`;
  const extractor = await loadExtractor(transformers, located, settings);
  const embedBatch = batchEmbedder(extractor, settings, id);
  const [probe] = await embedBatch([probeText], undefined);
  const dimensions = probe?.length ?? 0;

  const embedDocuments = (texts: readonly string[]) => embedInBatches(texts, settings.batchSize, (batch) => embedBatch(batch, dimensions));

  return {
    id,
    dimensions,
    embedDocuments,
    async embedQuery(text: string): Promise<number[]> {
      checkEmbeddingQuery(text);
      const [vector] = await embedBatch([text], dimensions);
      return vector as number[];
    },
  };
}

function batchEmbedder(extractor: FeatureExtractor, settings: Settings, id: string) {
  const source = `embedder ${id}`;
  return async (texts: string[], dimensions: number | undefined): Promise<number[][]> => {
    // ONNX Runtime takes another kernel path for a batch of one, whose fp32 results differ from the
    // same text's in any larger batch by about one float32 ulp; a lone text is run as a pair so that
    // a text always gets the identical vector (about 1.5 ms more per query on a small model).
    const input = texts.length === 1 ? [texts[0] as string, texts[0] as string] : texts;
    let output: PooledOutput;
    try {
      output = await extractor(input, { pooling: settings.pooling, normalize: settings.normalize });
    } catch (error) {
      throw new MnemoError("internal", `${source}: the model failed on a batch of ${texts.length} texts.`, { cause: error });
    }
    const [rows, width] = output.dims;
    if (output.dims.length !== 2 || rows !== input.length || width === undefined) {
      throw new MnemoError("internal", `${source}: the model returned a tensor of shape [${output.dims.join(", ")}] for ${input.length} texts.`);
    }
    const vectors = texts.map((_, row) => Array.from(output.data.subarray(row * width, (row + 1) * width)));
    return validateVectors(vectors, { count: texts.length, dimensions, source });
  };
}

function loadExtractor(transformers: TransformersModule, located: LocatedModel, settings: Settings): Promise<FeatureExtractor> {
  const key = JSON.stringify([located.source, settings.dtype, located.remote]);
  let load = loads.get(key);
  if (!load) {
    load = startLoad(transformers, located, settings.dtype);
    // A failed load is not kept: the user may fix the folder or the network and try again.
    load.catch(() => loads.delete(key));
    loads.set(key, load);
  }
  return load;
}

async function startLoad(transformers: TransformersModule, located: LocatedModel, dtype: HuggingFaceDtype): Promise<FeatureExtractor> {
  try {
    const pipeline = await transformers.pipeline("feature-extraction", located.source, { dtype, local_files_only: !located.remote });
    return pipeline as unknown as FeatureExtractor;
  } catch (error) {
    const name = JSON.stringify(located.name);
    // transformers.js 4 throws ModelFileNotFoundError for a missing file or repository; anything else
    // while downloading is the network or the hub failing, which a later attempt may get past. The name
    // is compared because transformers.js 3, also supported, has no such class.
    if (located.remote && !(error instanceof Error && error.name === "ModelFileNotFoundError")) {
      throw new UnavailableError(`createHuggingFaceEmbedder: could not download the Hugging Face model ${name}; check the network.`, { cause: error });
    }
    const hint = located.remote
      ? "check the hub id and that the repository has ONNX weights for this dtype"
      : `the folder needs config.json, the tokenizer files and the ONNX weights for dtype ${JSON.stringify(dtype)} (e.g. onnx/model.onnx for fp32, onnx/model_quantized.onnx for q8)`;
    throw new InvalidInputError(`createHuggingFaceEmbedder: could not load the Hugging Face model ${name}; ${hint}.`, { cause: error });
  }
}
