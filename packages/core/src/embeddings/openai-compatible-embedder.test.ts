import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { MnemoError } from "../errors/mnemo-error.js";
import { UnavailableError } from "../errors/unavailable-error.js";
import { type FakeReply, fakeOpenAIServer, type ReceivedRequest } from "../testing/fake-openai-server.js";
import { createOpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from "./openai-compatible-embedder.js";

/** The body of a `/v1/embeddings` request. */
interface EmbeddingsBody {
  model?: string;
  input?: string[];
  encoding_format?: string;
  dimensions?: number;
}

const defaultDimensions = 8;

/** A deterministic vector for `text`, so tests can check which input each vector belongs to. */
function fakeVector(text: string, dimensions = defaultDimensions): number[] {
  let hash = 7;
  for (const character of text) hash = (hash * 31 + (character.codePointAt(0) ?? 0)) % 1_000_003;
  return Array.from({ length: dimensions }, (_, position) => ((hash * (position + 1)) % 1000) / 1000);
}

function embeddingsReply(request: ReceivedRequest<EmbeddingsBody>, dimensions = request.body.dimensions ?? defaultDimensions): FakeReply {
  const input = request.body.input ?? [];
  const data = input.map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text, dimensions) }));
  return { status: 200, json: { object: "list", data, model: request.body.model, usage: { prompt_tokens: 1, total_tokens: 1 } } };
}

const fake = fakeOpenAIServer<EmbeddingsBody>("/v1/embeddings", (request) => embeddingsReply(request));

const create = (options: Partial<OpenAICompatibleEmbedderOptions> = {}) =>
  createOpenAICompatibleEmbedder({ baseUrl: fake.baseUrl, model: "test-embed", dimensions: defaultDimensions, retryBaseDelayMs: 1, ...options });

beforeAll(() => fake.start());
beforeEach(() => fake.reset());
afterAll(() => fake.close());

