import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { UnavailableError } from "../errors/unavailable-error.js";
import type { Embedder } from "./embedder.js";
import { createHuggingFaceEmbedder } from "./huggingface-embedder.js";

// The repository root is four levels up (packages/core/src/embeddings); the shared models sit beside it.
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const modelsFolder = resolve(repositoryRoot, "../shared/models");
const modelName = "universal-sentence-encoder-lite-onnx";
const modelFolder = join(modelsFolder, modelName);
const modelAvailable = existsSync(join(modelFolder, "onnx", "model.onnx"));

if (!modelAvailable && !process.env.CI) {
  console.warn(`[mnemo] Skipping Hugging Face embedder tests: no test model at ${modelFolder} (see ../shared/models/README.md).`);
}

const dot = (left: number[], right: number[]): number => left.reduce((sum, value, index) => sum + value * (right[index] ?? Number.NaN), 0);

// Every test runs with the network replaced by a spy that fails loudly, and checks it was never used.
// The env object is kept because a test below resets the module graph.
const networkCalls: string[] = [];
let transformersEnvironment: typeof import("@huggingface/transformers").env;
let previousEnvironmentFetch: typeof transformersEnvironment.fetch;

beforeAll(async () => {
  const { env } = await import("@huggingface/transformers");
  transformersEnvironment = env;
  previousEnvironmentFetch = env.fetch;
  const refuse = async (input: unknown): Promise<Response> => {
    networkCalls.push(String(input));
    throw new Error("The network must not be used.");
  };
  env.fetch = refuse;
  vi.stubGlobal("fetch", refuse);
});

afterEach(() => {
  expect(networkCalls, "transformers.js tried to use the network").toEqual([]);
});

afterAll(() => {
  transformersEnvironment.fetch = previousEnvironmentFetch;
  vi.unstubAllGlobals();
});

