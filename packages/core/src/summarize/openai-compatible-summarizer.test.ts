import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors/invalid-input-error.js";
import { UnavailableError } from "../errors/unavailable-error.js";
import { type FakeReply, fakeOpenAIServer } from "../testing/fake-openai-server.js";
import { createTiktokenCounter } from "../tokens/tiktoken-counter.js";
import { createOpenAICompatibleSummarizer, defaultSummaryInstructions, type OpenAICompatibleSummarizerOptions } from "./openai-compatible-summarizer.js";
import type { SummaryRequest } from "./summarizer.js";

/** The body of a `/v1/chat/completions` request. */
interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  max_tokens?: number;
  temperature?: number;
}

const chatReply = (content: unknown, finishReason = "stop"): FakeReply => ({
  status: 200,
  json: { id: "chatcmpl-1", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }] },
});

const fake = fakeOpenAIServer<ChatBody>("/v1/chat/completions", () => chatReply("Ada plans a trip to Japan in April."));

const counter = createTiktokenCounter("o200k_base");
const request: SummaryRequest = {
  previousSummary: "Ada likes green tea.",
  messages: [
    { role: "user", name: "Ada", content: "We fly to Japan in April.", createdAt: new Date("2025-03-01T10:00:00Z") },
    { role: "assistant", content: "Book Kyoto early." },
    { role: "tool", content: "   " },
  ],
  maxTokens: 50,
  counter,
};

const create = (options: Partial<OpenAICompatibleSummarizerOptions> = {}) =>
  createOpenAICompatibleSummarizer({ baseUrl: fake.baseUrl, model: "test-chat", retryBaseDelayMs: 1, ...options });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error as Error,
  );

beforeAll(() => fake.start());
beforeEach(() => fake.reset());
afterAll(() => fake.close());

