import { BaseEmbedding } from "@llamaindex/core/embeddings";
import { createMemory, type Embedder, InvalidInputError, MnemoError } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { Document } from "llamaindex";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedModelAvailable, sharedTestEmbedder } from "../test-support/shared-test-model.js";
import { fromLlamaIndexEmbedding } from "./from-llamaindex-embedding.js";
import { MnemoEmbedding } from "./mnemo-embedding.js";

/** A LlamaIndex embedding that counts its calls and can be told to answer with the wrong dimension. */
class CountingEmbedding extends BaseEmbedding {
  calls = 0;
  constructor(
    readonly inner: Embedder,
    readonly truncateTo?: number,
  ) {
    super();
  }
  override async getTextEmbedding(text: string): Promise<number[]> {
    this.calls += 1;
    const [vector] = await this.inner.embedDocuments([text]);
    return (vector as number[]).slice(0, this.truncateTo);
  }
}

describe.runIf(sharedModelAvailable)("embedding adapters with the shared 512-d model", () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await sharedTestEmbedder();
  });

  it("MnemoEmbedding gives LlamaIndex the Mnemo embedder's document and query vectors", async () => {
    const embedding = new MnemoEmbedding(embedder);
    const texts = Array.from({ length: 70 }, (_, index) => `Sentence number ${index} about Lisbon hotels.`);
    const expected = await embedder.embedDocuments(texts);
    expect(await embedding.getTextEmbeddingsBatch(texts)).toEqual(expected);
    expect(await embedding.getTextEmbedding(texts[3] as string)).toEqual(expected[3]);
    expect(await embedding.getQueryEmbedding({ type: "text", text: "quiet hotel" })).toEqual(await embedder.embedQuery("quiet hotel"));
    expect(await embedding.getQueryEmbedding({ type: "image_url", image_url: { url: "https://example.com/x.png" } })).toBeNull();
    expect(embedding.embedInfo?.dimensions).toBe(512);
  });

  it("MnemoEmbedding embeds LlamaIndex nodes as a transformation", async () => {
    const embedding = new MnemoEmbedding(embedder);
    const nodes = [new Document({ text: "The Memmo Alfama has a terrace." }), new Document({ text: "Trams climb to the castle." })];
    await embedding(nodes);
    expect(nodes.map((node) => node.embedding)).toEqual(await embedder.embedDocuments(nodes.map((node) => node.getContent())));
  });

  it("MnemoEmbedding passes the embedder's typed errors through (empty text)", async () => {
    await expect(new MnemoEmbedding(embedder).getTextEmbedding("  ")).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
  });

  it("fromLlamaIndexEmbedding makes a LlamaIndex model a checked Mnemo embedder", async () => {
    const llamaModel = new CountingEmbedding(embedder);
    const wrapped = await fromLlamaIndexEmbedding(llamaModel, { id: "llamaindex:use-lite" });
    expect(wrapped.dimensions).toBe(512);
    expect(await wrapped.embedDocuments(["The Memmo Alfama has a terrace."])).toEqual(await embedder.embedDocuments(["The Memmo Alfama has a terrace."]));
    expect(await wrapped.embedQuery("terrace")).toEqual(await embedder.embedDocuments(["terrace"]).then((vectors) => vectors[0]));
    const callsBefore = llamaModel.calls;
    await expect(wrapped.embedDocuments(["fine", ""])).rejects.toSatisfy((error) => InvalidInputError.isInstance(error));
    expect(llamaModel.calls).toBe(callsBefore);
  });

  it("fromLlamaIndexEmbedding rejects a model whose vectors change dimension", async () => {
    const wrapped = await fromLlamaIndexEmbedding(new CountingEmbedding(embedder, 100), { id: "llamaindex:short", dimensions: 512 });
    await expect(wrapped.embedDocuments(["a text"])).rejects.toSatisfy((error) => MnemoError.isInstance(error));
  });

  describe.each(testEngines())("one model for Mnemo and LlamaIndex on $name", (engine) => {
    let opened: OpenTestEngine;
    beforeAll(async () => {
      if (engine.available) opened = await engine.open();
    });
    afterAll(async () => {
      await opened?.close();
    });

    it.skipIf(!engine.available)("Mnemo stores and searches with a LlamaIndex embedding model", async () => {
      const memory = await createMemory({
        database: opened.database,
        schema: opened.newSchema(),
        embedder: await fromLlamaIndexEmbedding(new MnemoEmbedding(embedder), { id: "llamaindex:use-lite" }),
      });
      try {
        await memory.appendMany([
          { userId: "ada", conversationId: "c1", role: "user", content: "Which hotel had the rooftop pool?" },
          { userId: "ada", conversationId: "c1", role: "assistant", content: "The trams in Lisbon are yellow." },
        ]);
        const hits = await memory.search({ userId: "ada", query: "swimming on the roof of the hotel", mode: "vector", limit: 1 });
        expect(hits[0]?.content).toContain("rooftop pool");
      } finally {
        await memory.close();
      }
    });
  });
});
