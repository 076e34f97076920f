import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "./program/exit-codes.js";
import { finished, mnemo, startMnemo, type TestStore, testStores, waitForLine } from "./test-support/run-mnemo.js";

describe.each(testStores())("mnemo keys and serve on $name", (engine) => {
  let store: TestStore;
  const run = (...args: string[]) => mnemo([...store.args, ...args]);

  beforeAll(async () => {
    if (engine.available) store = await engine.create();
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it.skipIf(!engine.available)("creates a key, serves the memory over HTTP with it, lists and revokes it", async () => {
    const created = await run("--json", "keys", "create", "--label", "crew laptop");
    expect(created.code).toBe(0);
    const { key, keyId, users } = created.json<{ key: string; keyId: string; users: string[] }>();
    expect(key).toMatch(/^mnemo_[0-9a-f]{16}_/);
    expect(users).toEqual(["me"]);

    const server = startMnemo([...store.args, "serve", "--port", "0"]);
    try {
      const listening = await waitForLine(server, (line) => line.includes('"listening"'));
      const url = JSON.parse(listening).url as string;
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      const stored = await fetch(`${url}/v1/conversations/crew-1/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify({ messages: [{ role: "user", content: "Remember the launch is on Friday." }] }),
      });
      expect(stored.status).toBe(201);
      expect((await fetch(`${url}/v1/conversations/crew-1/messages?last=5`, { headers: { authorization: "Bearer mnemo_0000000000000000_nope" } })).status).toBe(
        401,
      );
    } finally {
      server.kill("SIGTERM");
    }
    expect((await finished(server)).code).toBe(0);

    const history = await run("--json", "history", "crew-1");
    expect(history.json<{ content: string }[]>().map((message) => message.content)).toEqual(["Remember the launch is on Friday."]);
    const listed = await run("--json", "keys", "list");
    expect(listed.json<{ keyId: string; label: string }[]>()).toEqual([expect.objectContaining({ keyId, label: "crew laptop" })]);
    expect(listed.stdout).not.toContain(key);
    expect((await run("keys", "revoke", keyId)).code).toBe(0);
    expect((await run("keys", "revoke", keyId)).code).toBe(exitCodes.notFound);
    expect((await run("--json", "keys", "list")).json()).toEqual([]);
  });
});