describe("createOpenAICompatibleSummarizer", () => {
  it("sends one well-formed chat completion request and returns the answer", async () => {
    const summarizer = create({ apiKey: "test-key-1234", baseUrl: `${fake.baseUrl}/`, headers: { "X-Trace": "t-1", authorization: "ignored" } });
    expect(summarizer.id).toBe("openai-compatible:test-chat");
    expect(await summarizer.summarize(request)).toBe("Ada plans a trip to Japan in April.");
    expect(fake.received).toHaveLength(1);
    const [sent] = fake.received;
    expect(sent).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
    expect(sent?.headers).toMatchObject({ authorization: "Bearer test-key-1234", "content-type": "application/json", "x-trace": "t-1" });
    expect(sent?.body).toEqual({
      model: "test-chat",
      messages: [
        { role: "system", content: defaultSummaryInstructions },
        {
          role: "user",
          content: [
            "Previous summary:\nAda likes green tea.",
            "New turns, oldest first:\n[2025-03-01T10:00:00.000Z] User (Ada): We fly to Japan in April.\nAssistant: Book Kyoto early.",
            "Write the updated summary in at most 50 tokens.",
          ].join("\n\n"),
        },
      ],
      max_tokens: 50,
      temperature: 0.2,
    });
  });

  it("sends no key when none is given, and custom instructions and temperature", async () => {
    await create({ apiKey: "", instructions: "Summarize tersely.", temperature: 0 }).summarize({ ...request, previousSummary: undefined });
    const [sent] = fake.received;
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body.messages?.[0]).toEqual({ role: "system", content: "Summarize tersely." });
    expect(sent?.body.messages?.[1]?.content).toMatch(/^Previous summary:\n\(none\)\n\n/);
    expect(sent?.body.temperature).toBe(0);
  });

  it("returns an empty summary without a request when there is nothing to fold", async () => {
    expect(await create().summarize({ messages: [{ role: "user", content: " " }], maxTokens: 10, counter })).toBe("");
    expect(fake.received).toHaveLength(0);
  });

  it("caps an answer longer than maxTokens at a sentence end", async () => {
    fake.reply = () => chatReply(`  Ada flies to Japan in April. ${"She will visit many temples and gardens in Kyoto. ".repeat(20)}`);
    const summary = await create().summarize({ ...request, maxTokens: 20 });
    expect(counter.count(summary)).toBeLessThanOrEqual(20);
    expect(summary).toMatch(/^Ada flies to Japan in April\. .*Kyoto\.$/);
  });

  it("waits as long as Retry-After asks after a 429", async () => {
    fake.reply = (_, count) =>
      count === 1 ? { status: 429, headers: { "retry-after": "1" }, json: { error: { message: "Slow down" } } } : chatReply("Retried.");
    expect(await create().summarize(request)).toBe("Retried.");
    expect(fake.received).toHaveLength(2);
    const waited = (fake.received[1]?.at ?? 0) - (fake.received[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(3000);
  });

  it("gives up with UnavailableError after maxRetries 5xx answers", async () => {
    fake.reply = () => ({ status: 500, json: { error: { message: "Model crashed" } } });
    const error = await failure(create({ maxRetries: 2 }).summarize(request));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(/chat server http:\/\/127\.0\.0\.1:\d+: the server answered HTTP 500 \(Model crashed\) \(3 attempts\)/);
    expect(fake.received).toHaveLength(3);
  });

  it("fails at once with InvalidInputError on a 400, without echoing the transcript or key", async () => {
    fake.reply = () => ({ status: 400, json: { error: { message: "max_tokens is too large", type: "invalid_request_error" } } });
    const error = await failure(create({ apiKey: "secret-key-5678" }).summarize(request));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/HTTP 400 \(max_tokens is too large\)/);
    expect(error.message).not.toMatch(/Japan|secret-key-5678/);
    expect(fake.received).toHaveLength(1);
  });

  it("times out a server that never answers, retries, then throws UnavailableError", async () => {
    fake.reply = () => "hang";
    const error = await failure(create({ timeoutMs: 100, maxRetries: 1 }).summarize(request));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(/no answer within 100 ms \(2 attempts\)/);
    expect(fake.received).toHaveLength(2);
  });

  it("rejects malformed answers as internal errors", async () => {
    const summarizer = create();
    const malformed: FakeReply[] = [
      { status: 200, json: { choices: [] } },
      { status: 200, json: { object: "list", data: [] } },
      chatReply(null),
      chatReply(42),
      { status: 200, text: "<html>proxy login</html>" },
    ];
    for (const answer of malformed) {
      fake.reply = () => answer;
      await expect(summarizer.summarize(request)).rejects.toMatchObject({ code: "internal" });
    }
    fake.reply = () => chatReply(" \n ");
    await expect(summarizer.summarize(request)).rejects.toMatchObject({ code: "internal", message: expect.stringMatching(/empty summary\.$/) });
    fake.reply = () => chatReply("", "length");
    await expect(summarizer.summarize(request)).rejects.toThrow(/stopped at max_tokens/);
  });

  it("stops waiting when the signal aborts", async () => {
    await expect(create().summarize({ ...request, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(fake.received).toHaveLength(0);
    fake.reply = () => "hang";
    const started = Date.now();
    await expect(create({ timeoutMs: 5000, maxRetries: 0 }).summarize({ ...request, signal: AbortSignal.timeout(100) })).rejects.toMatchObject({
      name: "TimeoutError",
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("rejects bad options and requests before sending anything", async () => {
    expect(() => create({ baseUrl: "localhost:1234" })).toThrow(/options\.baseUrl: must be an http\(s\) URL/);
    expect(() => create({ model: " ", temperature: 3 })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: "options.model" }), expect.objectContaining({ path: "options.temperature" })] }),
    );
    expect(() => create({ instructions: "" })).toThrow(InvalidInputError);
    await expect(create().summarize({ ...request, maxTokens: 2.5 })).rejects.toMatchObject({ issues: [{ path: "request.maxTokens" }] });
    expect(fake.received).toHaveLength(0);
  });
});
