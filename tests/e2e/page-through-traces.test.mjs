// More traces than fit a page: the pager reads as labels, and Next and
// Previous move through the pages (a `>=` in its view once showed the
// closure's source as the Next button's label).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { manyTraces } from "./sample-traces.mjs";

test("250 traces page by 100 with Next › and ‹ Previous", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const pager = () => page.textContent("[data-testid=pager]");
  const buttons = () => page.$$eval(".pager button", (b) => b.map((e) => [e.textContent, e.disabled]));
  const firstAndCount = async () => {
    const rows = await viewer.traceRows();
    return [rows[0]?.[0], rows.length];
  };
  try {
    await viewer.clearStorage();
    await viewer.dropFile("many.json", manyTraces(250));
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=traces");
    await page.waitForSelector("[data-testid=traces] tbody tr");

    assert.equal(await pager(), "Page 1 of 3 (250 rows)");
    assert.deepEqual(await buttons(), [["‹ Previous", true], ["Next ›", false]]);
    assert.doesNotMatch(await page.textContent(".pager"), /move|page\.update|=>|on:click/, "no source text");
    // Newest first: trace 249 … trace 150.
    assert.deepEqual(await firstAndCount(), ["trace 249", 100]);
    await viewer.screenshot("traces-pager");

    await page.click(".pager button >> text=Next ›");
    await page.waitForFunction(() => document.querySelector("[data-testid=pager]").textContent.startsWith("Page 2 "));
    assert.deepEqual(await firstAndCount(), ["trace 149", 100]);
    assert.deepEqual(await buttons(), [["‹ Previous", false], ["Next ›", false]]);

    await page.click(".pager button >> text=Next ›");
    await page.waitForFunction(() => document.querySelector("[data-testid=pager]").textContent.startsWith("Page 3 "));
    assert.deepEqual(await firstAndCount(), ["trace 49", 50]);
    assert.deepEqual(await buttons(), [["‹ Previous", false], ["Next ›", true]], "no page after the last");

    await page.click(".pager button >> text=‹ Previous");
    await page.waitForFunction(() => document.querySelector("[data-testid=pager]").textContent.startsWith("Page 2 "));
    assert.deepEqual(await firstAndCount(), ["trace 149", 100]);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
