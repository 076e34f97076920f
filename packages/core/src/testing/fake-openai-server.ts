import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake server received, with its JSON body parsed. */
export interface ReceivedRequest<Body> {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Body;
  /** `Date.now()` when it arrived, to check retry delays. */
  at: number;
}

/** What the fake server does with one request: answer it, or never answer. */
export type FakeReply = { status: number; headers?: Record<string, string>; json?: unknown; text?: string } | "hang";

/** Replies to one request; `count` is 1 for the first request since the last reset. */
export type FakeReplier<Body> = (request: ReceivedRequest<Body>, count: number) => FakeReply;

/**
 * A real HTTP server on 127.0.0.1 that plays an OpenAI-compatible API for tests: requests to `path`
 * (e.g. `/v1/embeddings`) are recorded and answered by `reply`; any other path gets a 404.
 * `start()` in `beforeAll`, `reset()` in `beforeEach` (forgets requests, restores the default reply),
 * `close()` in `afterAll`.
 * @example
 * const fake = fakeOpenAIServer("/v1/chat/completions", () => ({ status: 200, json: { choices: [{ message: { content: "Hi" } }] } }));
 * beforeAll(() => fake.start());
 * // createOpenAICompatibleSummarizer({ baseUrl: fake.baseUrl, model: "test" }) … expect(fake.received[0]?.body).toMatchObject({ model: "test" });
 */
export function fakeOpenAIServer<Body = Record<string, unknown>>(path: string, defaultReply: FakeReplier<Body>) {
  const received: ReceivedRequest<Body>[] = [];
  const server = createServer((request, response) => void handle(request, response));
  const fake = {
    /** Every request since the last reset, in arrival order. */
    received,
    /** Replaces the reply until the next reset. */
    reply: defaultReply,
    /** `http://127.0.0.1:<port>/v1`, once started. */
    baseUrl: "",
    async start(): Promise<void> {
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    },
    reset(): void {
      received.length = 0;
      fake.reply = defaultReply;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = "";
    for await (const chunk of request) text += chunk;
    const recorded: ReceivedRequest<Body> = {
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
      body: JSON.parse(text || "{}"),
      at: Date.now(),
    };
    received.push(recorded);
    const answer = recorded.path === path ? fake.reply(recorded, received.length) : { status: 404, json: { error: { message: "Not found" } } };
    if (answer === "hang") return;
    response.writeHead(answer.status, { "content-type": answer.text === undefined ? "application/json" : "text/plain", ...answer.headers });
    response.end(answer.text ?? JSON.stringify(answer.json));
  }

  return fake;
}
