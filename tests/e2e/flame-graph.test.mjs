// The trace page's flame graph (icicle): switching to it, selecting and
// zooming by click, the selection shared with the tree (`&obs=`), keys,
// errors marked, hostile names as text, and a 20,000-span trace made by the
// OpenTelemetry JS SDK. Frames are found the way a user finds them: by
// moving the mouse over the canvas and reading the hover card.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";
import { sdkBigTrace } from "./sdk-big-trace.mjs";

const ROW = 22; // components/flame/draw.rs ROW_HEIGHT
const fixture = join(repo, "tests/fixtures/interop/otel-js-genai.json");

/** The observations of the OTel-JS fixture by name (as core reads them:
 * its expected native form), and its agent trace's id. */
function expectedObservations() {
  return JSON.parse(readFileSync(join(repo, "tests/fixtures/interop/expected/otel-js-genai.json"), "utf8")).observations;
}

function otelJs() {
  const observations = expectedObservations();
  const byName = (name) => observations.find((o) => o.name === name);
  return { trace: byName("invoke_agent travel-planner").trace_id, byName };
}

/** What the canvas says it drew. */
async function canvasState(page) {
  return page.$eval("[data-testid=flame-canvas]", (c) => ({
    draws: Number(c.dataset.draws ?? 0), blocks: Number(c.dataset.blocks ?? 0), frames: Number(c.dataset.frames ?? 0),
    selectedBox: c.dataset.selectedBox?.split(",").map(Number), width: c.getBoundingClientRect().width, label: c.getAttribute("aria-label"),
  }));
}

/** Waits for a draw after the `draws`-th. */
async function drawnAfter(page, draws) {
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=flame-canvas]")?.dataset.draws ?? 0) > n, draws, { timeout: 60_000 });
  return canvasState(page);
}

/** Moves the mouse along the rows (row `hint` first) until the hover card
 * names `name`; returns the point (page coordinates) and its row. */
async function findFrame(page, name, hint = 0) {
  const box = await page.locator("[data-testid=flame-canvas]").boundingBox();
  const rows = Math.round(box.height / ROW);
  for (const row of [hint, ...Array.from({ length: rows }, (_, r) => r).filter((r) => r !== hint)]) {
    const y = box.y + row * ROW + ROW / 2;
    for (let x = box.x + 1; x < box.x + box.width; x += 3) {
      await page.mouse.move(x, y);
      const shown = await page.$eval("[data-testid=flame-tooltip-name]", (e) => e.textContent).catch(() => null);
      if (shown === name) return { x, y, row };
    }
  }
  throw new Error(`no frame named ${name}`);
}

/** The colour of a canvas pixel (CSS px), as [r, g, b]. */
async function pixel(page, x, y) {
  return page.$eval("[data-testid=flame-canvas]", (c, [x, y]) => {
    const ratio = c.width / c.getBoundingClientRect().width;
    return [...c.getContext("2d").getImageData(Math.floor(x * ratio), Math.floor(y * ratio), 1, 1).data.slice(0, 3)];
  }, [x, y]);
}

