// The dashboard: totals, charts and breakdowns of what is stored, from the
// index rows alone. The figures are checked against the CLI's summary of
// the same SDK files (`prompttrace summary --json`, run here), so the page
// and the command line agree; a filter changes them; rows stored before
// per-model figures are named, not guessed; hostile trace names are text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const dir = join(repo, "tests/fixtures/interop");
const files = readdirSync(dir).filter((f) => /\.jsonl?$/.test(f)).map((f) => join(dir, f));
const cli = join(repo, "target/debug/prompttrace");

/** The CLI's summary of `paths` (build it with `cargo build -p prompttrace-cli`). */
function summary(paths) {
  return JSON.parse(execFileSync(cli, ["summary", "--json", ...paths], { encoding: "utf8", maxBuffer: 64 << 20 }));
}

// How web/src/format.rs writes figures.
const count = (n) => n.toLocaleString("en-US");
const cost = (usd) => (usd === null ? "–" : usd === 0 ? "$0" : usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(6)}`);
/** `ms / unit` with `places` decimals as Rust's `{:.N}`: the float's exact
 * decimal rounded, an exact tie to the even digit (JS's toFixed takes the
 * larger one). */
function fixed(ms, unit, places) {
  const x = ms / unit;
  const exact = x.toFixed(80);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + places);
  if (!/^50*$/.test(rest)) return x.toFixed(places);
  const kept = exact.slice(0, point + 1 + places).replace(/\.$/, "");
  const last = Number(kept.at(-1));
  return last % 2 === 0 ? kept : (x + 0.5 * 10 ** -places).toFixed(places);
}
const duration = (ms) => (ms === null ? "–" : ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${fixed(ms, 1, 0)} ms`
  : ms < 60_000 ? `${fixed(ms, 1000, 2)} s` : `${fixed(ms, 60_000, 1)} min`);
/** Nearest rank, as core's `rollup::percentile`. */
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((values.length * p) / 100)) - 1];
}
function nodes(tree) {
  return tree.flatMap((node) => [node, ...nodes(node.children)]);
}

/** What the dashboard should show of the CLI summary's traces. */
function expected(traces) {
  const sum = (of) => traces.reduce((total, t) => total + of(t), 0);
  const costs = traces.map((t) => t.cost.total).filter((c) => c !== null);
  const durations = traces.map((t) => t.duration_ms).filter((d) => d !== null);
  const all = traces.flatMap((t) => nodes(t.tree));
  const calls = all.filter((n) => n.type === "generation");
  // Every model an observation names, with its LLM calls (generations).
  const byModel = {};
  for (const n of all) if (n.model !== null) byModel[n.model] = (byModel[n.model] ?? 0) + (n.type === "generation" ? 1 : 0);
  return {
    traces: count(traces.length),
    calls: count(calls.length),
    tokens: count(sum((t) => t.tokens.total)),
    io: `${count(sum((t) => t.tokens.input))} / ${count(sum((t) => t.tokens.output))}`,
    cost: cost(costs.length ? costs.reduce((a, b) => a + b, 0) : null),
    errors: count(sum((t) => t.error_count)),
    p50: duration(percentile(durations, 50)),
    p95: duration(percentile(durations, 95)),
    byModel,
  };
}

async function totals(page) {
  await page.waitForSelector("[data-testid=dashboard-totals]");
  const read = (id) => page.textContent(`[data-testid=total-${id}]`);
  const shown = {};
  for (const id of ["traces", "calls", "tokens", "io", "cost", "errors", "p50", "p95"]) shown[id] = await read(id);
  return shown;
}