describe("createHuggingFaceEmbedder", () => {
  it.skipIf(!modelAvailable && !process.env.CI)("finds the shared test model (required in CI)", () => {
    expect(modelAvailable, `The Hugging Face test model is missing at ${modelFolder}; CI must provide ../shared/models.`).toBe(true);
  });

  describe.runIf(modelAvailable)("with the shared universal-sentence-encoder-lite model", () => {
    let embedder: Embedder;

    beforeAll(async () => {
      embedder = await createHuggingFaceEmbedder({ model: modelFolder });
    });

    it("names the embedder after the folder, dtype and pooling, and probes 512 dimensions", () => {
      expect(embedder.id).toBe(`hf:${modelName}:fp32:mean`);
      expect(embedder.dimensions).toBe(512);
    });

    it("returns plain arrays of unit length", async () => {
      const vectors = await embedder.embedDocuments(["The cat sat on the mat.", "Quarterly taxes are due in April."]);
      expect(vectors).toHaveLength(2);
      for (const vector of vectors) {
        expect(Array.isArray(vector)).toBe(true);
        expect(vector).toHaveLength(512);
        expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 5);
      }
    });

    it("is deterministic across calls and batch compositions (fp32)", async () => {
      const text = "Remember that Ada prefers tea over coffee.";
      const alone = await embedder.embedQuery(text);
      const again = await embedder.embedDocuments([text]);
      const inBatch = await embedder.embedDocuments(["A much longer sentence that forces padding of the shorter ones in its batch.", text, "Hi."]);
      expect(again[0]).toEqual(alone);
      expect(inBatch[1]).toEqual(alone);
    });

    it("puts similar sentences closer than unrelated ones", async () => {
      const [cat, kitten, taxes] = await embedder.embedDocuments([
        "The cat sat on the mat.",
        "A kitten was sitting on the rug.",
        "Quarterly tax filings are due in April.",
      ]);
      expect(dot(cat!, kitten!)).toBeGreaterThan(dot(cat!, taxes!) + 0.1);
    });

    it("batches across the batch size and keeps the order", async () => {
      const small = await createHuggingFaceEmbedder({ model: modelFolder, batchSize: 3 });
      const texts = Array.from({ length: 7 }, (_, index) => `Message number ${index} is about topic ${String.fromCharCode(97 + index)}.`);
      const batched = await small.embedDocuments(texts);
      const one = await Promise.all(texts.map((text) => embedder.embedQuery(text)));
      expect(batched).toEqual(one);
      expect(await small.embedDocuments([])).toEqual([]);
    });

    it("rejects empty and whitespace-only input before the model sees it", async () => {
      await expect(embedder.embedDocuments(["fine", "", " \n\t"])).rejects.toMatchObject({
        code: "invalid_input",
        issues: [
          { path: "texts.1", message: "must contain some non-whitespace text" },
          { path: "texts.2", message: "must contain some non-whitespace text" },
        ],
      });
      await expect(embedder.embedQuery("   ")).rejects.toThrow(InvalidInputError);
    });

    it("loads a relative path, a name under localModelPath, and q8 weights as a separate vector space", async () => {
      const byRelativePath = await createHuggingFaceEmbedder({ model: relative(process.cwd(), modelFolder) });
      expect(byRelativePath.id).toBe(`hf:${modelName}:fp32:mean`);
      const byName = await createHuggingFaceEmbedder({ model: modelName, localModelPath: modelsFolder, pooling: "cls" });
      expect(byName.id).toBe(`hf:${modelName}:fp32:cls`);
      const quantized = await createHuggingFaceEmbedder({ model: modelFolder, dtype: "q8" });
      expect(quantized.id).toBe(`hf:${modelName}:q8:mean`);
      expect(quantized.dimensions).toBe(512);
      const text = "The meeting moved to Thursday.";
      const [exact, approximate] = [await embedder.embedQuery(text), await quantized.embedQuery(text)];
      expect(approximate).not.toEqual(exact);
      expect(dot(exact, approximate)).toBeGreaterThan(0.9);
    });

    it("marks unnormalized vectors in the id", async () => {
      const raw = await createHuggingFaceEmbedder({ model: modelFolder, normalize: false });
      expect(raw.id).toBe(`hf:${modelName}:fp32:mean:unnormalized`);
    });

    it("fails with InvalidInputError for a folder without the weights of the dtype", async () => {
      const attempt = createHuggingFaceEmbedder({ model: modelFolder, dtype: "q4" });
      await expect(attempt).rejects.toThrow(InvalidInputError);
      await expect(attempt).rejects.toThrow(/could not load.*onnx\/model_quantized\.onnx for q8/);
    });
  });

  it("fails with InvalidInputError for a model folder that does not exist", async () => {
    const attempt = createHuggingFaceEmbedder({ model: join(modelsFolder, "no-such-model") });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(/does not exist/);
    await expect(createHuggingFaceEmbedder({ model: "./no-such-model-folder" })).rejects.toThrow(InvalidInputError);
  });

  it("fails with InvalidInputError, without touching the network, for a hub id that is not on disk", async () => {
    const attempt = createHuggingFaceEmbedder({ model: "mnemo-test/no-such-model" });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(/not available offline.*allowRemoteModels/);
  });

  it("downloads only with allowRemoteModels, and reports a failed download as UnavailableError", async () => {
    const attempt = createHuggingFaceEmbedder({ model: "mnemo-test/no-such-model", allowRemoteModels: true });
    await expect(attempt).rejects.toThrow(UnavailableError);
    // The spy saw the attempt, which shows it would catch any other test's network use.
    expect(networkCalls.length).toBeGreaterThan(0);
    expect(networkCalls.every((url) => url.includes("mnemo-test/no-such-model"))).toBe(true);
    networkCalls.length = 0;
  });

  it("rejects bad options with every issue listed", async () => {
    const attempt = createHuggingFaceEmbedder({ model: " ", batchSize: 0, dtype: "fp64" as never });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    const error = (await attempt.catch((rejection: unknown) => rejection)) as InvalidInputError;
    expect(error.issues.map((issue) => issue.path)).toEqual(["options.model", "options.dtype", "options.batchSize"]);
  });

  it("asks for @huggingface/transformers when it is not installed", async () => {
    vi.resetModules();
    vi.doMock("@huggingface/transformers", () => {
      throw new Error("Cannot find package '@huggingface/transformers'");
    });
    try {
      const { createHuggingFaceEmbedder: createWithoutPackage } = await import("./huggingface-embedder.js");
      const error = await createWithoutPackage({ model: "Xenova/all-MiniLM-L6-v2" }).catch((rejection: unknown) => rejection);
      // A fresh module graph has its own error classes; isInstance checks by code.
      expect(MnemoError.isInstance(error) && error.code).toBe("invalid_input");
      expect((error as Error).message).toMatch(/npm install @huggingface\/transformers/);
    } finally {
      vi.doUnmock("@huggingface/transformers");
      vi.resetModules();
    }
  });
});