/** A theme colour (`--error`, `--accent`) as [r, g, b]. */
async function themeColour(page, name) {
  const hex = await page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

async function openOtelJs(viewer, obs) {
  await viewer.goto("?page=traces");
  await viewer.loadFiles([fixture]);
  await viewer.openTrace(otelJs().trace, obs);
}

test("clicking a frame selects it (&obs=, detail) and zooms to it; the tree and the back button follow", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const { byName } = otelJs();
  try {
    await openOtelJs(viewer);
    await page.click("[data-testid=view-flame]");
    const first = await drawnAfter(page, 0);
    assert.match(page.url(), /[?&]view=flame(&|$)/, "the view is in the URL");
    assert.deepEqual(await page.$$eval("[data-testid=view-switch] [aria-current=page]", (a) => a.map((e) => e.textContent)), ["Flame graph"]);
    assert.equal(first.frames, 8, "one frame per span of the trace");
    assert.equal(first.blocks, 8, "all wide enough to draw");
    assert.equal(await page.getAttribute("[data-testid=flame-reset]", "disabled"), "", "nothing to reset yet");

    const weather = byName("get_weather");
    const at = await findFrame(page, "get_weather", 1);
    const before = await canvasState(page);
    await page.mouse.click(at.x, at.y);
    await viewer.waitForDetail("get_weather");
    assert.match(page.url(), new RegExp(`[?&]obs=${weather.id}(&|$)`));
    assert.match(page.url(), /[?&]view=flame(&|$)/, "the view stays");
    const zoomed = await drawnAfter(page, before.draws);
    assert.ok(Math.abs(zoomed.selectedBox[2] - zoomed.width) < 2, `the frame fills the width: ${zoomed.selectedBox} of ${zoomed.width}`);
    assert.match(zoomed.label, /selected: get_weather/);
    await page.mouse.move(0, 0);

    await page.click("[data-testid=flame-reset]");
    const reset = await drawnAfter(page, zoomed.draws);
    assert.ok(reset.selectedBox[2] < reset.width / 4, "the whole trace again, the frame still selected");
    await page.click("[data-testid=flame-canvas]", { position: { x: 1, y: 1 } }); // the root: zoom to it
    await viewer.waitForDetail("invoke_agent travel-planner");
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.querySelector("[data-testid=flame-reset]").disabled);

    // The tree shows the same selection; back returns to the flame graph.
    await page.click("[data-testid=view-tree]");
    await page.waitForSelector("[data-testid=timeline-row].selected");
    assert.equal(await page.textContent("[data-testid=timeline-row].selected .obs-name"), "invoke_agent travel-planner");
    assert.doesNotMatch(page.url(), /view=flame/);
    assert.deepEqual(await page.$$eval("[data-testid=view-switch] [aria-current=page]", (a) => a.map((e) => e.textContent)), ["Tree"]);
    await page.goBack();
    await page.waitForSelector("[data-testid=flame-canvas]");
    assert.match(page.url(), /[?&]view=flame(&|$)/);

    // A search selects its match and stays in the flame graph.
    await page.fill("[data-testid=trace-search]", "book_flight");
    await page.press("[data-testid=trace-search]", "Enter");
    await page.waitForFunction(() => /[?&]q=book_flight/.test(location.search));
    assert.match(page.url(), /[?&]view=flame(&|$)/);
    assert.doesNotMatch(page.url(), new RegExp(`[?&]obs=${byName("invoke_agent travel-planner").id}(&|$)`), "the first match is selected");
    const name = await page.textContent("[data-testid=detail-name]");
    await page.waitForFunction((name) => document.querySelector("[data-testid=flame-canvas]").getAttribute("aria-label").endsWith(`selected: ${name}`), name);

    // Views switched within a frame: the flame graph mounts (its draw
    // queued for the next frame) and is gone before that frame; the queued
    // draw is dropped. Tried until the mount falls before a frame.
    await page.click("[data-testid=view-tree]");
    await page.waitForSelector("[data-testid=timeline-row].selected");
    let withinFrame = false;
    for (let attempt = 0; attempt < 10 && !withinFrame; attempt++) {
      withinFrame = await page.evaluate(async () => {
        let framed = false;
        requestAnimationFrame(() => { framed = true; });
        document.querySelector("[data-testid=view-flame]").click();
        while (!document.querySelector("[data-testid=flame-canvas]") && !framed) await new Promise((r) => setTimeout(r, 0));
        const mounted = !framed && document.querySelector("[data-testid=flame-canvas]")?.dataset.draws === undefined;
        document.querySelector("[data-testid=view-tree]").click();
        return mounted;
      });
      await page.waitForSelector("[data-testid=timeline-row].selected");
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    }
    assert.ok(withinFrame, "the flame graph mounted and left within one frame");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a selection in the tree is outlined in the flame graph, arrow keys move it, errors are marked", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const { byName } = otelJs();
  const booking = byName("book_flight");
  try {
    await openOtelJs(viewer, booking.id);
    await viewer.waitForDetail("book_flight");
    await page.click("[data-testid=view-flame]");
    const shown = await drawnAfter(page, 0);
    assert.ok(shown.selectedBox, "the tree's selection is drawn");
    const [x, y, w] = shown.selectedBox;
    assert.deepEqual(await pixel(page, x + w / 2, y + 1.5), await themeColour(page, "--fg"), "outlined in the text colour (contrasts with every tint)");
    assert.match(shown.label, /selected: book_flight/);
    assert.match(await page.textContent("[data-testid=flame-announce]"), /book_flight: tool, .*error/);

    // Keys: up to the parent, down to its first child, right to the next sibling.
    await page.focus(".flame-canvas");
    await page.keyboard.press("ArrowUp");
    await viewer.waitForDetail("invoke_agent travel-planner");
    await page.keyboard.press("ArrowDown");
    await viewer.waitForDetail("embeddings text-embedding-3-small");
    await page.keyboard.press("ArrowRight");
    await viewer.waitForDetail("retrieval travel-guides");
    assert.match(page.url(), new RegExp(`[?&]obs=${byName("retrieval travel-guides").id}(&|$)`));
    await page.keyboard.press("ArrowLeft");
    await viewer.waitForDetail("embeddings text-embedding-3-small");
    await page.keyboard.press("ArrowRight");
    await viewer.waitForDetail("retrieval travel-guides");
    // Enter zooms to the selection: it fills the width; Escape resets.
    const beforeEnter = await canvasState(page);
    assert.ok(beforeEnter.selectedBox[2] < beforeEnter.width / 4);
    await page.keyboard.press("Enter");
    const entered = await drawnAfter(page, beforeEnter.draws);
    assert.ok(Math.abs(entered.selectedBox[2] - entered.width) < 2, `zoomed: ${entered.selectedBox}`);
    assert.equal(await page.getAttribute("[data-testid=flame-reset]", "disabled"), null);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.querySelector("[data-testid=flame-reset]").disabled);

    // The failed tool call (and its failed HTTP call) carry the error mark.
    const at = await findFrame(page, "book_flight", 2);
    assert.equal(at.row, 2, "below get_weather's lane: the two calls ran in parallel");
    assert.match(await page.textContent("[data-testid=flame-tooltip]"), /✕ error/);
    const box = await page.locator("[data-testid=flame-canvas]").boundingBox();
    assert.deepEqual(await pixel(page, at.x - box.x, at.row * ROW + 1.5), await themeColour(page, "--error"), "outlined in the error colour");
    // The root is no error but holds two: a red strip along its bottom.
    assert.deepEqual(await pixel(page, box.width / 2, ROW - 2.5), await themeColour(page, "--error"), "error below the root");
    await findFrame(page, "POST", 3);
    assert.match(await page.textContent("[data-testid=flame-tooltip]"), /✕ error/);
    const weather = await findFrame(page, "get_weather", 1);
    assert.doesNotMatch(await page.textContent("[data-testid=flame-tooltip]"), /error/);
    assert.notDeepEqual(await pixel(page, weather.x - box.x, weather.row * ROW + 1.5), await themeColour(page, "--error"));

    // The hover card's figures are the fixture's first chat call: its
    // duration, its tokens, its cost at core's built-in gpt-4o price
    // ($2.50 in, $10 out per million tokens).
    const chat = expectedObservations().find((o) => o.name === "chat gpt-4o");
    await findFrame(page, "chat gpt-4o", 1);
    const ms = Date.parse(chat.ended_at) - Date.parse(chat.started_at);
    assert.equal(await page.textContent("[data-testid=flame-tooltip-duration]"), `${(ms / 1000).toFixed(2)} s`);
    assert.equal(await page.textContent("[data-testid=flame-tooltip-tokens]"), `${chat.usage.total} incl. children`);
    const usd = (chat.usage.input * 2.5 + chat.usage.output * 10) / 1e6;
    assert.equal(await page.textContent("[data-testid=flame-tooltip-cost]"), `$${usd.toFixed(6)} incl. children`);
    await viewer.screenshot("flame");
    const light = await canvasState(page);
    await viewer.toggleTheme();
    const dark = await drawnAfter(page, light.draws);
    assert.deepEqual(await pixel(page, at.x - box.x, at.row * ROW + 1.5), await themeColour(page, "--error"), "dark theme's error colour");
    assert.ok(dark.blocks > 0);
    await findFrame(page, "chat gpt-4o", 1);
    await viewer.screenshot("flame-dark");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("the flame graph of a 20,000-span trace from the OpenTelemetry JS SDK draws, merges what is too narrow, and zooms", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    const big = sdkBigTrace(20_000);
    assert.equal(big.spans, 20_000);
    await viewer.goto("?page=storage");
    await viewer.dropFile("sdk-20k.otlp.json", big.text);
    assert.equal(await viewer.errors(), "");
    await viewer.goto(`?page=trace&id=${big.traceId}&view=flame`);
    const whole = await drawnAfter(page, 0);
    assert.equal(whole.frames, 20_000);
    assert.ok(whole.blocks > 40 && whole.blocks < 5_000, `blocks drawn: ${whole.blocks}`);
    // Below the turns, the calls are too narrow alone: merged blocks.
    const box = await page.locator("[data-testid=flame-canvas]").boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + 3 * ROW + ROW / 2);
    await page.waitForSelector("[data-testid=flame-tooltip]");
    assert.match(await page.textContent("[data-testid=flame-tooltip]"), /\d+ observations/);
    await viewer.screenshot("flame-20k");

    // A turn: click zooms to it; its calls are drawn one by one.
    const turn = await findFrame(page, "turn 20", 1);
    await page.mouse.click(turn.x, turn.y);
    await viewer.waitForDetail("turn 20");
    const zoomed = await drawnAfter(page, whole.draws);
    assert.ok(Math.abs(zoomed.selectedBox[2] - zoomed.width) < 2);
    await findFrame(page, "chat gpt-4o-mini", 3);
    await viewer.screenshot("flame-20k-zoomed");
    await page.keyboard.press("Escape");
    await drawnAfter(page, zoomed.draws);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("hostile names are text in the hover card and the selection path", async () => {
  const names = ["<img src=x onerror=\"window.__pwned='img'\">", "</script><script>window.__pwned='script'</script>",
    "\u202Eevil\u200B\u200Bname", "x".repeat(1_000)];
  const at = (ms) => new Date(Date.UTC(2024, 4, 1, 12) + ms).toISOString();
  const file = JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id: "evil", name: "evil", status: "completed", started_at: at(0), ended_at: at(1000) }],
    observations: names.map((name, i) => ({ id: `o${i}`, trace_id: "evil", parent_id: i ? "o0" : undefined, name, type: "span",
      status: "completed", started_at: at(i * 200), ended_at: at(i ? i * 200 + 150 : 1000) })) });
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("evil.json", file);
    await viewer.goto("?page=trace&id=evil&view=flame&obs=o3");
    await drawnAfter(page, 0);
    for (const [i, name] of names.entries()) {
      await findFrame(page, name, i ? 1 : 0);
      assert.equal(await page.textContent("[data-testid=flame-tooltip-name]"), name, "shown as text");
    }
    assert.equal(await page.$$eval(".flame img, .flame script", (e) => e.length), 0);
    assert.equal(await page.$$eval(".flame-path button", (b) => b.map((e) => e.textContent).join("|")), `${names[0]}|${names[3]}`);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("the graph redraws when its box narrows, and leaving it then resizing the window is harmless", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await openOtelJs(viewer);
    await page.click("[data-testid=view-flame]");
    const first = await drawnAfter(page, 0);
    // The box narrows without a window resize (the page's grid): drawn again at the new width.
    await page.$eval("[data-testid=flame]", (e) => { e.style.width = "400px"; });
    await page.waitForFunction((w) => document.querySelector("[data-testid=flame-canvas]").getBoundingClientRect().width < w - 100, first.width);
    const narrow = await canvasState(page);
    assert.ok(narrow.draws > first.draws && narrow.blocks === 8, `drawn again: ${JSON.stringify(narrow)}`);
    await page.click("[data-testid=view-tree]");
    await page.waitForSelector("[data-testid=timeline-row]");
    await page.setViewportSize({ width: 900, height: 700 });
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("an &obs= id not in the trace selects nothing and draws the whole trace", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await openOtelJs(viewer, "no-such-observation");
    await page.click("[data-testid=view-flame]");
    const shown = await drawnAfter(page, 0);
    assert.equal(shown.blocks, 8);
    assert.equal(shown.selectedBox, undefined);
    assert.equal(shown.label, "Flame graph of 8 observations");
    await page.focus(".flame-canvas");
    await page.keyboard.press("ArrowDown");
    await viewer.waitForDetail("invoke_agent travel-planner");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a fan-out of 3,000 parallel calls: the canvas stays a screenful, scrolling draws the rows in view", async () => {
  const at = (ms) => new Date(Date.UTC(2024, 4, 1, 12) + ms).toISOString();
  // Ids sort as the calls are numbered: the tree orders simultaneous siblings by id.
  const calls = Array.from({ length: 3_000 }, (_, i) => ({ id: `c${String(i).padStart(4, "0")}`, trace_id: "fan", parent_id: "root", name: `call ${i}`,
    type: "tool", status: "completed", started_at: at(10), ended_at: at(900) }));
  const file = JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id: "fan", name: "fan", status: "completed", started_at: at(0), ended_at: at(1000) }],
    observations: [{ id: "root", trace_id: "fan", name: "root", type: "agent", status: "completed", started_at: at(0), ended_at: at(1000) }, ...calls] });
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("fan.json", file);
    await viewer.goto("?page=trace&id=fan&view=flame");
    const top = await drawnAfter(page, 0);
    const size = () => page.$eval("[data-testid=flame-canvas]", (c) => ({ css: c.getBoundingClientRect().height, store: c.height, ratio: devicePixelRatio }));
    const { css, store, ratio } = await size();
    assert.ok(css <= 560 && store <= Math.ceil(560 * ratio), `a screenful: ${css} css px, ${store} px`);
    assert.equal(await page.$eval(".flame-space", (e) => e.getBoundingClientRect().height), 3_001 * ROW, "the box scrolls the whole graph");
    // Scrolled to the bottom: the last lane's call is drawn and hovered there.
    await page.$eval(".flame-canvas", (e) => { e.scrollTop = e.scrollHeight; });
    await drawnAfter(page, top.draws);
    const box = await page.locator("[data-testid=flame-canvas]").boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - ROW / 2);
    await page.waitForSelector("[data-testid=flame-tooltip-name]");
    assert.equal(await page.textContent("[data-testid=flame-tooltip-name]"), "call 2999");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
