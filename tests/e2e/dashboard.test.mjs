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
    // Stored rows are read newest first: until all are, the page says
    // "Loading…", never "Nothing is stored" nor part of the totals.
    await page.addInitScript(() => {
      window.__dashboardSaw = [];
      new MutationObserver(() => {
        const empty = document.querySelector("[data-testid=dashboard-empty]");
        const traces = document.querySelector("[data-testid=total-traces]");
        if (empty) window.__dashboardSaw.push(empty.textContent);
        if (traces) window.__dashboardSaw.push(traces.textContent);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await viewer.goto("?page=dashboard");
    const { byModel, ...wantTotals } = want;
    assert.deepEqual(await totals(page), wantTotals);
    assert.deepEqual([...new Set(await page.evaluate(() => window.__dashboardSaw))], [wantTotals.traces]);
    assert.ok(Object.keys(byModel).length >= 3, `models in the fixtures: ${Object.keys(byModel)}`);

    // By model: every model the calls name, with its number of calls; what
    // names no model on a line of its own; the lines add up to the totals.
    const modelRows = await breakdown(page, "by-model");
    const models = Object.fromEntries(modelRows.map((cells) => [cells[0], cells[2]]));
    delete models["(no model named)"];
    assert.deepEqual(models, Object.fromEntries(Object.entries(byModel).map(([m, n]) => [m, count(n)])));
    const number = (text) => Number(text.replace(/[$,]/g, "").split(" ")[0]);
    const sumOf = (column) => modelRows.reduce((total, cells) => total + number(cells[column]), 0);
    assert.equal(count(sumOf(2)), wantTotals.calls, "calls add up");
    assert.equal(count(sumOf(3)), wantTotals.tokens, "tokens add up");
    assert.equal(count(sumOf(5)), wantTotals.errors, "errors add up");
    assert.equal(await page.$("[data-testid=unknown-model-note]"), null, "every row has its per-model figures");
    const heads = await page.$$eval("[data-testid=by-model] thead th", (th) => th.map((h) => h.textContent.replace(/[▲▼]/g, "").trim()));
    assert.deepEqual(heads.slice(-2), ["Trace p50", "Trace p95"], "these are trace durations, not call latency");

    // A model chosen: the figures are its part of each trace, as its line.
    const [model, modelLine] = Object.entries(byModel).map(([m]) => [m, modelRows.find((cells) => cells[0] === m)])
      .find(([, cells]) => number(cells[1]) > 0 && cells[4] !== "–");
    await page.selectOption("[data-testid=dashboard-filters] select[aria-label=Model]", model);
    await page.waitForFunction((n) => document.querySelector("[data-testid=total-traces]")?.textContent === n, modelLine[1]);
    assert.equal(await page.textContent("[data-testid=total-calls]"), modelLine[2]);
    assert.equal(await page.textContent("[data-testid=total-cost]"), modelLine[4]);
    assert.ok((await page.textContent("[data-testid=model-part-note]")).includes(`${model}’s part`));
    await page.selectOption("[data-testid=dashboard-filters] select[aria-label=Model]", "");
    await page.waitForFunction((n) => document.querySelector("[data-testid=total-traces]")?.textContent === n, wantTotals.traces);

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
    // Each chart in words: the SVG is described by a summary, and its
    // values are a table under "Show as table".
    const alternatives = await page.$$eval(".chart", (charts) => charts.map((c) => ({
      summary: document.getElementById(c.querySelector("svg").getAttribute("aria-describedby"))?.textContent ?? "",
      label: c.querySelector("figcaption").textContent,
      toggle: c.querySelector("details > summary")?.textContent,
      rows: c.querySelectorAll("details tbody tr").length,
      buckets: c.querySelectorAll("g > title").length,
    })));
    for (const a of alternatives) {
      assert.ok(a.summary.startsWith(`${a.label}: ${a.buckets} buckets from `), a.summary);
      assert.equal(a.toggle, "Show as table");
      assert.equal(a.rows, a.buckets);
    }
    await viewer.screenshot("dashboard");
    await viewer.toggleTheme();
    await viewer.screenshot("dashboard-dark");
    await viewer.toggleTheme();

    // A breakdown's order is the user's: sorted by name, it stays so while
    // a filter changes its rows.
    const nameOrder = async () => (await breakdown(page, "by-name")).map((cells) => cells[0]);
    await page.click("[data-testid=by-name] thead button >> text=Trace name");
    await page.click("[data-testid=by-name] thead button >> text=Trace name");
    const ascending = (names) => names.every((n, i) => i === 0 || names[i - 1] <= n);
    assert.ok(ascending(await nameOrder()), "sorted by name, A to Z");

    // A filter: the traces named "POST /v1/chat" (any case, any part).
    await typeFilter(page, "Name", "post /V1/chat");
    const some = all.filter((t) => t.name.toLowerCase().includes("post /v1/chat"));
    assert.ok(some.length > 0 && some.length < all.length);
    await page.waitForFunction((n) => document.querySelector("[data-testid=total-traces]")?.textContent === n, count(some.length));
    const { byModel: _, ...someTotals } = expected(some);
    assert.deepEqual(await totals(page), someTotals);
    assert.equal(await page.getAttribute("[data-testid=by-name] th:first-child", "aria-sort"), "ascending", "the order is kept");
    assert.ok(ascending(await nameOrder()));
    await typeFilter(page, "Name", "");
    await page.waitForFunction((n) => document.querySelector("[data-testid=total-traces]")?.textContent === n, wantTotals.traces);
    assert.ok(ascending(await nameOrder()), "still by name with every row back");
    assert.equal((await nameOrder()).length, Object.keys(perName).length);
    await typeFilter(page, "Name", "no trace has this name");
    await page.waitForSelector("[data-testid=dashboard-empty]");
    assert.match(await page.textContent("[data-testid=dashboard-empty]"), /No trace matches/);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("rows stored before per-model figures are counted under '(no model named)', and said so; a row with an impossible time is left out", async () => {
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
    // A foreign writer's row, starting at an impossible time (it made the
    // page abort on an overflow).
    await page.evaluate(() => new Promise((resolve, reject) => {
      const open = indexedDB.open("prompttrace");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction("index", "readwrite");
        const index = tx.objectStore("index");
        index.openCursor().onsuccess = (event) => {
          const row = { ...event.target.result.value, id: "far-past", name: "far past", started_at: -1e20, first_start: -1e20 };
          index.put(row, "far-past");
        };
        tx.oncomplete = () => { open.result.close(); resolve(); };
      };
    }));
    assert.ok(changed > 0);
    await viewer.goto("?page=dashboard");
    await page.waitForSelector("[data-testid=unknown-model-note]");
    assert.equal(await page.textContent("[data-testid=unknown-model-note]"),
      `${changed} ${changed === 1 ? "trace was" : "traces were"} stored before per-model figures: their figures are under “(no model named)”.`);
    assert.equal(await page.textContent("[data-testid=bad-time-note]"), "1 stored trace has an impossible start time and is left out.");
    const rows = await breakdown(page, "by-model");
    const none = rows.find((cells) => cells[0] === "(no model named)");
    assert.ok(Number(none?.[1]) >= changed, "its traces");
    assert.equal(await page.$eval("[data-testid=by-model] td.no-model", (td) => getComputedStyle(td).fontStyle), "italic");
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

test("LLM calls recorded outside any trace are said not to be counted", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=dashboard"); // a first visit: the demo, with one such call
    await page.waitForSelector("[data-testid=loose-calls-note]");
    assert.equal(await page.textContent("[data-testid=loose-calls-note]"),
      "1 LLM call recorded outside any trace is not counted here; see LLM calls.");
    await page.click("[data-testid=loose-calls-note] a");
    await page.waitForSelector("[data-testid=generations] tbody tr");
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
