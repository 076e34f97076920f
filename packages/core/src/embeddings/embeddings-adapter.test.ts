import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { type EmbeddingsLike, fromEmbeddings } from "./embeddings-adapter.js";

/** A hand-written stand-in for a LangChain `Embeddings`: methods on the prototype, state on `this`. */
class LetterEmbeddings implements EmbeddingsLike {
  calls: string[][] = [];
  answer: ((texts: string[]) => unknown) | undefined;

  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls.push([...texts]);
    texts.push("mutated by the wrapped library");
    return (this.answer?.(texts) ?? texts.slice(0, -1).map((text) => this.vector(text))) as number[][];
  }

  async embedQuery(text: string): Promise<number[]> {
    this.calls.push([text]);
    return this.vector(text);
  }

  vector(text: string): number[] {
    return [text.length, text.charCodeAt(0), 1];
  }
}

describe("fromEmbeddings", () => {
  it("probes the dimensions once when they are not given", async () => {
    const embeddings = new LetterEmbeddings();
    const embedder = await fromEmbeddings(embeddings, { id: "test:letters" });
    expect(embedder).toMatchObject({ id: "test:letters", dimensions: 3 });
    expect(embeddings.calls).toHaveLength(1);
  });

  it("trusts given dimensions, embeds documents and queries, and leaves the caller's array alone", async () => {
    const embeddings = new LetterEmbeddings();
    const embedder = await fromEmbeddings(embeddings, { id: "test:letters", dimensions: 3 });
    expect(embeddings.calls).toHaveLength(0);
    const texts = ["a", "bb"];
    expect(await embedder.embedDocuments(texts)).toEqual([
      [1, 97, 1],
      [2, 98, 1],
    ]);
    expect(texts).toEqual(["a", "bb"]);
    expect(await embedder.embedQuery("ccc")).toEqual([3, 99, 1]);
    expect(await embedder.embedDocuments([])).toEqual([]);
    expect(embeddings.calls).toEqual([["a", "bb"], ["ccc"]]);
  });

  it("copies typed arrays into plain arrays", async () => {
    const embeddings = new LetterEmbeddings();
    embeddings.answer = (texts) => texts.slice(0, -1).map(() => Float32Array.of(0.5, 0.25, 0));
    const embedder = await fromEmbeddings(embeddings, { id: "test:typed" });
    const [vector] = await embedder.embedDocuments(["a"]);
    expect(Array.isArray(vector)).toBe(true);
    expect(vector).toEqual([0.5, 0.25, 0]);
  });

  it("rejects malformed answers as internal errors", async () => {
    const embeddings = new LetterEmbeddings();
    const embedder = await fromEmbeddings(embeddings, { id: "test:letters", dimensions: 3 });
    embeddings.answer = () => [[1, 2, 3]];
    await expect(embedder.embedDocuments(["a", "b"])).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/1 vectors for 2 inputs/) });
    embeddings.answer = () => [[1, 2]];
    await expect(embedder.embedDocuments(["a"])).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/2 dimensions.*expected 3/) });
    embeddings.answer = () => [[1, Number.NaN, 3]];
    await expect(embedder.embedDocuments(["a"])).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/not a finite number/) });
    embeddings.answer = () => undefined as never;
    embeddings.embedQuery = async () => [1, 2, 3, 4];
    await expect(embedder.embedQuery("a")).rejects.toMatchObject({ code: "internal" });
  });

  it("rejects a probe that returns no usable vector", async () => {
    const embeddings = new LetterEmbeddings();
    embeddings.answer = () => [[]];
    await expect(fromEmbeddings(embeddings, { id: "test:empty" })).rejects.toMatchObject({ code: "internal" });
  });

  it("rejects empty input before calling the wrapped object", async () => {
    const embeddings = new LetterEmbeddings();
    const embedder = await fromEmbeddings(embeddings, { id: "test:letters", dimensions: 3 });
    await expect(embedder.embedDocuments(["a", ""])).rejects.toThrow(InvalidInputError);
    await expect(embedder.embedQuery(" ")).rejects.toThrow(InvalidInputError);
    expect(embeddings.calls).toEqual([]);
  });

  it("lets the wrapped object's errors through unchanged", async () => {
    const failure = new Error("rate limited by the provider");
    const embedder = await fromEmbeddings(
      {
        embedDocuments: () => Promise.reject(failure),
        embedQuery: () => Promise.reject(failure),
      },
      { id: "test:failing", dimensions: 3 },
    );
    await expect(embedder.embedDocuments(["a"])).rejects.toBe(failure);
    await expect(embedder.embedQuery("a")).rejects.toBe(failure);
  });

  it("rejects a malformed object or id", async () => {
    await expect(fromEmbeddings({ embedQuery: async () => [1] } as never, { id: "test:x" })).rejects.toMatchObject({
      code: "invalid_input",
      issues: [{ path: "embeddings" }],
    });
    await expect(fromEmbeddings(null as never, { id: "test:x" })).rejects.toThrow(InvalidInputError);
    await expect(fromEmbeddings(new LetterEmbeddings(), { id: "" })).rejects.toMatchObject({ issues: [{ path: "options.id" }] });
    await expect(fromEmbeddings(new LetterEmbeddings(), { id: "has space" })).rejects.toThrow(/whitespace/);
    await expect(fromEmbeddings(new LetterEmbeddings(), { id: "test:x", dimensions: 0 })).rejects.toMatchObject({ issues: [{ path: "options.dimensions" }] });
  });
});
