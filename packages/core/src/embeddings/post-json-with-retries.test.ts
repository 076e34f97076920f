import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RetryPolicy, retryDelay, serverMessage } from "./post-json-with-retries.js";

// The HTTP behaviour (retries, timeouts, status handling) is tested against a real server in openai-compatible-embedder.test.ts.

const policy = (retryBaseDelayMs: number, maxRetryDelayMs: number): RetryPolicy => ({ timeoutMs: 1000, maxRetries: 4, retryBaseDelayMs, maxRetryDelayMs });

describe("retryDelay", () => {
  it("backs off between half and all of the doubled base delay, never above the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 60_000 }), (attempt, base, cap) => {
        const ceiling = Math.min(cap, base * 2 ** attempt);
        const delay = retryDelay(attempt, undefined, policy(base, cap));
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it("uses the server's wish, capped", () => {
    expect(retryDelay(0, 2000, policy(500, 20_000))).toBe(2000);
    expect(retryDelay(3, 0, policy(500, 20_000))).toBe(0);
    expect(retryDelay(0, 120_000, policy(500, 20_000))).toBe(20_000);
  });
});

describe("serverMessage", () => {
  it("reads the common error shapes", () => {
    expect(serverMessage('{"error":{"message":"Bad model","type":"invalid_request_error"}}', [])).toBe("Bad model");
    expect(serverMessage('{"error":"model \\"x\\" not found, try pulling it first"}', [])).toBe('model "x" not found, try pulling it first');
    expect(serverMessage('{"object":"error","message":"Too long"}', [])).toBe("Too long");
    expect(serverMessage('{"detail":"Not Found"}', [])).toBe("Not Found");
  });

  it("says nothing for non-JSON or message-less answers", () => {
    expect(serverMessage("<html><body>Bad gateway</body></html>", [])).toBe("");
    expect(serverMessage('{"error":{"code":42}}', [])).toBe("");
    expect(serverMessage("null", [])).toBe("");
  });

  it("removes secrets and key-like tokens and truncates to 200 characters", () => {
    expect(serverMessage('{"error":{"message":"Incorrect API key provided: sk-proj-****abcd."}}', [])).toBe("Incorrect API key provided: [redacted].");
    expect(serverMessage('{"error":"bad token lm-studio-key-9"}', ["lm-studio-key-9"])).toBe("bad token [redacted]");
    const long = serverMessage(JSON.stringify({ message: "x".repeat(500) }), []);
    expect(long).toHaveLength(200);
    expect(long.endsWith("…")).toBe(true);
  });
});
