// `cargo xtask bench` for the flame graph: a 20,000-span trace made by the
// OpenTelemetry JS SDK (sdk-big-trace.mjs), in headless Chromium. Prints
// the time from clicking "Flame graph" to the canvas drawn (the frames
// computed by core, laid out, drawn), the draw alone (layout + canvas, as
// the page measures it), a zoom by click, and for comparison the time from
// clicking "Tree" to the tree's rows shown; and the compare page of that
// trace against a second run of 20,000 spans (other token counts, other
// failing calls): from opening the page to its steps drawn. Medians of 5.
// Figures, not a test.
import { Viewer } from "./viewer-page.mjs";
import { sdkBigTrace } from "./sdk-big-trace.mjs";

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const big = sdkBigTrace(20_000);
const viewer = await Viewer.open();
const page = viewer.page;
await viewer.goto("?page=storage");
await viewer.dropFile("sdk-20k.otlp.json", big.text);
await viewer.goto(`?page=trace&id=${big.traceId}`);
await page.waitForSelector("[data-testid=timeline-row]", { timeout: 120_000 });

const draws = () => page.evaluate(() => Number(document.querySelector("[data-testid=flame-canvas]")?.dataset.draws ?? 0));
const toFlame = [];
const drawOnly = [];
const toTree = [];
const zoom = [];
for (let run = 0; run < RUNS; run++) {
  let started = await page.evaluate(() => performance.now());
  await page.click("[data-testid=view-flame]");
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=flame-canvas]")?.dataset.draws ?? 0) > 0, null, { timeout: 60_000 });
  toFlame.push(await page.evaluate((t) => performance.now() - t, started));
  drawOnly.push(await page.$eval("[data-testid=flame-canvas]", (c) => Number(c.dataset.drawMs)));

  const box = await page.locator("[data-testid=flame-canvas]").boundingBox();
  const before = await draws();
  started = await page.evaluate(() => performance.now());
  await page.mouse.click(box.x + box.width / 2, box.y + 22 + 11); // a turn
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=flame-canvas]").dataset.draws) > n, before);
  zoom.push(await page.evaluate((t) => performance.now() - t, started));

  started = await page.evaluate(() => performance.now());
  await page.click("[data-testid=view-tree]");
  await page.waitForSelector("[data-testid=timeline-row]", { timeout: 60_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  toTree.push(await page.evaluate((t) => performance.now() - t, started));
}
const blocks = await (async () => {
  await page.click("[data-testid=view-flame]");
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=flame-canvas]")?.dataset.draws ?? 0) > 0);
  return page.$eval("[data-testid=flame-canvas]", (c) => c.dataset.blocks);
})();
console.log(`flame graph of ${big.spans} spans (OpenTelemetry JS SDK, ${(big.text.length / 1e6).toFixed(1)} MB OTLP/JSON), headless Chromium, median of ${RUNS}:`);
console.log(`  click "Flame graph" → canvas drawn: ${median(toFlame).toFixed(0)} ms (layout + draw alone ${median(drawOnly).toFixed(1)} ms, ${blocks} blocks)`);
console.log(`  click a frame → zoomed and drawn: ${median(zoom).toFixed(0)} ms`);
console.log(`  click "Tree" → tree rows shown (for comparison): ${median(toTree).toFixed(0)} ms`);

// Compare: the same agent run twice (sdkBigTrace's run 1), both stored.
const other = sdkBigTrace(20_000, 1);
await viewer.goto("?page=storage");
await viewer.dropFile("sdk-20k-run-b.otlp.json", other.text);
await viewer.goto(`?page=trace&id=${other.traceId}`);
await page.waitForSelector("[data-testid=timeline-row]", { timeout: 120_000 });
const toCompare = [];
let tally = "";
for (let run = 0; run < RUNS; run++) {
  // A cold deep link: both records read from IndexedDB, compared, drawn.
  const started = Date.now();
  await viewer.goto(`?page=compare&a=${big.traceId}&b=${other.traceId}`);
  await page.waitForSelector("[data-testid=compare-step]", { timeout: 120_000 });
  toCompare.push(Date.now() - started);
  tally = (await page.textContent("[data-testid=compare-tally]")).split("·")[0].trim();
}
console.log(`  compare page (cold deep link) with a second run of ${other.spans} spans → steps drawn: ${median(toCompare).toFixed(0)} ms (${tally})`);
await viewer.close();
