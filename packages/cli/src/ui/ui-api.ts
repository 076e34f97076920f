import { enhancePrompt, type Memory, MnemoError, NotFoundError, type SettingValue } from "@mnemo/core";
import { listConversations } from "../commands/read-commands.js";
import type { GlobalOptions } from "../program/global-options.js";
import { summarizerFor } from "../program/open-memory.js";

/** A JSON answer of the UI's API. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

type Handler = (input: {
  memory: Memory;
  userId: string;
  options: GlobalOptions;
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}) => Promise<unknown>;

const number = (text: string | null, fallback: number) => (text === null || text === "" || Number.isNaN(Number(text)) ? fallback : Number(text));

// Method + path pattern → handler. Params are the pattern's capture groups (URL-decoded).
const routes: [string, RegExp, Handler][] = [
  [
    "GET",
    /^\/api\/search$/,
    async ({ memory, userId, query }) => {
      const text = query.get("q") ?? "";
      if (text.trim() === "") return { conversations: [], memories: [] };
      const limit = Math.min(number(query.get("limit"), 20), 100);
      const [conversations, memories] = await Promise.all([
        memory.search({ userId, query: text, limit }),
        memory.modelMemory.search({ userId, query: text, limit: 10 }),
      ]);
      return { conversations, memories };
    },
  ],
  [
    "GET",
    /^\/api\/conversations$/,
    ({ memory, userId, query }) =>
      listConversations(memory, userId, { limit: Math.min(number(query.get("limit"), 100), 1000), offset: number(query.get("offset"), 0) }),
  ],
  [
    "GET",
    /^\/api\/conversations\/(.+)$/,
    async ({ memory, userId, params }) => {
      const messages = await memory.history({ userId, conversationId: params[0] as string, last: 1000 });
      if (messages.length === 0) throw new NotFoundError("No such conversation.");
      return { conversationId: params[0], messages };
    },
  ],
  ["GET", /^\/api\/memories$/, ({ memory, userId }) => memory.modelMemory.list({ userId, limit: 1000 })],
  [
    "POST",
    /^\/api\/memories$/,
    ({ memory, userId, body }) =>
      memory.modelMemory.add({
        userId,
        content: body.content as string,
        category: (body.category as string) || undefined,
        importance: body.importance as number | undefined,
        by: "user",
      }),
  ],
  [
    "PATCH",
    /^\/api\/memories\/([^/]+)$/,
    ({ memory, userId, params, body }) =>
      memory.modelMemory.update({
        userId,
        memoryId: params[0] as string,
        content: body.content as string | undefined,
        category: body.category as string | undefined,
        importance: body.importance as number | undefined,
        by: "user",
      }),
  ],
  [
    "DELETE",
    /^\/api\/memories\/([^/]+)$/,
    async ({ memory, userId, params }) => {
      if (!(await memory.modelMemory.delete({ userId, memoryId: params[0] as string, by: "user" }))) throw new NotFoundError("No such memory entry.");
      return { deleted: params[0] };
    },
  ],
  ["GET", /^\/api\/settings$/, ({ memory, userId }) => memory.settings.get({ userId })],
  [
    "PUT",
    /^\/api\/settings\/([^/]+)$/,
    ({ memory, userId, params, body }) => memory.settings.set({ userId, key: params[0] as string, value: body.value as SettingValue, by: "user" }),
  ],
  ["GET", /^\/api\/settings\/([^/]+)\/history$/, ({ memory, userId, params }) => memory.settings.history({ userId, key: params[0] as string })],
  [
    "POST",
    /^\/api\/enhance$/,
    async ({ memory, userId, options, body }) =>
      enhancePrompt(memory, {
        userId,
        question: body.question as string,
        limit: body.limit as number | undefined,
        maxContextTokens: body.maxTokens as number | undefined,
        summarizer: await summarizerFor(memory, userId, options),
      }),
  ],
];

/** Answers one API request; errors become `{ error: { code, message } }` with a matching HTTP status. */
export async function handleApi(
  request: { method: string; path: string; query: URLSearchParams; body: Record<string, unknown> },
  context: { memory: Memory; userId: string; options: GlobalOptions },
): Promise<ApiResponse> {
  for (const [method, pattern, handler] of routes) {
    const match = pattern.exec(request.path);
    if (!match || method !== request.method) continue;
    try {
      const params = match.slice(1).map((part) => decodeURIComponent(part));
      return { status: 200, body: await handler({ ...context, params, query: request.query, body: request.body }) };
    } catch (error) {
      return errorResponse(error);
    }
  }
  return { status: 404, body: { error: { code: "not_found", message: "No such API route." } } };
}

const statusOf: Record<string, number> = { invalid_input: 400, not_found: 404, conflict: 409, unavailable: 503, budget_exceeded: 422 };

function errorResponse(error: unknown): ApiResponse {
  if (MnemoError.isInstance(error)) return { status: statusOf[error.code] ?? 500, body: { error: { code: error.code, message: error.message } } };
  return { status: 500, body: { error: { code: "internal", message: "Unexpected error; see the terminal running `mnemo ui`." } } };
}
