// A bar's duration label sits beside its bar, never on it: to the right of
// a bar with room after it, to the left of a bar that reaches the right
// end or spans the whole axis; inside the bar's cell and readable in both
// themes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { barsTrace } from "./sample-traces.mjs";

/** Each row's name, label text and boxes, and the label's contrast with the page. */
function measure(page) {
  return page.$$eval("[data-testid=timeline-row]", (rows) => {
    const rgb = (color) => color.match(/[\d.]+/g).slice(0, 3).map(Number);
    const luminance = (color) => {
      const [r, g, b] = rgb(color).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const page = getComputedStyle(document.body).backgroundColor;
    return rows.map((row) => {
      const label = row.querySelector(".bar-label");
      const [a, b] = [luminance(getComputedStyle(label).color), luminance(page)];
      return {
        name: row.querySelector(".obs-name").textContent,
        text: label.textContent,
        label: box(label),
        bar: box(row.querySelector(".bar")),
        cell: box(row.querySelector(".bar-cell")),
        contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
      };
    });
  });
}

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test("duration labels sit beside narrow, middle, end and full-width bars in light and dark", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("bars.json", barsTrace());
    assert.equal(await viewer.errors(), "");
    await viewer.openTrace("bars");
    for (const theme of ["light", "dark"]) {
      if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) await viewer.toggleTheme();
      const rows = await measure(page);
      assert.deepEqual(rows.map((r) => [r.name, r.text]),
        [["whole", "1.00 s"], ["first", "20 ms"], ["middle", "200 ms"], ["last", "20 ms"]]);
      for (const row of rows) {
        const where = `${row.name} (${theme}): label ${JSON.stringify(row.label)}, bar ${JSON.stringify(row.bar)}`;
        assert.ok(!overlaps(row.label, row.bar), `the label is off the bar: ${where}`);
        assert.ok(row.label.left >= row.cell.left && row.label.right <= row.cell.right, `the label is inside its cell: ${where}`);
        assert.ok(row.contrast >= 4.5, `the label reads against the page (contrast ${row.contrast.toFixed(2)}): ${where}`);
      }
      const side = Object.fromEntries(rows.map((r) => [r.name, r.label.left >= r.bar.right ? "right" : "left"]));
      assert.deepEqual(side, { whole: "left", first: "right", middle: "right", last: "left" });
      await viewer.screenshot(`duration-labels-${theme}`);
    }
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
