// "Clear everything", then a drop, both while the stored traces are still
// loading: the clear goes first and the dropped file is stored after it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { manyTraces } from "./sample-traces.mjs";

/** On a page opened with `&hold=1`, holds back the success of the app's
 * IndexedDB open until `letOpen()`: the stored traces stay loading for as
 * long as the test needs. */
function holdOpen() {
  if (!location.search.includes("hold=1")) return;
  const open = indexedDB.open.bind(indexedDB);
  let released = false;
  let waiting = null;
  window.letOpen = () => {
    released = true;
    if (waiting) waiting();
  };
  indexedDB.open = function (name, version) {
    const request = version === undefined ? open(name) : open(name, version);
    if (name !== "prompttrace" || released) return request;
    let handler = null;
    // An own `onsuccess` hides the browser's: the event reaches the app's
    // handler only through the listener below, once released.
    Object.defineProperty(request, "onsuccess", {
      configurable: true,
      get: () => handler,
      set: (value) => { handler = value; },
    });
    request.addEventListener("success", (event) => {
      const fire = () => handler && handler.call(request, event);
      if (released) fire(); else waiting = fire;
    });
    return request;
  };
}

test("Clear everything then a drop, while stored traces load: the dropped traces are kept", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "the demo traces are stored");
    await page.addInitScript(holdOpen);
    await page.goto(`${viewer.base}?page=storage&hold=1`);
    await page.waitForSelector("[data-testid=clear]", { timeout: 30_000 });
    assert.ok(await page.$("[data-testid=progress]"), "the stored traces are still loading");
    await page.evaluate(() => document.querySelector("[data-testid=clear]").click());
    await viewer.dropFile("three.json", manyTraces(3), { wait: false });
    await page.evaluate(() => window.letOpen());
    // The stored traces finish loading, then the dropped file is imported
    // and saved: wait for that, not for the first quiet moment between.
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "3", null, { timeout: 30_000 })
      .catch(async () => assert.fail(`the dropped traces, not the demo's: ${await page.textContent("[data-testid=stored-traces]")}`));
    await viewer.idle();
    assert.equal(await viewer.errors(), "");
    assert.equal(await viewer.storedTraces(), "3", "a reload finds the dropped traces");
    assert.deepEqual((await viewer.storedKeys("traces")).sort(), ["t0", "t1", "t2"]);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
