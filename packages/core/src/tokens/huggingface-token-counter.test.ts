import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { createHuggingFaceTokenCounter } from "./huggingface-token-counter.js";

// The repository root is four levels up (packages/core/src/tokens); the shared models sit beside it.
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const modelsFolder = resolve(repositoryRoot, "../shared/models");
const modelName = "universal-sentence-encoder-lite-onnx";
const modelFolder = join(modelsFolder, modelName);
const modelAvailable = existsSync(join(modelFolder, "tokenizer.json"));

if (!modelAvailable && !process.env.CI) {
  console.warn(`[mnemo] Skipping Hugging Face tokenizer tests: no test model at ${modelFolder} (see ../shared/models/README.md).`);
}

describe("createHuggingFaceTokenCounter", () => {
  it.skipIf(!modelAvailable && !process.env.CI)("finds the shared test model (required in CI)", () => {
    expect(modelAvailable, `The Hugging Face test model is missing at ${modelFolder}; CI must provide ../shared/models.`).toBe(true);
  });

  describe.runIf(modelAvailable)("with the shared universal-sentence-encoder-lite tokenizer", () => {
    it("loads a folder by absolute path and names the counter after the folder", async () => {
      const counter = await createHuggingFaceTokenCounter(modelFolder);
      expect(counter.name).toBe(`hf:${modelName}`);
      expect(counter.chatFormat).toEqual({ perMessage: 3, perName: 1, perReply: 3 });
    });

    it("counts tokens without special tokens", async () => {
      const counter = await createHuggingFaceTokenCounter(modelFolder);
      // SentencePiece unigram: "▁hell" "o" "▁world".
      expect(counter.count("hello world")).toBe(3);
      expect(counter.count("Hello, world! How are you?")).toBe(9);
      expect(counter.count("")).toBe(0);
      expect(counter.count("<|endoftext|>")).toBeGreaterThan(1);
    });

    it("loads a folder by relative path", async () => {
      const counter = await createHuggingFaceTokenCounter(relative(process.cwd(), modelFolder));
      expect(counter.name).toBe(`hf:${modelName}`);
      expect(counter.count("hello world")).toBe(3);
    });

    it("finds a model by id under localModelPath and keeps the id as name", async () => {
      const counter = await createHuggingFaceTokenCounter(modelName, { localModelPath: modelsFolder });
      expect(counter.name).toBe(`hf:${modelName}`);
      expect(counter.count("hello world")).toBe(3);
    });

    it("finds a hub id in transformers.js's own local model folder, offline", async () => {
      const { env } = await import("@huggingface/transformers");
      const previous = env.localModelPath;
      env.localModelPath = modelsFolder;
      try {
        const counter = await createHuggingFaceTokenCounter(modelName);
        expect(counter.name).toBe(`hf:${modelName}`);
        expect(counter.count("hello world")).toBe(3);
      } finally {
        env.localModelPath = previous;
      }
    });

    it("reuses one loaded tokenizer per source", async () => {
      const first = createHuggingFaceTokenCounter(modelFolder);
      expect(createHuggingFaceTokenCounter(modelFolder)).toBe(first);
      await first;
    });
  });

  it("fails with InvalidInputError, without touching the network, for a hub id that is not available locally", async () => {
    const { env } = await import("@huggingface/transformers");
    const previousFetch = env.fetch;
    const fetchCalls: unknown[] = [];
    env.fetch = async (input) => {
      fetchCalls.push(input);
      throw new Error("network used");
    };
    try {
      const attempt = createHuggingFaceTokenCounter("mnemo-test/no-such-model");
      await expect(attempt).rejects.toThrow(InvalidInputError);
      await expect(attempt).rejects.toThrow(/not available offline.*allowRemoteModels/);
      expect(fetchCalls).toEqual([]);
    } finally {
      env.fetch = previousFetch;
    }
  });

  it("asks for @huggingface/transformers when it is not installed", async () => {
    vi.resetModules();
    vi.doMock("@huggingface/transformers", () => {
      throw new Error("Cannot find package '@huggingface/transformers'");
    });
    try {
      const { createHuggingFaceTokenCounter: createWithoutPackage } = await import("./huggingface-token-counter.js");
      const error = await createWithoutPackage("Xenova/all-MiniLM-L6-v2").catch((rejection: unknown) => rejection);
      // A fresh module graph has its own InvalidInputError class; isInstance checks by code.
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/npm install @huggingface\/transformers/);
    } finally {
      vi.doUnmock("@huggingface/transformers");
      vi.resetModules();
    }
  });

  it("rejects an empty model", async () => {
    await expect(createHuggingFaceTokenCounter(" ")).rejects.toThrow(InvalidInputError);
  });
});
