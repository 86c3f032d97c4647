// The selected row is always in view in the virtualised timeline: opened by
// a deep link to a row far down, or moved by the keyboard past the
// viewport's top or bottom edge. Only the timeline's viewport scrolls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

/** Where the selected row sits against the timeline's viewport. */
async function selectedInView(page) {
  return page.evaluate(() => {
    const row = document.querySelector("[data-testid=timeline-row].selected");
    if (!row) return { name: undefined, inView: false };
    const r = row.getBoundingClientRect();
    const v = row.closest(".viewport").getBoundingClientRect();
    return { name: row.querySelector(".obs-name").textContent, inView: r.top >= v.top - 1 && r.bottom <= v.bottom + 1 };
  });
}

test("a deep link to row 1,500 of 2,000 shows that row, and keys keep the selection in view", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.loadSampleTrace("big", 2_000);
    await viewer.openTrace("big", "o1500");
    assert.equal(await viewer.waitForDetail("step 1500"), "step 1500");
    await page.waitForSelector("[data-testid=timeline-row].selected", { timeout: 5_000 });
    assert.deepEqual(await selectedInView(page), { name: "step 1500", inView: true });
    await viewer.screenshot("deep-link-far-row");
    const pageY = await page.evaluate(() => window.scrollY);

    // Up past the top edge: the viewport follows.
    await page.focus("[data-testid=timeline]");
    for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowUp");
    assert.equal(await viewer.waitForDetail("step 1470"), "step 1470");
    assert.deepEqual(await selectedInView(page), { name: "step 1470", inView: true });

    // Scrolled away by the user, then down past the bottom edge.
    await viewer.scrollTimeline(0);
    for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowDown");
    assert.equal(await viewer.waitForDetail("step 1510"), "step 1510");
    assert.deepEqual(await selectedInView(page), { name: "step 1510", inView: true });
    assert.equal(await page.evaluate(() => window.scrollY), pageY, "the page itself does not scroll");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
