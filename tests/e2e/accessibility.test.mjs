// Keyboard and screen reader users: the trace tree is an ARIA treegrid
// (levels, expanded and selected states, labelled fold toggles), and the
// tables' sort headers are buttons reached by Tab and pressed with Enter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

const NESTED = "1d0b14e4-db01-4fed-b346-6f8a7b81a989"; // the demo's trip_planner

/** Presses Tab until `matches(document.activeElement)` holds; returns how
 * many presses it took (throws after `max`). */
async function tabTo(page, matches, max = 60) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(matches)) return i;
  }
  throw new Error(`not reached with ${max} Tab presses`);
}

/** The treegrid's rows as a screen reader gets them. */
function treeRows(page) {
  return page.$$eval("[role=treegrid] [role=row][aria-level]", (rows) => rows.map((r) => ({
    name: r.querySelector(".obs-name").textContent,
    level: r.getAttribute("aria-level"),
    expanded: r.getAttribute("aria-expanded"),
    selected: r.getAttribute("aria-selected"),
    cells: r.querySelectorAll(":scope > [role=gridcell]").length,
    toggle: r.querySelector("button.toggle")?.getAttribute("aria-label") ?? null,
  })));
}

test("the trace tree is a treegrid a keyboard alone can walk and fold", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto();
    await viewer.sessionRows();
    await viewer.openTrace(NESTED);
    await tabTo(page, () => document.activeElement?.getAttribute("role") === "treegrid");
    assert.equal(await page.getAttribute("[role=treegrid]", "aria-label"), "Observations");

    const rows = await treeRows(page);
    assert.deepEqual(rows.map((r) => [r.name, r.level, r.expanded, r.toggle]), [
      ["planner_agent", "1", "true", "Collapse planner_agent"],
      ["plan", "2", null, null],
      ["get_weather", "2", null, null],
      ["get_weather", "2", null, null],
      ["build_itinerary", "2", "true", "Collapse build_itinerary"],
      ["search_attractions", "3", null, null],
      ["draft_itinerary", "3", "true", "Collapse draft_itinerary"],
      ["long_context", "4", null, null],
    ]);
    assert.ok(rows.every((r) => r.cells === 2 && r.selected === "false"), "two gridcells a row, none selected yet");
    assert.deepEqual(await page.$$eval("[role=treegrid] [role=columnheader]", (h) => h.map((e) => e.textContent.split(" ")[0])),
      ["Observation", "0"]);

    // Down selects the first row; the grid points at it.
    await page.keyboard.press("ArrowDown");
    await viewer.waitForDetail("planner_agent");
    let selected = (await treeRows(page)).filter((r) => r.selected === "true").map((r) => r.name);
    assert.deepEqual(selected, ["planner_agent"]);
    const active = await page.getAttribute("[role=treegrid]", "aria-activedescendant");
    assert.equal(await page.$eval(`[id="${active}"]`, (r) => r.querySelector(".obs-name").textContent), "planner_agent");

    // Left folds it: one row left, stated collapsed, its toggle says Expand.
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => document.querySelectorAll("[role=treegrid] [role=row][aria-level]").length === 1);
    assert.deepEqual((await treeRows(page)).map((r) => [r.name, r.expanded, r.selected, r.toggle]),
      [["planner_agent", "false", "true", "Expand planner_agent"]]);
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.querySelectorAll("[role=treegrid] [role=row][aria-level]").length === 8);
    await page.keyboard.press("ArrowDown");
    await viewer.waitForDetail("plan");
    selected = (await treeRows(page)).filter((r) => r.selected === "true").map((r) => r.name);
    assert.deepEqual(selected, ["plan"], "one row selected at a time");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "treegrid", "focus stays on the grid");
    await viewer.screenshot("treegrid-keyboard");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("sort headers are reached with Tab and sort with Enter, stating the order", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const names = async () => (await viewer.traceRows()).map((r) => r[0]);
  const sortState = () => page.$$eval("[data-testid=traces] thead th", (ths) =>
    ths.filter((th) => th.hasAttribute("aria-sort")).map((th) => [th.querySelector("button").textContent.replace(/[▲▼]/g, "").trim(), th.getAttribute("aria-sort")]));
  try {
    await viewer.goto("?page=traces");
    await page.waitForSelector("[data-testid=traces] tbody tr");
    assert.deepEqual(await sortState(), [["Started", "descending"]]);

    await tabTo(page, () => document.activeElement?.closest("th")?.textContent.startsWith("Name") === true);
    assert.equal(await page.evaluate(() => document.activeElement.tagName), "BUTTON");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("[data-testid=traces] th[aria-sort=descending]")?.textContent.startsWith("Name"));
    assert.deepEqual(await sortState(), [["Name", "descending"]]);
    const descending = await names();
    assert.deepEqual(descending, [...descending].sort().reverse());

    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("[data-testid=traces] th[aria-sort=ascending]")?.textContent.startsWith("Name"));
    assert.deepEqual(await names(), [...descending].reverse());

    // The next sortable header is one Tab away (plain headers take no
    // stop), and Space presses it as on any button.
    await page.keyboard.press("Tab");
    assert.match(await page.evaluate(() => document.activeElement?.closest("th")?.textContent ?? ""), /^Started/);
    await page.keyboard.press("Space");
    await page.waitForFunction(() => document.querySelector("[data-testid=traces] th[aria-sort]")?.textContent.startsWith("Started"));
    await viewer.screenshot("sort-by-keyboard");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
