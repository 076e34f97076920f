import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemory, importConversations, type Memory, readLmStudioFolder } from "@mnemo/core";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningUi, startUi } from "./start-ui.js";

const samples = new URL("../../../../examples/lmstudio-sample/", import.meta.url).pathname;
const executablePath = process.env.MNEMO_CHROMIUM ?? "/usr/bin/chromium";
const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env.CI) {
  throw new Error(`CI is set but Chromium is missing at ${executablePath}: .ci/run installs it (apt-get install -y chromium).`);
}
if (!hasChromium)
  console.warn(`[mnemo ui tests] Chromium not found at ${executablePath}: the browser test is skipped (apt-get install -y chromium to run it).`);

/** Where the end-to-end test leaves its screenshot. */
export const screenshotPath = join(tmpdir(), "mnemo-ui-enhance.png");

describe.skipIf(!hasChromium)("mnemo ui in headless Chromium", () => {
  let memory: Memory;
  let ui: RunningUi;
  let browser: Browser;

  beforeAll(async () => {
    memory = await createMemory({ database: { dataDir: "memory://" } });
    await importConversations(memory, { userId: "me", items: readLmStudioFolder(samples) });
    await memory.modelMemory.add({ userId: "me", content: "Runs PostgreSQL 16 at work", category: "setup" });
    ui = await startUi({ memory, userId: "me", port: 0 });
    browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });
  afterAll(async () => {
    await browser?.close();
    await ui?.close();
    await memory?.close();
  });

  it("types a question, shows the enhanced prompt, copies it, and saves a screenshot", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(ui.url).origin });
    const page = await context.newPage();
    const failedRequests: string[] = [];
    const pageErrors: string[] = [];
    page.on("requestfailed", (request) => failedRequests.push(request.url()));
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(ui.url);
    await page.fill("#question", "How can I make my nightly PostgreSQL load of 40 million rows faster?");
    await page.click("#enhance-form button[type=submit]");
    const prompt = page.locator("#enhanced-prompt");
    await expect.poll(() => prompt.textContent(), { timeout: 30_000 }).toMatch(/### Speeding up a big PostgreSQL import/);
    const text = (await prompt.textContent()) ?? "";
    expect(text.endsWith("How can I make my nightly PostgreSQL load of 40 million rows faster?")).toBe(true);
    expect(await page.textContent("#enhance-meta")).toMatch(/earlier exchange\(s\)/);

    await page.click("#copy-button");
    await expect.poll(() => page.textContent("#copy-status")).toBe("Copied to the clipboard.");
    // Runs in the page: the browser's clipboard, as a paste would see it.
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(text);
    await page.screenshot({ path: screenshotPath, fullPage: true });
    console.info(`[mnemo ui tests] screenshot: ${screenshotPath}`);
    expect(failedRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("searches, opens a conversation, edits and deletes a memory entry, and changes a setting", async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("dialog", (dialog) => void (dialog.type() === "prompt" ? dialog.accept("Runs PostgreSQL 17 at work") : dialog.accept()));
    await page.goto(ui.url);

    await page.click("[data-tab=search]");
    await page.fill("#search-query", "tram 28");
    await page.click("#search-form button");
    await page.locator("#search-results button.link").first().click();
    await expect.poll(() => page.textContent("#conversation-view h2")).toBe("Lisbon trip in October");

    await page.click("[data-tab=memory]");
    const entry = page.locator("#memory-list li", { hasText: "PostgreSQL 16" });
    await entry.getByText("Edit").click();
    await expect.poll(() => page.textContent("#memory-list")).toMatch(/Runs PostgreSQL 17 at work/);
    await page.locator("#memory-list li", { hasText: "PostgreSQL 17" }).getByText("Delete").click();
    await expect.poll(() => page.textContent("#memory-list")).toMatch(/No memory entries yet/);
    expect(await memory.modelMemory.list({ userId: "me" })).toEqual([]);

    await page.click("[data-tab=settings]");
    await page.fill("#setting-key", "system_prompt");
    await page.fill("#setting-value", "Answer in British English.");
    await page.click("#settings-form button");
    await expect.poll(() => page.textContent("#settings-table")).toMatch(/Answer in British English\./);
    expect((await memory.settings.get({ userId: "me" })).values.system_prompt).toBe("Answer in British English.");

    await page.click("[data-tab=help]");
    expect(await page.textContent("#help")).toMatch(/Enhance/);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
