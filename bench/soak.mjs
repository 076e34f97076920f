// Soak test of the CrewAI bridge (issue 10; not in CI): a fixed request rate of mixed traffic on loopback
// against a bridge child process on the PostgreSQL server, for a bounded time and request count. Reports,
// per window: p50/p99 latency, errors, the bridge's RSS and the database connections it holds.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/soak.mjs            # 10 minutes, 40 req/s
//   node bench/soak.mjs --small                                                          # 5 s, 20 req/s (smoke)
//   options: --duration <s> --rate <req/s> --window <s> --without <operation,…> (leave operations out of the mix)
//            --out <file name in bench/results> (default soak.json)
// Writes bench/results/soak.json (soak-small.json with --small). Stops by itself; the bridge is stopped and
// its schema dropped at the end.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createMemory } from "@mnemo/core";
import pg from "pg";

const { values } = parseArgs({
  options: {
    small: { type: "boolean" },
    duration: { type: "string" },
    rate: { type: "string" },
    window: { type: "string" },
    without: { type: "string" },
    out: { type: "string" },
  },
});
const small = values.small === true;
const durationS = Number(values.duration ?? (small ? 5 : 600));
const rate = Number(values.rate ?? (small ? 20 : 40));
const windowS = Number(values.window ?? (small ? 1 : 30));
const maxRequests = Math.ceil(durationS * rate);
const maxInFlight = 200;
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("soak: DATABASE_URL must name the PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test)");
const bridgeMain = join(import.meta.dirname, "../packages/crewai-bridge/dist/main.js");
if (!existsSync(bridgeMain)) throw new Error(`soak: ${bridgeMain} is missing; build first: npx turbo run build --filter=@mnemo/crewai-bridge`);

const schema = `soak_${Date.now()}`;
const applicationName = `mnemo-soak-${process.pid}`;
const bridgeUrl = `${databaseUrl}${databaseUrl.includes("?") ? "&" : "?"}application_name=${applicationName}`;
const memory = await createMemory({ database: databaseUrl, schema });
const { key } = await memory.apiKeys.create({ users: ["soak"], label: "soak" });
await memory.close();

const bridge = spawn(process.execPath, [bridgeMain, "--database", bridgeUrl, "--schema", schema, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  createInterface({ input: bridge.stdout }).on("line", (line) => {
    if (line.includes('"listening"')) resolve(JSON.parse(line).url);
  });
  bridge.once("exit", () => reject(new Error("soak: the bridge exited before listening")));
});
const monitor = new pg.Client({ connectionString: databaseUrl });
await monitor.connect();

