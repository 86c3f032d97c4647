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

test("deep in a 2,000-row trace, folding a node moves every row below it up", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const names = (rows) => rows.map(([, name]) => name);
  const tops = (rows) => rows.map(([top]) => top);
  // Rows sit one under another from the first row's current index.
  const stacked = (rows, first) => rows.map((_, i) => (first + i) * 28);
  try {
    await viewer.loadSampleTrace("big", 2_000);
    await viewer.openTrace("big");
    await viewer.scrollTimeline(1_485 * 28);
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 1490"));
    const open = await viewer.rowPositions();
    assert.deepEqual(tops(open), stacked(open, Number(open[0][1].slice(5))));

    // step 1490 holds the chain step 1491 … step 1499: nine rows go, and
    // step 1500 takes step 1491's place.
    await viewer.toggleRow("step 1490");
    await page.waitForFunction(() => ![...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 1495"));
    const folded = await viewer.rowPositions();
    const at = (rows, name) => rows.find(([, n]) => n === name)?.[0];
    assert.equal(at(folded, "step 1500"), at(open, "step 1491"), "the next row moved up into the folded rows' place");
    assert.equal(at(folded, "step 1489"), at(open, "step 1489"), "rows above stay");
    assert.deepEqual(tops(folded), stacked(folded, tops(folded)[0] / 28), "no gap, no overlap");
    const i = names(folded).indexOf("step 1490");
    assert.deepEqual(names(folded).slice(i, i + 3), ["step 1490", "step 1500", "step 1501"]);
    assert.equal(await page.$eval("[data-testid=timeline] .spacer", (s) => s.style.height), `${(2_000 - 9) * 28}px`);

    // The keyboard folds the same way: step 1500's chain goes too.
    await viewer.clickRow("step 1500");
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => ![...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 1505"));
    const twice = await viewer.rowPositions();
    assert.deepEqual(tops(twice), stacked(twice, tops(twice)[0] / 28), "no gap, no overlap");
    const j = names(twice).indexOf("step 1490");
    assert.deepEqual(names(twice).slice(j, j + 3), ["step 1490", "step 1500", "step 1510"]);

    await viewer.toggleRow("step 1490");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 1495"));
    const unfolded = await viewer.rowPositions();
    assert.deepEqual(tops(unfolded), stacked(unfolded, tops(unfolded)[0] / 28));
    assert.equal(at(unfolded, "step 1491"), at(open, "step 1491"), "unfolding puts the rows back");
    await viewer.screenshot("collapse-node-big");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("folding the node above the selected row keeps it folded", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.loadSampleTrace("deep", 60);
    await viewer.openTrace("deep", "o5");
    await viewer.waitForDetail("step 5");
    await viewer.toggleRow("step 1");
    await page.waitForFunction(() => ![...document.querySelectorAll("[data-testid=timeline-row] .obs-name")].some((n) => n.textContent === "step 5"));
    await page.waitForTimeout(200);
    const names = (await viewer.rowPositions()).map(([, name]) => name);
    assert.deepEqual(names.slice(0, 3), ["step 0", "step 1", "step 10"], "the folded rows stay hidden");
    assert.equal(await viewer.waitForDetail("step 5"), "step 5", "the selection is kept");
  } finally {
    await viewer.close();
  }
});