describe("createOpenAICompatibleEmbedder", () => {
  it("probes the dimensions with one well-formed request", async () => {
    const embedder = await create({ dimensions: undefined, apiKey: "test-key-1234", headers: { "X-Trace": "t-1", authorization: "ignored" } });
    expect(embedder.id).toBe("openai:test-embed");
    expect(embedder.dimensions).toBe(defaultDimensions);
    expect(fake.received).toHaveLength(1);
    const [probe] = fake.received;
    expect(probe).toMatchObject({ method: "POST", path: "/v1/embeddings" });
    expect(probe?.headers).toMatchObject({ authorization: "Bearer test-key-1234", "content-type": "application/json", "x-trace": "t-1" });
    expect(probe?.body).toEqual({ model: "test-embed", input: [expect.any(String)], encoding_format: "float" });
  });

  it("sends requested dimensions, trusts them without a probe, and names them in the id", async () => {
    const embedder = await create({ dimensions: 16, baseUrl: `${fake.baseUrl}/` });
    expect(fake.received).toHaveLength(0);
    expect(embedder.id).toBe("openai:test-embed:16");
    expect(await embedder.embedQuery("hello")).toEqual(fakeVector("hello", 16));
    expect(fake.received[0]?.body).toEqual({ model: "test-embed", input: ["hello"], encoding_format: "float", dimensions: 16 });
    expect(fake.received[0]?.headers.authorization).toBeUndefined();
  });

  it("batches inputs and returns vectors in input order even when the server shuffles them", async () => {
    fake.reply = (request) => {
      const answer = embeddingsReply(request) as { status: number; json: { data: unknown[] } };
      answer.json.data.reverse();
      return answer;
    };
    const embedder = await create({ batchSize: 100 });
    const texts = Array.from({ length: 250 }, (_, index) => `text number ${index}`);
    const vectors = await embedder.embedDocuments(texts);
    expect(fake.received.map((request) => request.body.input?.length)).toEqual([100, 100, 50]);
    expect(vectors).toEqual(texts.map((text) => fakeVector(text)));
    expect(await embedder.embedDocuments([])).toEqual([]);
  });

  it("waits as long as Retry-After asks after a 429, up to maxRetryDelayMs", async () => {
    fake.reply = (request, count) =>
      count === 1 ? { status: 429, headers: { "retry-after": "1" }, json: { error: { message: "Slow down" } } } : embeddingsReply(request);
    const embedder = await create({ maxRetryDelayMs: 250 });
    expect(await embedder.embedQuery("hello")).toEqual(fakeVector("hello"));
    expect(fake.received).toHaveLength(2);
    const waited = (fake.received[1]?.at ?? 0) - (fake.received[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(240);
    expect(waited).toBeLessThan(1000);
  });

  it("retries 500s and succeeds", async () => {
    fake.reply = (request, count) => (count <= 2 ? { status: 500, json: { error: { message: "Internal" } } } : embeddingsReply(request));
    const embedder = await create();
    expect(await embedder.embedDocuments(["a", "b"])).toEqual([fakeVector("a"), fakeVector("b")]);
    expect(fake.received).toHaveLength(3);
  });

  it("gives up with UnavailableError after maxRetries", async () => {
    fake.reply = () => ({ status: 503, json: { error: { message: "Model is loading" } } });
    const embedder = await create({ maxRetries: 2 });
    const error = await embedder.embedQuery("hello").catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/HTTP 503 \(Model is loading\) \(3 attempts\)/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(fake.received).toHaveLength(3);
  });

  it("fails at once with InvalidInputError on a 400, without echoing input or key", async () => {
    fake.reply = () => ({ status: 400, json: { error: { message: "Unknown model 'test-embed'", type: "invalid_request_error" } } });
    const embedder = await create({ apiKey: "secret-key-5678" });
    const error = await embedder.embedDocuments(["private user text"]).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/HTTP 400 \(Unknown model 'test-embed'\)/);
    expect((error as Error).message).not.toMatch(/private user text|secret-key-5678/);
    expect(fake.received).toHaveLength(1);
  });

  it("redacts a key quoted by the server's 401 answer", async () => {
    fake.reply = () => ({ status: 401, json: { error: { message: "Incorrect API key provided: sk-test-abcdefgh1234. Check it." } } });
    const attempt = create({ dimensions: undefined, apiKey: "sk-test-abcdefgh1234" });
    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow(/HTTP 401 \(Incorrect API key provided: \[redacted\]\. Check it\.\)/);
    fake.reply = () => ({ status: 403, json: { error: "azure-key-0042 may not use this deployment" } });
    await expect(create({ headers: { "api-key": "azure-key-0042" } }).then((embedder) => embedder.embedQuery("a"))).rejects.toThrow(
      /HTTP 403 \(\[redacted\] may not use this deployment\)/,
    );
  });

  it("times out a server that never answers, retries, then throws UnavailableError", async () => {
    fake.reply = () => "hang";
    const embedder = await create({ timeoutMs: 100, maxRetries: 1 });
    const error = await embedder.embedQuery("hello").catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/no answer within 100 ms \(2 attempts\)/);
    expect(((error as Error).cause as Error).name).toBe("TimeoutError");
    expect(fake.received).toHaveLength(2);
  });

  it("reports a server that cannot be reached as UnavailableError", async () => {
    const closed = createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, "close");
    const attempt = create({ baseUrl: `http://127.0.0.1:${port}/v1`, dimensions: undefined, maxRetries: 1 });
    await expect(attempt).rejects.toThrow(UnavailableError);
    await expect(attempt).rejects.toThrow(/network error/);
  });

  it("rejects answers with the wrong vector length, count or indexes as internal errors", async () => {
    const embedder = await create();
    fake.reply = (request) => embeddingsReply(request, defaultDimensions - 1);
    await expect(embedder.embedQuery("hello")).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/7 dimensions.*expected 8/) });
    fake.reply = () => ({ status: 200, json: { data: [{ index: 0, embedding: fakeVector("a") }] } });
    await expect(embedder.embedDocuments(["a", "b"])).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/1 vectors for 2 inputs/) });
    fake.reply = () => ({ status: 200, json: { data: [0, 0].map((index) => ({ index, embedding: fakeVector("a") })) } });
    await expect(embedder.embedDocuments(["a", "b"])).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/indexes/) });
    fake.reply = () => ({ status: 200, text: "<html>proxy login</html>" });
    await expect(embedder.embedQuery("hello")).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/not JSON/) });
    fake.reply = () => ({ status: 200, json: { embeddings: [] } });
    await expect(embedder.embedQuery("hello")).rejects.toThrow(MnemoError);
  });

  it("rejects empty input before sending anything", async () => {
    const embedder = await create();
    await expect(embedder.embedDocuments(["ok", "  "])).rejects.toMatchObject({ code: "invalid_input", issues: [{ path: "texts.1" }] });
    await expect(embedder.embedQuery("")).rejects.toThrow(InvalidInputError);
    expect(fake.received).toHaveLength(0);
  });

  it("rejects bad options", async () => {
    await expect(create({ baseUrl: "localhost:1234" })).rejects.toThrow(/options\.baseUrl: must be an http\(s\) URL/);
    await expect(create({ batchSize: 0, model: " " })).rejects.toMatchObject({ issues: [{ path: "options.model" }, { path: "options.batchSize" }] });
    await expect(create({ headers: { "bad header": "x" } })).rejects.toThrow(InvalidInputError);
    expect(fake.received).toHaveLength(0);
  });
});