const dimensions = 384;
const vector = (seed) => Array.from({ length: dimensions }, (_, index) => Math.sin(seed * 0.37 + index));
let counter = 0;
const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
// The mix: CrewAI-style record saves and searches, chat turns, history, contexts and model memory.
// The operation is chosen by n (see pick); the conversation by a hash of n, so that every conversation
// gets every kind of request (with `n % 50` a conversation only ever got the same one or two kinds).
const conversationOf = (n) => `c${(Math.imul(n, 2654435761) >>> 0) % 50}`;
const operations = [
  [
    25,
    "append",
    (n) => [
      "POST",
      `/v1/conversations/${conversationOf(n)}/messages`,
      { messages: [{ role: n % 2 ? "assistant" : "user", content: `Turn ${n} about trains, hotels and pastries in Lisbon.`, id: `m${n}` }] },
    ],
  ],
  [15, "history", (n) => ["GET", `/v1/conversations/${conversationOf(n)}/messages?last=20`]],
  [
    15,
    "save",
    (n) => [
      "POST",
      "/v1/collections/crewai/records",
      {
        records: Array.from({ length: 5 }, (_, index) => ({
          id: `r${n}-${index}`,
          content: `Record ${n}.${index} on the research crew's findings`,
          scope: `/crew/agent${n % 5}`,
          categories: [`topic${n % 7}`],
          embedding: vector(n * 5 + index),
        })),
      },
    ],
  ],
  [15, "search", (n) => ["POST", "/v1/collections/crewai/search", { embedding: vector(n), scopePrefix: "/crew", limit: 10 }]],
  [10, "context", (n) => ["POST", `/v1/conversations/${conversationOf(n)}/context`, { maxTokens: 1000 }]],
  [10, "memory-add", (n) => ["POST", "/v1/model-memory", { content: `Fact number ${n % 300}: prefers window seat ${n % 300}`, category: "travel" }]],
  [10, "memory-search", (n) => ["POST", "/v1/model-memory/search", { query: `window seat ${n % 300}` }]],
];
const without = new Set((values.without ?? "").split(",").filter(Boolean));
for (const name of without) if (!operations.some((operation) => operation[1] === name)) throw new Error(`soak: no operation ${name}`);
operations.splice(0, operations.length, ...operations.filter((operation) => !without.has(operation[1])));
// Every conversation starts with one user turn (not timed), so a context request is never for an empty one.
for (let index = 0; index < 50; index++) {
  const response = await fetch(`${url}/v1/conversations/c${index}/messages`, {
    method: "POST",
    headers,
    body: JSON.stringify({ messages: [{ role: "user", content: `Conversation ${index} opens: plan a trip to Lisbon.`, id: `seed${index}` }] }),
  });
  if (response.status !== 201) throw new Error(`soak: seeding conversation c${index} answered ${response.status}`);
}
const totalWeight = operations.reduce((sum, [weight]) => sum + weight, 0);
function pick(n) {
  let point = (n * 7919) % totalWeight;
  for (const operation of operations) {
    point -= operation[0];
    if (point < 0) return operation;
  }
  return operations[0];
}

