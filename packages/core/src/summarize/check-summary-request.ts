import { z } from "zod";
import { type InputIssue, InvalidInputError } from "../errors/invalid-input-error.js";
import { messageRoles } from "../ingest/message-input.js";
import type { TokenCounter } from "../tokens/token-counter.js";
import type { SummaryRequest } from "./summarizer.js";

const isTokenCounter = (value: unknown): value is TokenCounter =>
  typeof value === "object" && value !== null && typeof (value as { count?: unknown }).count === "function";

const requestSchema = z.object({
  previousSummary: z.string({ error: "must be a string" }).optional(),
  messages: z.array(
    z.object({
      role: z.enum(messageRoles, { error: `must be one of ${messageRoles.join(", ")}` }),
      name: z.string({ error: "must be a string" }).optional(),
      content: z.string({ error: "must be a string" }),
      createdAt: z.date({ error: "must be a valid Date" }).optional(),
    }),
    { error: "must be an array of messages" },
  ),
  maxTokens: z.number({ error: "must be a number" }).int("must be an integer").min(1, "must be at least 1"),
  counter: z.custom<TokenCounter>(isTokenCounter, { error: "must be a TokenCounter (an object with a count(text) method)" }),
  signal: z.instanceof(AbortSignal, { error: "must be an AbortSignal" }).optional(),
});

/**
 * Throws one {@link InvalidInputError} listing every problem in `request` (paths like
 * `request.messages.2.role`), or the signal's reason when it is already aborted.
 * Messages name the expected type, never the value given, so no user content leaks.
 */
export function checkSummaryRequest(request: unknown, source: string): asserts request is SummaryRequest {
  const result = requestSchema.safeParse(request);
  if (!result.success) {
    const issues: InputIssue[] = result.error.issues.map((issue) => ({ path: ["request", ...issue.path.map(String)].join("."), message: issue.message }));
    const first = issues[0] ?? { path: "request", message: "is invalid" };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw new InvalidInputError(`${source}: ${first.path}: ${first.message}${more}.`, { issues, cause: result.error });
  }
  result.data.signal?.throwIfAborted();
}

/** True when there is something to fold: a previous summary or a message with content. */
export function hasSummaryInput(request: SummaryRequest): boolean {
  return (request.previousSummary ?? "").trim() !== "" || request.messages.some((message) => message.content.trim() !== "");
}
