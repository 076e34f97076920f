import { z } from "zod";
import type { RetryPolicy } from "./post-json-with-retries.js";

const isHttpUrl = (value: string): boolean => URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol);

function areValidHeaders(headers: Record<string, string>): boolean {
  try {
    new Headers(headers);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zod fields every OpenAI-compatible client shares (embedder, summariser): where the API is,
 * which model, the key, extra headers and the retry policy, with the client's own defaults.
 */
export function endpointOptionFields(defaults: { model: string; timeoutMs: number; maxRetries: number }) {
  return {
    baseUrl: z
      .string()
      .refine(isHttpUrl, "must be an http(s) URL such as http://localhost:1234/v1")
      .transform((url) => url.replace(/\/+$/, "")),
    model: z.string().refine((model) => model.trim() !== "", `must name the ${defaults.model}`),
    apiKey: z.string().optional(),
    timeoutMs: z.number().int().min(1).default(defaults.timeoutMs),
    maxRetries: z.number().int().min(0).max(20).default(defaults.maxRetries),
    retryBaseDelayMs: z.number().min(0).default(500),
    maxRetryDelayMs: z.number().min(0).default(20_000),
    headers: z.record(z.string(), z.string()).default({}).refine(areValidHeaders, "must be valid HTTP header names and values"),
  };
}

/** What a request to an OpenAI-compatible endpoint needs: a label for errors, headers, secrets to redact, the retry policy. */
export function endpointConnection(
  settings: RetryPolicy & { baseUrl: string; apiKey?: string | undefined; headers: Record<string, string> },
  what: string,
): { label: string; headers: Headers; secrets: string[]; policy: RetryPolicy } {
  const apiKey = settings.apiKey === undefined || settings.apiKey === "" ? undefined : settings.apiKey;
  // Headers, not an object spread: names are case-insensitive, and ours must replace the caller's.
  const headers = new Headers(settings.headers);
  headers.set("Content-Type", "application/json");
  if (apiKey !== undefined) headers.set("Authorization", `Bearer ${apiKey}`);
  return {
    label: `${what} ${new URL(settings.baseUrl).origin}`,
    headers,
    // Caller headers may carry credentials too (Azure's `api-key`); none may appear in an error message.
    secrets: [...(apiKey === undefined ? [] : [apiKey]), ...Object.values(settings.headers)],
    policy: settings,
  };
}
