import { execFile, execFileSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { createMemory, type Memory } from "@mnemo/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBridgeApp } from "../app/create-bridge-app.js";
import { silentLogger } from "../logging/logger.js";

// A throwaway cluster on port 5433 (scripts/outage-cluster.sh): the test stops and starts it, never the main server.
const script = join(import.meta.dirname, "../../../../scripts/outage-cluster.sh");
const outageUrl = "postgres://postgres@127.0.0.1:5433/test";
const cluster = (action: string) => execFileSync("bash", [script, action], { stdio: "pipe", timeout: 120_000 });
// While the bridge serves in this process, the cluster is stopped and started without blocking its event loop.
const clusterAsync = (action: string) => promisify(execFile)("bash", [script, action], { timeout: 120_000 });

let unavailable: string | undefined;
try {
  cluster("ensure");
} catch (error) {
  unavailable = `the outage cluster could not be set up (${String((error as { stderr?: Buffer }).stderr ?? error)
    .trim()
    .slice(0, 300)})`;
  if (process.env.CI) throw new Error(`CI is set: the database-outage suite must run, but ${unavailable}`);
  console.warn(`[bridge reliability] skipping the database-outage suite: ${unavailable}. Run scripts/outage-cluster.sh ensure as root.`);
}

const requestTimeoutMs = 3_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe.skipIf(unavailable !== undefined)("PostgreSQL stopped under bridge load", () => {
  let memory: Memory;
  let server: ReturnType<typeof serve>;
  let url: string;
  let key: string;

  beforeAll(async () => {
    memory = await createMemory({ database: outageUrl, schema: `outage_${Date.now()}`, maxConnections: 8 });
    key = (await memory.apiKeys.create({ users: ["ada"] })).key;
    const app = createBridgeApp({ memory, logger: silentLogger, requestTimeoutMs });
    server = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Warm-up: the first append loads the tokenizer's rank tables synchronously (seconds on a busy machine),
    // which would stall the event loop inside the measured load rather than the outage.
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const warm = async (path: string, body: unknown) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const response = await fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
        if (response.status < 300) return response.status;
        await sleep(500);
      }
      return 0;
    };
    expect(await warm("/v1/conversations/warm/messages", { messages: [{ id: "warm", role: "user", content: "warm-up" }] })).toBe(201);
    expect(await warm("/v1/collections/crewai/records", { records: [{ id: "warm", content: "warm-up", embedding: [0, 0, 1] }] })).toBe(200);
  });
  afterAll(async () => {
    await clusterAsync("start");
    await new Promise((done) => server?.close(() => done(undefined)));
    await memory?.close();
  });

  it("answers 503 with Retry-After within its timeout, loses no acknowledged write, and recovers by itself", { timeout: 240_000 }, async () => {
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    const acknowledged = new Set<string>();
    const acknowledgedRecords = new Set<string>();
    let slowest = 0;
    const origin = Date.now();
    const phases: string[] = [];
    const send = async (path: string, body: unknown): Promise<Response | undefined> => {
      const started = Date.now();
      try {
        const response = await fetch(`${url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(requestTimeoutMs + 10_000),
        });
        slowest = Math.max(slowest, Date.now() - started);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 503 && !response.headers.get("retry-after")) problems.push("503 without Retry-After");
        if (response.status !== 503 && response.status >= 300) problems.push(`${response.status} ${await response.text()}`);
        return response;
      } catch (error) {
        problems.push(`no answer after ${Date.now() - started} ms (sent at ${started - origin} ms; ${phases.join(", ")}): ${String(error)}`);
        return undefined;
      }
    };
    // Each client writes its messages in order, retrying one until it is acknowledged (ids make retries idempotent).
    const client = async (writer: number) => {
      for (let index = 0; index < 25; index++) {
        const id = `${writer}-${index}`;
        for (;;) {
          const response = await send(`/v1/conversations/c${writer % 4}/messages`, { messages: [{ id, role: "user", content: `message ${id}` }] });
          if (response?.status === 201) {
            acknowledged.add(id);
            break;
          }
          await response?.text();
          await sleep(250);
        }
        const records = { records: [{ id: `r${id}`, content: `record ${id}`, embedding: [writer, index, 1] }] };
        for (;;) {
          const response = await send("/v1/collections/crewai/records", records);
          if (response?.status === 200) {
            acknowledged.add(`r${id}`);
            acknowledgedRecords.add(`r${id}`);
            break;
          }
          await response?.text();
          await sleep(250);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 12 }, (_, writer) => client(writer)));
    await sleep(1_500);
    phases.push(`stopping at ${Date.now() - origin} ms`);
    await clusterAsync("stop");
    phases.push(`stopped at ${Date.now() - origin} ms`);
    await sleep(1_000);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    await sleep(3_000);
    phases.push(`starting at ${Date.now() - origin} ms`);
    await clusterAsync("start");
    phases.push(`started at ${Date.now() - origin} ms`);
    await load;

    expect(problems).toEqual([]);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(statuses.has(500)).toBe(false);
    expect(slowest).toBeLessThan(requestTimeoutMs + 2_000);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // Every acknowledged write is there, once, and the sequences have no gaps.
    let stored = 0;
    for (let conversation = 0; conversation < 4; conversation++) {
      const history = await memory.history({ userId: "ada", conversationId: `c${conversation}`, last: 10_000 });
      expect(history.map((message) => message.seq)).toEqual(history.map((_, index) => index + 1));
      stored += history.length;
      for (const message of history) expect(acknowledged.has(message.id)).toBe(true);
    }
    expect(stored).toBe(12 * 25);
    expect(await memory.records.count({ userId: "ada", collection: "crewai" })).toBe(acknowledgedRecords.size + 1);
    expect(acknowledgedRecords.size).toBe(12 * 25);
  });
});