async function breakdown(page, testid) {
  return page.$$eval(`[data-testid=${testid}] tbody tr`, (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
}

async function typeFilter(page, label, text) {
  await page.fill(`[data-testid=dashboard-filters] input[aria-label=${label}]`, text);
}

test("the dashboard's figures are the CLI's of the same SDK files, and a filter changes them", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage(); // a first visit shows the demo traces
    await viewer.goto("?page=dashboard");
    await page.waitForSelector("[data-testid=dashboard-empty]");
    assert.match(await page.textContent("[data-testid=dashboard-empty]"), /Nothing is stored yet/);

    await viewer.loadFiles(files);
    assert.equal(await viewer.errors(), "");
    const all = summary(files).traces;
    const want = expected(all);
    await viewer.goto("?page=dashboard");
    const { byModel, ...wantTotals } = want;
    assert.deepEqual(await totals(page), wantTotals);
    assert.ok(Object.keys(byModel).length >= 3, `models in the fixtures: ${Object.keys(byModel)}`);

    // By model: every model the calls name, with its number of calls.
    const models = Object.fromEntries((await breakdown(page, "by-model")).map((cells) => [cells[0], cells[2]]));
    assert.deepEqual(models, Object.fromEntries(Object.entries(byModel).map(([m, n]) => [m, count(n)])));
    assert.equal(await page.$("[data-testid=unknown-model-note]"), null, "every row has its per-model figures");

    // By trace name: each name's traces.
    const names = Object.fromEntries((await breakdown(page, "by-name")).map((cells) => [cells[0], cells[1]]));
    const perName = {};
    for (const t of all) perName[t.name] = (perName[t.name] ?? 0) + 1;
    assert.deepEqual(names, Object.fromEntries(Object.entries(perName).map(([n, c]) => [n, count(c)])));

    // The charts: a column a bucket, each with its exact figures on hover.
    const columns = await page.$$eval(".chart", (charts) => charts.map((c) => c.querySelectorAll("g > title").length));
    assert.equal(columns.length, 6);
    assert.ok(columns.every((n) => n === columns[0] && n >= 2 && n <= 61), `buckets: ${columns}`);
    const titles = await page.$$eval(".chart:first-child g > title", (t) => t.map((e) => e.textContent));
    const bucketed = titles.reduce((total, t) => total + Number(/: ([\d,]+) traces/.exec(t)[1].replace(/,/g, "")), 0);
    assert.equal(bucketed, all.length, "each trace in one bucket");
    await viewer.screenshot("dashboard");
    await viewer.toggleTheme();
    await viewer.screenshot("dashboard-dark");
    await viewer.toggleTheme();

    // A filter: the traces named "POST /v1/chat" (any case, any part).
    await typeFilter(page, "Name", "post /V1/chat");
    const some = all.filter((t) => t.name.toLowerCase().includes("post /v1/chat"));
    assert.ok(some.length > 0 && some.length < all.length);
    await page.waitForFunction((n) => document.querySelector("[data-testid=total-traces]")?.textContent === n, count(some.length));
    const { byModel: _, ...someTotals } = expected(some);
    assert.deepEqual(await totals(page), someTotals);
    await typeFilter(page, "Name", "no trace has this name");
    await page.waitForSelector("[data-testid=dashboard-empty]");
    assert.match(await page.textContent("[data-testid=dashboard-empty]"), /No trace matches/);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("rows stored before per-model figures are counted under 'unknown model', and said so", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage();
    const some = files.filter((f) => /otel-js-genai|ai-sdk-6/.test(f));
    await viewer.loadFiles(some);
    const traces = summary(some).traces;
    // As an older viewer or package stored them: rows without `by_model`.
    const changed = await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open("prompttrace");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction("index", "readwrite");
        let n = 0;
        tx.objectStore("index").openCursor().onsuccess = (event) => {
          const cursor = event.target.result;
          if (!cursor) return;
          const row = { ...cursor.value };
          if (n % 2 === 0) { delete row.by_model; cursor.update(row); }
          n += 1;
          cursor.continue();
        };
        tx.oncomplete = () => { open.result.close(); resolve(Math.ceil(n / 2)); };
      };
    }));
    assert.ok(changed > 0);
    await viewer.goto("?page=dashboard");
    await page.waitForSelector("[data-testid=unknown-model-note]");
    assert.equal(await page.textContent("[data-testid=unknown-model-note]"),
      `${changed} ${changed === 1 ? "trace was" : "traces were"} stored before per-model figures: counted under “unknown model”.`);
    const rows = await breakdown(page, "by-model");
    const unknown = rows.find((cells) => cells[0] === "unknown model");
    assert.equal(unknown?.[1], count(changed), "its traces");
    const calls = rows.reduce((total, cells) => total + Number(cells[2].replace(/,/g, "")), 0);
    assert.equal(count(calls), expected(traces).calls, "no call lost or counted twice");
    // The totals never depended on the split.
    const { byModel: _, ...want } = expected(traces);
    assert.deepEqual(await totals(page), want);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("hostile trace names in the breakdown are text", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const names = [
    "<img src=x onerror=\"window.__pwned='img'\">",
    "</script><script>window.__pwned='script'</script>",
    "\u202Egnp.exe\u200B\u200D مرحبا بالعالم",
    `long ${"x".repeat(990)}`, // near the longest name a trace may have (limits.rs: 1,000 bytes)
  ];
  // Models are names too, up to 200 bytes.
  const models = names.map((name) => (name.length > 200 ? `long ${"m".repeat(190)}` : name));
  try {
    await viewer.clearStorage();
    const at = (s) => `2024-05-01T12:00:${String(s).padStart(2, "0")}Z`;
    await viewer.dropFile("hostile.json", JSON.stringify({
      format: "prompttrace", version: 1,
      traces: names.map((name, i) => ({ id: `h${i}`, name, status: "completed", started_at: at(i), ended_at: at(i + 1) })),
      observations: names.map((name, i) => ({ id: `g${i}`, trace_id: `h${i}`, type: "generation", name, model: models[i],
        status: "completed", started_at: at(i), ended_at: at(i + 1), usage: { input: 10, output: 5 } })),
    }));
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=dashboard");
    await page.waitForSelector("[data-testid=by-name] tbody tr");
    const shown = (await breakdown(page, "by-name")).map((cells) => cells[0]);
    assert.deepEqual([...shown].sort(), [...names].sort());
    const shownModels = (await breakdown(page, "by-model")).map((cells) => cells[0]);
    assert.deepEqual([...shownModels].sort(), [...models].sort());
    assert.equal(await page.$$eval("main img, main script", (n) => n.length), 0, "no element came from a name");
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // The long name wraps inside its cell: the page does not scroll sideways.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(wide <= 0, `the page is ${wide}px wider than the window`);
    await page.locator("[data-testid=by-model]").evaluate((table) => table.scrollIntoView());
    await viewer.screenshot("dashboard-hostile");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
