// A delete writes one record: "Delete trace" removes that trace's record
// and index row from IndexedDB and writes nothing else; "Delete this
// session" removes its traces' records and no others.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

const TRIP_PLANNER = "1d0b14e4-db01-4fed-b346-6f8a7b81a989"; // a demo trace

/** Counts the page's IndexedDB writes from now on, per object store. */
async function countWrites(page) {
  await page.evaluate(() => {
    window.__writes = [];
    for (const method of ["put", "add", "delete", "clear"]) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (...args) {
        window.__writes.push(`${method} ${this.name} ${args[1] ?? args[0] ?? ""}`);
        return original.apply(this, args);
      };
    }
  });
}

test("Delete trace removes exactly that trace's record and row", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto();
    await viewer.sessionRows();
    const before = await viewer.storedKeys("traces");
    assert.equal(before.length, 6, "the demo's 5 traces, and its LLM calls without a trace (key \"\")");
    assert.ok(before.includes(TRIP_PLANNER) && before.includes(""));

    await viewer.openTrace(TRIP_PLANNER);
    await countWrites(page);
    await page.click("button >> text=Delete trace");
    await page.click("[role=group][aria-label='Delete trace?'] >> text=Yes, delete");
    await page.waitForSelector("text=This trace is not stored here.");
    await page.waitForFunction(() => window.__writes.length >= 2);
    await viewer.idle();
    assert.deepEqual(await page.evaluate(() => window.__writes),
      [`delete traces ${TRIP_PLANNER}`, `delete index ${TRIP_PLANNER}`], "one record and its row, nothing else");

    const after = before.filter((key) => key !== TRIP_PLANNER);
    assert.deepEqual(await viewer.storedKeys("traces"), after, "the others stay");
    assert.deepEqual(await viewer.storedKeys("index"), after.filter((key) => key !== ""), "the record without a trace has no row");
    assert.equal(await viewer.storedTraces(), "4", "a reload agrees");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("Delete this session removes its traces' records and no others", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto();
    await viewer.sessionRows();
    const rows = await viewer.stored("index");
    const chat = rows.filter(([, row]) => row.session_id === "chat_123").map(([key]) => key);
    assert.equal(chat.length, 3, "the index row names the session");

    await viewer.goto("?page=session&id=chat_123");
    await countWrites(page);
    await page.click("button >> text=Delete this session");
    await page.click("[role=group][aria-label='Delete this session?'] >> text=Yes, delete");
    await page.waitForFunction(() => window.__writes.length >= 6);
    await viewer.idle();
    assert.equal((await page.evaluate(() => window.__writes)).filter((w) => !w.startsWith("delete")).length, 0,
      "only deletions");
    const others = rows.map(([key]) => key).filter((key) => !chat.includes(key));
    assert.deepEqual(await viewer.storedKeys("traces"), ["", ...others], "the calls without a trace stay too");
    assert.deepEqual(await viewer.storedKeys("index"), others);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
