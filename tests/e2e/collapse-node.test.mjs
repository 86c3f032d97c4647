// Collapsing a node: the rows below it move up, with no gap and no
// overlap (each row is placed from its current index).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

const contiguous = (positions) => positions.map((_, i) => i * 28);

test("after collapsing a node the rows in view sit at 0, 28, 56, …", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.loadSampleTrace("deep", 60);
    await viewer.openTrace("deep");
    await viewer.markTimeline();
    const open = await viewer.rowPositions();
    assert.deepEqual(open.map(([top]) => top), contiguous(open));
    assert.deepEqual(open.slice(0, 3).map(([, name]) => name), ["step 0", "step 1", "step 2"]);

    // step 1 holds the chain step 2 … step 9: eight rows go.
    await viewer.toggleRow("step 1");
    await page.waitForFunction(() => ![...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 2"));
    const folded = await viewer.rowPositions();
    assert.deepEqual(folded.map(([top]) => top), contiguous(folded), "no gap where the folded rows were");
    assert.deepEqual(folded.slice(0, 5).map(([, name]) => name), ["step 0", "step 1", "step 10", "step 11", "step 12"]);
    assert.equal(await page.$eval("[data-testid=timeline] .spacer", (s) => s.style.height), `${52 * 28}px`);

    await viewer.toggleRow("step 1");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 2"));
    const unfolded = await viewer.rowPositions();
    assert.deepEqual(unfolded.map(([top]) => top), contiguous(unfolded));
    assert.deepEqual(unfolded.slice(0, 4).map(([, name]) => name), ["step 0", "step 1", "step 2", "step 3"]);
    assert.equal((await viewer.timelineState()).marker, 1, "folding does not rebuild the timeline");
    await viewer.screenshot("collapse-node");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
