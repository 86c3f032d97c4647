// Arrow keys move the selection like a click does (same timeline node and
// scroll, no history entry, no page scroll); past the viewport's edge the
// viewport follows the selection, the page still does not move.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

test("ArrowDown selects the next observation and keeps the timeline, its scroll and the history", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.openDeepTraceScrolled();
    await page.focus("[data-testid=timeline]");
    await page.evaluate(() => window.scrollTo(0, 60));
    await viewer.markTimeline();
    const before = await viewer.timelineState();
    assert.deepEqual(before, { marker: 1, viewportTop: 200, history: before.history, pageY: 60, selected: "step 12" });

    await page.keyboard.press("ArrowDown");
    assert.equal(await viewer.waitForDetail("step 13"), "step 13");
    assert.deepEqual(await viewer.timelineState(), { ...before, selected: "step 13" },
      "same timeline node and scroll, no history entry, no page scroll");
    assert.match(page.url(), /[?&]obs=o13(&|$)/);

    // Row 33 is below the viewport (rows 7–27 are in view): it scrolls into view.
    for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowDown");
    assert.equal(await viewer.waitForDetail("step 33"), "step 33");
    const after = await viewer.timelineState();
    assert.deepEqual({ ...after, viewportTop: undefined }, { ...before, viewportTop: undefined, selected: "step 33" });
    const [rowTop, rowBottom, viewTop, viewBottom] = await page.$eval("[data-testid=timeline-row].selected", (row) => {
      const r = row.getBoundingClientRect();
      const v = row.closest(".viewport").getBoundingClientRect();
      return [r.top, r.bottom, v.top, v.bottom];
    });
    assert.ok(after.viewportTop > 200, `the viewport scrolled: ${after.viewportTop}`);
    assert.ok(rowTop >= viewTop - 1 && rowBottom <= viewBottom + 1, `row ${rowTop}–${rowBottom} in viewport ${viewTop}–${viewBottom}`);

    await page.keyboard.press("ArrowUp");
    assert.equal(await viewer.waitForDetail("step 32"), "step 32");
    assert.equal((await viewer.timelineState()).viewportTop, after.viewportTop, "a row in view scrolls nothing");
    await viewer.screenshot("select-by-keyboard");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("arrow keys add no history entry: Back leaves the trace page, and the page stays where it was", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.loadSampleTrace("deep", 60);
    await page.setViewportSize({ width: 1400, height: 600 });
    await viewer.goto("?page=traces");
    await page.click('[data-testid=traces] a >> text="deep trace"');
    await page.waitForSelector("[data-testid=timeline-row]");
    await viewer.clickRow("step 3");
    await viewer.waitForDetail("step 3");
    await page.evaluate(() => window.scrollTo(0, 60));
    const before = await page.evaluate(() => ({ history: history.length, pageY: window.scrollY }));
    assert.equal(before.pageY, 60, "the page scrolls (a jump to the top would show)");

    for (const key of ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowUp", "ArrowUp"]) {
      await page.keyboard.press(key);
    }
    assert.equal(await viewer.waitForDetail("step 6"), "step 6");
    assert.match(page.url(), /[?&]obs=o6(&|$)/);
    assert.deepEqual(await page.evaluate(() => ({ history: history.length, pageY: window.scrollY })), before,
      "no history entry per key, no scroll to the top");

    await page.goBack();
    await page.waitForSelector("[data-testid=traces] tbody tr");
    assert.match(page.url(), /[?&]page=traces(&|$)/, "Back returns to the traces page");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
