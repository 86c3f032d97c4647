// Running out of storage during an incremental save: the import is
// reported, nothing of that change is stored, and earlier data stays.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";
import { manyTraces } from "./sample-traces.mjs";

const REFUSED = /could not save to IndexedDB \(.*QuotaExceededError.*\); what was stored before is kept/;

test("a save over quota says so, and a reload still has the earlier data", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the demo traces are stored");
    const stored = await viewer.stored("traces");
    // From now on IndexedDB refuses writes as a full disk does.
    await page.evaluate(() => {
      IDBObjectStore.prototype.put = function () {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
    });
    await viewer.dropFile("more.json", JSON.stringify({ format: "prompttrace", version: 1,
      traces: [{ id: "extra", name: "extra", status: "running", started_at: "2024-06-01T00:00:00Z" }] }));
    assert.match(await viewer.errors(), REFUSED);
    await viewer.screenshot("quota");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the earlier data is what a reload finds");
    assert.deepEqual(await viewer.stored("traces"), stored, "every earlier record as it was");
  } finally {
    await viewer.close();
  }
});

test("quota midway through a change stores none of it: the change is one transaction", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles([join(repo, "tests/fixtures/interop/otel-js-genai.json")]);
    const before = await viewer.storedKeys("traces");
    assert.ok(before.includes("226a79cf62ef3cfdfd444790751c79d7"), "the file's trace is stored");
    const count = String((await viewer.storedKeys("index")).length);
    // The first write of the next change goes through, then the disk is full.
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      let allowed = 1;
      IDBObjectStore.prototype.put = function (...args) {
        if (allowed-- > 0) return put.apply(this, args);
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      };
    });
    await viewer.dropFile("three.json", manyTraces(3));
    assert.match(await viewer.errors(), REFUSED);
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), count);
    assert.deepEqual(await viewer.storedKeys("traces"), before, "not even the record written before the refusal");

    // With room again, the same file is stored.
    await viewer.dropFile("three.json", manyTraces(3));
    assert.equal(await viewer.errors(), "");
    assert.equal(await viewer.storedTraces(), String(Number(count) + 3));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

/** IndexedDB refuses writes as a full disk does, until `roomAgain()`. */
function fillTheDisk(page) {
  return page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    window.roomAgain = () => { IDBObjectStore.prototype.put = put; };
    IDBObjectStore.prototype.put = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
}

const extra = JSON.stringify({ format: "prompttrace", version: 1,
  traces: [{ id: "extra", name: "extra", status: "running", started_at: "2024-06-01T00:00:00Z" }] });

test("a refused save is not dropped: once there is room, the next change saves it too (no reload)", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the demo traces are stored");
    await fillTheDisk(page);
    await viewer.dropFile("three.json", manyTraces(3));
    assert.match(await viewer.errors(), REFUSED);
    assert.match(await page.textContent("[data-testid=unsaved]"), /^3 traces not saved/);
    // Dropping the same file again would change nothing in the store: the
    // refused traces must come from the retry, not from this drop.
    await page.evaluate(() => window.roomAgain());
    await viewer.dropFile("extra.json", extra);
    assert.equal(await viewer.errors(), "");
    assert.equal(await page.$("[data-testid=unsaved]"), null, "nothing is left unsaved");
    assert.equal(await viewer.storedTraces(), "9", "a reload finds the refused traces and the new one");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("\"Retry save\" on the Storage page saves what a refused save left", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await fillTheDisk(page);
    await viewer.dropFile("three.json", manyTraces(3));
    assert.match(await viewer.errors(), REFUSED);
    await page.click("[data-testid=retry-save]");
    await viewer.idle();
    assert.match(await viewer.errors(), REFUSED, "still no room: refused again, and still kept");
    assert.match(await page.textContent("[data-testid=unsaved]"), /^3 traces not saved/);
    await page.evaluate(() => window.roomAgain());
    await page.click("[data-testid=retry-save]");
    await viewer.idle();
    assert.equal(await page.$("[data-testid=unsaved]"), null, "nothing is left unsaved");
    assert.equal(await viewer.storedTraces(), "8", "a reload finds the demo's five and the refused three");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
