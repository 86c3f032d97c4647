// A trace of 20,000 observations opens and scrolls with a bounded DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

export function bigTrace(count) {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const iso = (ms) => new Date(base + ms).toISOString();
  const observations = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? undefined : i % 10 === 0 ? "o0" : `o${i - 1}`;
    observations.push({ id: `o${i}`, trace_id: "big", parent_id: parent, name: `step ${i}`, type: i % 4 === 3 ? "generation" : "span",
      status: "completed", started_at: iso(i), ended_at: iso(i + 5), model: i % 4 === 3 ? "gpt-4o-mini" : undefined,
      usage: i % 4 === 3 ? { input: 10, output: 5 } : undefined });
  }
  return JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id: "big", name: "big trace", status: "completed", started_at: iso(0), ended_at: iso(count + 10) }], observations });
}

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
