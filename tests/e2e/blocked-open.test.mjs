// IndexedDB's open, blocked by another tab, and errors that are JS Errors:
// what the viewer says, and what it leaves behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { manyTraces } from "./sample-traces.mjs";

test("an open blocked by another tab is reported, and closed once it goes through", async () => {
  const viewer = await Viewer.open();
  try {
    // An older version of the database, held open by a tab that does not
    // let go when asked (no onversionchange).
    await viewer.blank();
    await viewer.page.evaluate(() => new Promise((resolve, reject) => {
      const request = indexedDB.open("prompttrace", 1);
      request.onsuccess = () => { window.old = request.result; resolve(); };
      request.onerror = () => reject(request.error);
    }));
    const tab = await viewer.newTab();
    await tab.page.goto(`${tab.base}?page=storage`);
    await tab.page.waitForFunction(
      () => document.querySelector("[data-testid=errors]")?.textContent.includes("older version of the database"),
      null, { timeout: 30_000 });
    // The other tab lets go: the viewer's blocked open goes through now,
    // and nobody would use that connection.
    await viewer.page.evaluate(() => window.old.close());
    await tab.page.waitForTimeout(500);
    const upgrade = await viewer.page.evaluate(() => new Promise((resolve) => {
      const request = indexedDB.open("prompttrace", 3);
      request.onblocked = () => resolve("blocked by a connection left open");
      request.onsuccess = () => { request.result.close(); resolve("upgraded"); };
      request.onerror = () => resolve(String(request.error));
    }));
    assert.equal(upgrade, "upgraded", "the late connection was closed");
    assert.deepEqual(tab.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a save refused with a JS Error says its name and message, not {}", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    // In the import worker, which stores the file.
    viewer.inWorker(() => {
      IDBObjectStore.prototype.put = function () {
        throw new TypeError("the disk is on fire");
      };
    });
    await viewer.dropFile("three.json", manyTraces(3));
    assert.match(await viewer.errors(), /three\.json: could not save to IndexedDB \(TypeError: the disk is on fire\)/);
  } finally {
    await viewer.close();
  }
});
