import { request } from "node:http";
import { createMemory, importConversations, type Memory, readLmStudioFolder } from "@mnemo/core";
import { type OpenTestEngine, testEngines } from "@mnemo/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningUi, startUi } from "./start-ui.js";

const samples = new URL("../../../../examples/lmstudio-sample/", import.meta.url).pathname;

describe.each(testEngines())("UI API on $name", (engine) => {
  let opened: OpenTestEngine;
  let memory: Memory;
  let ui: RunningUi;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field with expect.
  const call = async (method: string, path: string, payload?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> => {
    const response = await fetch(new URL(path, ui.url), {
      method,
      headers: { ...(payload === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const body = (response.headers.get("content-type") ?? "").includes("json") ? await response.json() : await response.text();
    return { status: response.status, body };
  };

  beforeAll(async () => {
    if (!engine.available) return;
    opened = await engine.open();
    memory = await createMemory({ database: opened.database, schema: opened.newSchema() });
    await importConversations(memory, { userId: "me", items: readLmStudioFolder(samples) });
    ui = await startUi({ memory, userId: "me", port: 0 });
  });
  afterAll(async () => {
    await ui?.close();
    await memory?.close();
    await opened?.close();
  });

  it.skipIf(!engine.available)("serves the bundled page on 127.0.0.1 and refuses other hosts and origins", async () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await call("GET", "/");
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<script type="module" src="\/app.js">/);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
    expect((await call("GET", "/app.js")).status).toBe(200);
    expect((await call("GET", "/../package.json")).status).toBe(404);
    // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) sends its own Host.
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL("/api/settings", ui.url);
      request({ host: "127.0.0.1", port: url.port, path: url.pathname, headers: { host: `evil.example:${url.port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(rebound).toBe(403);
    expect((await call("POST", "/api/memories", { content: "x" }, { origin: "http://evil.example" })).status).toBe(403);
  });

  it.skipIf(!engine.available)("search, conversations, memories, settings and enhance", async () => {
    const search = await call("GET", "/api/search?q=sourdough%20starter");
    expect(search.body.conversations[0].conversationId).toBe("lmstudio:1768154700000.conversation");
    const list = await call("GET", "/api/conversations");
    expect(list.body).toHaveLength(15);
    const conversation = await call("GET", `/api/conversations/${encodeURIComponent("lmstudio:work/1770109920000.conversation")}`);
    expect(conversation.body.messages[0].content).toMatch(/^I need to load about 40 million rows/);
    expect((await call("GET", "/api/conversations/nope")).status).toBe(404);

    const added = await call("POST", "/api/memories", { content: "Bakes sourdough on Sundays", category: "hobby", importance: 0.7 });
    expect(added.body.action).toBe("created");
    const id = added.body.entry.memoryId;
    expect((await call("PATCH", `/api/memories/${id}`, { content: "Bakes sourdough every Sunday" })).body.version).toBe(2);
    expect((await call("GET", "/api/search?q=sourdough")).body.memories[0].memoryId).toBe(id);
    expect((await call("DELETE", `/api/memories/${id}`)).status).toBe(200);
    expect((await call("DELETE", `/api/memories/${id}`)).status).toBe(404);
    expect((await call("POST", "/api/memories", { content: "" })).status).toBe(400);

    expect((await call("PUT", "/api/settings/system_prompt", { value: "Be brief." })).body.version).toBe(1);
    expect((await call("GET", "/api/settings")).body.values).toEqual({ system_prompt: "Be brief." });
    expect((await call("PUT", "/api/settings/system_prompt", { value: 42 })).status).toBe(400);

    const enhanced = await call("POST", "/api/enhance", { question: "Which flour should I feed my sourdough starter?" });
    expect(enhanced.body.sources[0].title).toBe("Sourdough starter that smells like acetone");
    expect(enhanced.body.prompt).toMatch(/rye/i);
    expect((await call("POST", "/api/enhance", { question: " " })).status).toBe(400);
    const malformed = await fetch(new URL("/api/enhance", ui.url), { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(malformed.status).toBe(400);
  });
});
