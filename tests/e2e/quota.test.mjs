// Running out of storage: the import is reported and the stored copy kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

test("a save over quota says so, and a reload still has the earlier data", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the demo traces are stored");
    // From now on IndexedDB refuses writes as a full disk does.
    await page.evaluate(() => {
      IDBObjectStore.prototype.put = function () {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
    });
    await viewer.loadFiles([join(repo, "tests/bad-files/../fixtures/traces/chat-session.jsonl")]);
    await viewer.dropFile("more.json", JSON.stringify({ format: "prompttrace", version: 1,
      traces: [{ id: "extra", name: "extra", status: "running", started_at: "2024-06-01T00:00:00Z" }] }));
    assert.match(await viewer.errors(), /could not save to IndexedDB \(.*QuotaExceededError.*\); the earlier copy is kept/);
    await viewer.screenshot("quota");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the earlier copy is what a reload finds");
  } finally {
    await viewer.close();
  }
});