const windows = [];
let current = newWindow(0);
function newWindow(startS) {
  return { startS, latencies: [], errors: 0, statuses: {}, dropped: 0, rssMiB: [], connections: [], activeConnections: [] };
}
let inFlight = 0;
let sent = 0;
/** Latencies and answers per operation over the whole run: which operation saturates first. */
const byOperation = new Map(operations.map(([, name]) => [name, { latencies: [], statuses: {} }]));
async function request(n) {
  const [, name, build] = pick(n);
  const [method, path, body] = build(n);
  const started = performance.now();
  const into = current;
  inFlight += 1;
  try {
    const response = await fetch(`${url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(60_000) });
    await response.arrayBuffer();
    into.statuses[response.status] = (into.statuses[response.status] ?? 0) + 1;
    const statuses = byOperation.get(name).statuses;
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (response.status >= 400) into.errors += 1;
  } catch {
    into.errors += 1;
    into.statuses.network = (into.statuses.network ?? 0) + 1;
  } finally {
    inFlight -= 1;
    into.latencies.push(performance.now() - started);
    byOperation.get(name).latencies.push(performance.now() - started);
  }
}
function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((text) => text.startsWith("VmRSS:"));
  return Number(line.split(/\s+/)[1]) / 1024;
}
async function sample() {
  current.rssMiB.push(rssMiB(bridge.pid));
  const { rows } = await monitor.query(
    "SELECT count(*)::int AS total, count(*) FILTER (WHERE state <> 'idle')::int AS active FROM pg_stat_activity WHERE application_name = $1",
    [applicationName],
  );
  current.connections.push(rows[0].total);
  current.activeConnections.push(rows[0].active);
}

const percentile = (values, p) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1));
};
const startedAt = performance.now();
const intervalMs = 1000 / rate;
const pending = new Set();
const sampler = setInterval(() => void sample().catch(() => {}), 1000);
let nextWindowAt = windowS * 1000;
console.log(`soak: ${durationS} s at ${rate} req/s (at most ${maxRequests} requests) against ${url}, windows of ${windowS} s`);
while (sent < maxRequests) {
  const due = startedAt + sent * intervalMs;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((done) => setTimeout(done, wait));
  if (performance.now() - startedAt >= nextWindowAt) {
    windows.push(current);
    current = newWindow(nextWindowAt / 1000);
    nextWindowAt += windowS * 1000;
  }
  if (performance.now() - startedAt > (durationS + 5) * 1000) break; // bounded in time even if the loop fell behind
  const n = counter++;
  sent += 1;
  if (inFlight >= maxInFlight) {
    current.dropped += 1;
    continue;
  }
  const promise = request(n);
  pending.add(promise);
  promise.finally(() => pending.delete(promise));
}
await Promise.all(pending);
clearInterval(sampler);
await sample().catch(() => {});
windows.push(current);

function summarise(window) {
  return {
    fromS: window.startS,
    requests: window.latencies.length,
    p50Ms: percentile(window.latencies, 50),
    p99Ms: percentile(window.latencies, 99),
    errors: window.errors,
    dropped: window.dropped,
    statuses: window.statuses,
    rssMiB: window.rssMiB.length ? Number(Math.max(...window.rssMiB).toFixed(1)) : null,
    connections: window.connections.length ? Math.max(...window.connections) : null,
    activeConnections: window.activeConnections.length ? Math.max(...window.activeConnections) : null,
  };
}
function report(window) {
  const s = summarise(window);
  console.log(
    `  ${String(s.fromS).padStart(4)} s  n=${s.requests} p50=${s.p50Ms} ms p99=${s.p99Ms} ms errors=${s.errors} dropped=${s.dropped} rss=${s.rssMiB} MiB connections=${s.connections} (active ${s.activeConnections})`,
  );
}

bridge.kill("SIGTERM");
await new Promise((done) => bridge.once("exit", done));
await monitor.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await monitor.end();

// Requests count in the window they were sent in, so windows are reported once every request has finished.
for (const window of windows) report(window);
const all = windows.flatMap((window) => window.latencies);
const summaries = windows.map(summarise);
const warm = summaries.find((s) => s.fromS >= Math.min(60, durationS / 5)) ?? summaries[0];
const last = summaries.at(-1);
const result = {
  date: new Date().toISOString(),
  durationS,
  rate,
  windowS,
  sent,
  completed: all.length,
  errors: summaries.reduce((sum, s) => sum + s.errors, 0),
  dropped: summaries.reduce((sum, s) => sum + s.dropped, 0),
  p50Ms: percentile(all, 50),
  p99Ms: percentile(all, 99),
  rssAfterWarmUpMiB: warm?.rssMiB,
  rssAtEndMiB: last?.rssMiB,
  maxConnections: Math.max(...summaries.map((s) => s.connections ?? 0)),
  mix: operations.map(([weight, name]) => `${name} ${weight}%`).join(", "),
  machine: {
    cpus: (await import("node:os")).cpus().length,
    loadAverage: (await import("node:os")).loadavg().map((value) => Number(value.toFixed(2))),
    node: process.version,
  },
  operations: Object.fromEntries(
    [...byOperation].map(([name, { latencies, statuses }]) => [
      name,
      { requests: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), statuses },
    ]),
  ),
  windows: summaries,
};
for (const [name, s] of Object.entries(result.operations)) {
  console.log(`  ${name.padEnd(14)} n=${s.requests} p50=${s.p50Ms} ms p99=${s.p99Ms} ms ${JSON.stringify(s.statuses)}`);
}
const file = join(import.meta.dirname, "results", values.out ?? (small ? "soak-small.json" : "soak.json"));
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `soak: ${result.completed}/${result.sent} completed, ${result.errors} errors, ${result.dropped} dropped; p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; RSS ${result.rssAfterWarmUpMiB} → ${result.rssAtEndMiB} MiB; at most ${result.maxConnections} connections → ${file}`,
);
if (result.completed === 0) process.exitCode = 1;
