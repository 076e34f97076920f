import { describe, expect, it } from "vitest";
import type { LogEntry } from "../logging/logger.js";
import { bridgeOptionsFromArgs } from "./bridge-config.js";
import { startBridge } from "./start-bridge.js";

describe("startBridge", () => {
  it("listens on 127.0.0.1 by default, answers over real HTTP, and closes what it opened", async () => {
    const logs: LogEntry[] = [];
    const bridge = await startBridge({ database: { dataDir: "memory://" }, port: 0, logger: { log: (entry) => logs.push(entry) } });
    try {
      expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${bridge.url}/healthz`)).json()).toEqual({ status: "ok" });
      expect(await (await fetch(`${bridge.url}/readyz`)).json()).toEqual({ status: "ready", engine: "pglite" });
      const { key } = await bridge.memory.apiKeys.create({ users: ["ada"] });
      const saved = await fetch(`${bridge.url}/v1/collections/crewai/records`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ records: [{ id: "a", content: "hello", embedding: [1, 0, 0] }] }),
      });
      expect(await saved.json()).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
      expect((await fetch(`${bridge.url}/v1/collections/crewai/count`)).status).toBe(401);
      expect(logs.find((entry) => entry.event === "listening")).toMatchObject({ url: bridge.url, engine: "pglite" });
    } finally {
      await bridge.close();
    }
    await expect(bridge.memory.history({ userId: "ada", conversationId: "x", last: 1 })).rejects.toThrow();
    await expect(fetch(`${bridge.url}/healthz`)).rejects.toThrow();
  });
});

describe("bridgeOptionsFromArgs", () => {
  it("reads flags over the environment over defaults", async () => {
    expect(await bridgeOptionsFromArgs([], {})).toMatchObject({ port: 7077, host: "127.0.0.1", database: undefined, embedder: undefined, help: false });
    const fromEnvironment = await bridgeOptionsFromArgs([], { MNEMO_PORT: "8080", DATABASE_URL: "postgres://db/mnemo", MNEMO_SCHEMA: "crew" });
    expect(fromEnvironment).toMatchObject({ port: 8080, database: "postgres://db/mnemo", schema: "crew" });
    const fromFlags = await bridgeOptionsFromArgs(["--port", "9000", "--database", "./data", "--host", "0.0.0.0"], { MNEMO_PORT: "8080" });
    expect(fromFlags).toMatchObject({ port: 9000, database: { dataDir: "./data" }, host: "0.0.0.0" });
  });

  it("refuses malformed values", async () => {
    await expect(bridgeOptionsFromArgs(["--port", "http"], {})).rejects.toThrow(/port/);
    await expect(bridgeOptionsFromArgs(["--embedder", "magic"], {})).rejects.toThrow(/embedder/);
    await expect(bridgeOptionsFromArgs(["--nope"], {})).rejects.toThrow();
  });
});
