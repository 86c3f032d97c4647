// Loading by paste and by `?url=`, and what an unreachable URL says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

test("a pasted file and a ?url= file load; a failing URL is explained", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await page.click("[data-testid=clear]");
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "0");

    const text = readFileSync(join(repo, "tests/fixtures/traces/rag-pipeline.json"), "utf8");
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData("text", text);
      window.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
    }, text);
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "1");

    // The page object's server also serves the fixtures under /demo/.
    await viewer.goto(`?page=storage&url=${encodeURIComponent(`${viewer.base}demo/chat-session.json`)}`);
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "4", null, { timeout: 30_000 });

    await viewer.goto(`?page=storage&url=${encodeURIComponent("http://127.0.0.1:9/nothing.json")}`);
    await page.waitForSelector("[data-testid=errors]");
    assert.match(await viewer.errors(), /http:\/\/127\.0\.0\.1:9\/nothing\.json: the request failed: the server is unreachable, or it does not allow this page to read it \(CORS/);
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "4", "nothing changed");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
