// Running out of storage while a file is stored: the import worker writes
// each file in one transaction, so a refusal stores nothing of it, says
// so, and leaves what was stored before.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";
import { manyTraces } from "./sample-traces.mjs";

const REFUSED = /three\.json: could not save to IndexedDB \(.*QuotaExceededError.*\); what was stored before is kept/;

/** In the import worker: IndexedDB refuses writes as a full disk does,
 * after `allowed` of them went through. */
function fullDiskAfter(allowed) {
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    if (allowed-- > 0) return put.apply(this, args);
    throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
  };
}

test("a file over quota says so, is not shown half-stored, and a reload still has the earlier data", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the demo traces are stored");
    const stored = await viewer.stored("traces");
    viewer.inWorker(fullDiskAfter, 0);
    await viewer.dropFile("three.json", manyTraces(3));
    assert.match(await viewer.errors(), REFUSED);
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the lists show what is stored");
    await viewer.screenshot("quota");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the earlier data is what a reload finds");
    assert.deepEqual(await viewer.stored("traces"), stored, "every earlier record as it was");
  } finally {
    await viewer.close();
  }
});

test("quota midway through a file stores none of it (one transaction); with room again it is stored", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles([join(repo, "tests/fixtures/interop/otel-js-genai.json")]);
    const before = await viewer.storedKeys("traces");
    assert.ok(before.includes("226a79cf62ef3cfdfd444790751c79d7"), "the file's trace is stored");
    const count = String((await viewer.storedKeys("index")).length);
    // The first write of the file goes through, then the disk is full.
    viewer.inWorker(fullDiskAfter, 1);
    await viewer.dropFile("three.json", manyTraces(3));
    assert.match(await viewer.errors(), REFUSED);
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), count);
    assert.deepEqual(await viewer.storedKeys("traces"), before, "not even the record written before the refusal");

    // With room again, the same file is stored.
    viewer.inWorker(null);
    await viewer.dropFile("three.json", manyTraces(3));
    assert.equal(await viewer.errors(), "");
    assert.equal(await viewer.storedTraces(), String(Number(count) + 3));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
