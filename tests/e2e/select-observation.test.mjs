// Clicking an observation shows it in the detail panel and changes nothing
// else: the timeline is the same element at the same scroll, the history
// entry is replaced rather than added, the page does not scroll.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

test("selecting an observation by click keeps the timeline, its scroll and the history", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.openDeepTraceScrolled();
    await page.evaluate(() => window.scrollTo(0, 60));
    await viewer.markTimeline();
    const before = await viewer.timelineState();
    assert.deepEqual(before, { marker: 1, viewportTop: 200, history: before.history, pageY: 60, selected: "step 12" });

    await viewer.clickRow("step 14");
    assert.equal(await viewer.waitForDetail("step 14"), "step 14");
    assert.deepEqual(await viewer.timelineState(), { ...before, selected: "step 14" },
      "same timeline node and scroll, no history entry, no page scroll");
    assert.match(page.url(), /[?&]obs=o14(&|$)/, "the selection is in the URL");
    await viewer.screenshot("select-by-click");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
