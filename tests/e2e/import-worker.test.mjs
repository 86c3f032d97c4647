// Files are read and stored by a worker, off the page's thread: the page
// answers while a large file imports, shows bytes read of the total, and
// "Cancel" stops it with nothing of that file stored. A worker that dies
// mid-import (a wasm trap) is said, naming the file, and what was stored
// before is kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Viewer } from "./viewer-page.mjs";

/** A native file of `count` traces with 2 KB of input each (~45 MB for
 * 20,000): several of the worker's 8 MB reads. */
function bigFile(count) {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const input = "How do I rotate an API key? ".repeat(75);
  const traces = [];
  for (let i = 0; i < count; i++) {
    traces.push({ id: `big${i}`, name: `big ${i % 7}`, status: "completed", input,
      started_at: new Date(base + i * 1000).toISOString(), ended_at: new Date(base + i * 1000 + 500).toISOString() });
  }
  const path = join(mkdtempSync(join(tmpdir(), "prompttrace-big-")), "big.json");
  writeFileSync(path, JSON.stringify({ format: "prompttrace", version: 1, traces, observations: [] }));
  return path;
}

/** In the import worker: every read of the file waits `ms` first (a slow
 * disk), and the read numbered `dieAt` throws as a wasm trap does. */
function slowReads(ms, dieAt) {
  const read = Blob.prototype.arrayBuffer;
  let reads = 0;
  Blob.prototype.arrayBuffer = function () {
    reads += 1;
    if (reads === dieAt) throw new WebAssembly.RuntimeError("unreachable");
    return new Promise((resolve) => setTimeout(resolve, ms)).then(() => read.call(this));
  };
}

const progressValue = (page) => page.$eval("[data-testid=progress] progress", (bar) => Number(bar.value));

test("a large file imports with its progress shown, the page answering, and Cancel stores nothing of it", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const path = bigFile(20_000);
  try {
    await viewer.goto("?page=traces");
    const before = await viewer.storedKeys("traces");
    const traces = (await viewer.storedKeys("index")).length;
    viewer.inWorker(slowReads, 300, 0);
    await page.setInputFiles("[data-testid=file-input]", path);
    await page.waitForSelector("[data-testid=progress] progress", { timeout: 30_000 });
    assert.match(await page.textContent("[data-testid=progress]"), /Reading big\.json .*%/);
    const first = await progressValue(page);
    // The page answers while the file is read: a filter typed now applies.
    await page.fill("[data-testid=trace-filters] input[aria-label=Name]", "no such trace");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=traces] tbody tr").length === 0, null, { timeout: 2_000 });
    await page.waitForFunction((first) => Number(document.querySelector("[data-testid=progress] progress")?.value) > first,
      first, { timeout: 30_000 });
    await viewer.screenshot("import-progress");
    await page.click("[data-testid=cancel-import]");
    await viewer.idle();
    assert.match(await page.textContent("[data-testid=notice]"), /Import cancelled/);
    assert.deepEqual(await viewer.storedKeys("traces"), before, "nothing of the cancelled file is stored");

    // Imported in full, it is stored and listed.
    viewer.inWorker(null);
    await viewer.goto("?page=storage");
    await viewer.loadFiles([path]);
    assert.equal(await viewer.errors(), "");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), String(traces + 20_000).replace(/\B(?=(\d{3})+(?!\d))/g, ","));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a worker that dies mid-import is reported, naming the file, and what was stored is kept", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const path = bigFile(20_000);
  try {
    await viewer.goto("?page=storage");
    const stored = await viewer.stored("traces");
    viewer.inWorker(slowReads, 0, 2);
    await page.setInputFiles("[data-testid=file-input]", path);
    await page.waitForSelector("[data-testid=errors]", { timeout: 30_000 });
    assert.match(await viewer.errors(),
      /the import stopped \(.*RuntimeError: unreachable\) while reading big\.json; nothing of that file was stored, and what was stored before is kept/);
    await viewer.idle();
    await viewer.screenshot("import-trap");
    assert.deepEqual(await viewer.stored("traces"), stored, "every stored record as it was");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), String((await viewer.storedKeys("index")).length));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
