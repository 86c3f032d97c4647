// A trace of 20,000 observations opens and scrolls with a bounded DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { bigTrace } from "./sample-traces.mjs";

test("a 20,000-observation trace renders only the rows in view", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("big.json", bigTrace(20_000));
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=trace&id=big");
    await page.waitForSelector("[data-testid=timeline-row]", { timeout: 60_000 });
    const before = await page.$$eval("[data-testid=timeline-row]", (rows) => rows.length);
    assert.ok(before > 10 && before < 100, `rows in the DOM: ${before}`);
    await page.$eval(".viewport", (v) => { v.scrollTop = 300_000; });
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => /step 1\d{3}\d?$/.test(n.textContent)));
    const after = await page.$$eval("[data-testid=timeline-row]", (rows) => rows.length);
    assert.ok(after < 100, `rows in the DOM after scrolling: ${after}`);
    await viewer.screenshot("big-trace");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
