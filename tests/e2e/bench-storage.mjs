// `cargo xtask bench storage` (and the end of `cargo xtask bench`): the
// viewer's storage at scale in headless Chromium, on OTLP/JSON files of
// 50k, 200k and 1M spans made from real SDK output (scale-files.mjs), each
// figure beside the one issue 12 measured ("today"). PROMPTTRACE_SCALE=
// 50k,200k picks sizes. Figures, not a test: a step that fails (timeout,
// crash, error banner, page error) prints "failed: …" and the bench goes on.
//
// It waits on what stays true if the import moves to a Web Worker: the
// traces table, the progress and "Saving…" indicators, the errors banner.
import { rmSync, statSync } from "node:fs";
import { Viewer } from "./viewer-page.mjs";
import { BIG_TRACE, scaleFile, sizesFromEnv } from "./scale-files.mjs";
import { browserPid, chromiumRss } from "./chromium-memory.mjs";
import { check, idbFloor, instrument } from "./bench-storage-page.mjs";

/** Issue 12's table: files of 656 bytes per span, the viewer before layout v2. */
const TODAY = {
  "50k": {},
  "200k": { file: "131 MB", drop: "2.9 s", reload: "1.9 s", open: "1.9 s" },
  "1m": {
    file: "656 MB",
    drop: "14.9 s, then a wasm trap (\"unreachable\") during the save",
    reload: "nothing: the import is gone, and no error was shown",
    open: "\"This trace is not stored here.\"",
  },
};
const NOT_MEASURED = "not in the issue's table";

class Failed extends Error {}

const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const count = (n) => n.toLocaleString("en-US");
const duration = (ms) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `action` within `seconds`; a timeout, a crash or a page error on
 * `page` meanwhile ends it as Failed. A pending action is left behind:
 * the browser is closed at the end of the size. */
async function within(page, seconds, action) {
  let timer;
  const listeners = [];
  const tripwire = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Failed(`timed out after ${seconds} s`)), seconds * 1000);
    const on = (event, message) => {
      const listener = (error) => reject(new Failed(message(error)));
      page.on(event, listener);
      listeners.push([event, listener]);
    };
    on("pageerror", (error) => `page error: ${error.message.split("\n")[0]}`);
    on("crash", () => "the page crashed");
  });
  const run = action();
  run.catch(() => {});
  tripwire.catch(() => {});
  try {
    return await Promise.race([run, tripwire]);
  } finally {
    clearTimeout(timer);
    for (const [event, listener] of listeners) page.off(event, listener);
  }
}

/** Waits until `predicate` (run in the page, each frame) returns a value. */
async function waitFor(page, predicate, arg, seconds) {
  const handle = await page.waitForFunction(predicate, arg, { timeout: seconds * 1000, polling: "raf" });
  return handle.jsonValue();
}

/** A figure, or "failed: …" for whatever stopped it. */
async function figure(measure) {
  try {
    return await measure();
  } catch (error) {
    return `failed: ${error.message.split("\n")[0]}`;
  }
}

function print(what, value, today) {
  console.log(`  ${what.padEnd(28)} ${String(value).padEnd(66)} today: ${today ?? NOT_MEASURED}`);
}

/** Gives the file to the file input (never through CDP as text) on the
 * empty traces page; until its rows show and the import and save are done. */
async function drop(viewer, file, seconds) {
  const page = viewer.page;
  return within(page, seconds, async () => {
    const started = performance.now();
    // The renderer's peak while the import worker holds the file.
    viewer.peakRss = 0;
    const sample = setInterval(() => {
      viewer.peakRss = Math.max(viewer.peakRss, chromiumRss(viewer.profile)?.renderers ?? 0);
    }, 200);
    // The worker's own account of where the time went (stages.rs).
    const stages = (message) => {
      if (message.text().startsWith("prompttrace import:")) viewer.stages = message.text().replace(/^prompttrace import: [^:]*: /, "");
    };
    viewer.stages = undefined;
    page.on("console", stages);
    await page.setInputFiles("[data-testid=file-input]", file.path);
    const shown = await waitFor(page, check, "imported", seconds).finally(() => clearInterval(sample));
    page.off("console", stages);
    const ms = performance.now() - started;
    viewer.dropMs = ms;
    if (shown.error) throw new Failed(`after ${duration(ms)}: ${shown.error}`);
    const listed = await page.textContent("[data-testid=pager]").catch(() => "");
    const traces = /\(([\d,]+) rows\)/.exec(listed ?? "")?.[1] ?? "?";
    const missing = traces.replaceAll(",", "") === String(file.traces) ? "" : ` (of ${count(file.traces)} in the file)`;
    return `${duration(ms)}, ${(file.bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s; ${traces} traces listed${missing}`;
  });
}

/** The core's part of the worker's stages (parse and merge: the file read
 * into a store, as a fresh page's wasm meets it) as MB/s of the file. */
function coreImport(stages, bytes) {
  const ms = (stage) => {
    const match = new RegExp(`${stage} ([\\d.]+) (ms|s)\\b`).exec(stages ?? "");
    return match && Number(match[1]) * (match[2] === "s" ? 1000 : 1);
  };
  const [parse, merge] = [ms("parse"), ms("merge")];
  if (parse === null || merge === null) return "n/a (no stages line)";
  return `${(bytes / 1e6 / ((parse + merge) / 1000)).toFixed(0)} MB/s (parse ${duration(parse)} + merge ${duration(merge)}), as this fresh page's worker met it`;
}

/** JS heap (after a GC), wasm memory, renderer RSS, and IndexedDB usage. */
async function memory(viewer, spans, seconds) {
  const page = viewer.page;
  return within(page, seconds, async () => {
    // A finished import worker's memory goes within seconds of its end:
    // measured once the renderers' RSS stops falling (10 s at most).
    let settled = chromiumRss(viewer.profile)?.renderers ?? 0;
    for (let waited = 0; waited < 10_000; waited += 1000) {
      await page.waitForTimeout(1000);
      const now = chromiumRss(viewer.profile)?.renderers ?? 0;
      if (now > settled * 0.98) break;
      settled = now;
    }
    const cdp = await viewer.context.newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    await cdp.send("Performance.enable");
    const { metrics } = await cdp.send("Performance.getMetrics");
    await cdp.detach();
    const heap = metrics.find((m) => m.name === "JSHeapUsedSize")?.value;
    const { wasm, usage } = await page.evaluate(async () => ({
      wasm: window.__benchWasm?.buffer.byteLength ?? null,
      usage: (await navigator.storage.estimate()).usage,
    }));
    const rss = chromiumRss(viewer.profile);
    const peak = viewer.peakRss ? `, ${mb(viewer.peakRss)} at the peak of the import` : "";
    const processes = rss ? `renderer RSS ${mb(rss.renderers)}${peak} (${rss.rendererCount} process(es); all Chromium ${mb(rss.all)})` : "RSS n/a";
    return {
      memory: `${processes}; JS heap ${mb(heap)} used; wasm memory ${wasm === null ? "n/a" : mb(wasm)}`,
      stored: `${mb(usage)} in IndexedDB (storage.estimate), ${count(Math.round(usage / spans))} bytes per observation`,
    };
  });
}

/** The import's save beside bare IndexedDB putting the same number of
 * records and rows (bench-storage-page.mjs `idbFloor`): how much of the
 * drop is IndexedDB's own cost. */
async function floor(tab, dropMs, seconds) {
  const page = tab.page;
  return within(page, seconds, async () => {
    const result = await page.evaluate(idbFloor);
    if (result.error) throw new Failed(result.error);
    const ratio = dropMs ? `; drop → table took ${(dropMs / result.ms).toFixed(1)}× that` : "";
    return `${duration(result.ms)} for ${count(result.records)} records (${mb(result.bytes)}) and their rows, one transaction${ratio}`;
  });
}

/** Reloads the traces page until its first row shows. A crashed page
 * cannot reload: a new tab opens the page instead, and says so. */
async function reload(viewer, seconds) {
  let how = "";
  if (viewer.crashed) {
    await within(viewer.page, 30, () => viewer.page.close()).catch(() => {});
    viewer.watch(await viewer.context.newPage());
    how = " (a new tab: the page had crashed)";
  }
  const page = viewer.page;
  return within(page, seconds, async () => {
    const started = performance.now();
    if (how) await page.goto(`${viewer.base}?page=traces`, { waitUntil: "commit" });
    else await page.reload({ waitUntil: "commit" });
    const shown = await waitFor(page, check, "listed", seconds);
    const ms = performance.now() - started;
    if (shown.error) throw new Failed(`after ${duration(ms)}: ${shown.error}${how}`);
    if (shown.empty) throw new Failed(`after ${duration(ms)}: the traces table is empty${how}`);
    return `${duration(ms)}${how}`;
  });
}

/** A new tab of the same profile, straight to the big trace's deep link,
 * until its timeline rows are drawn; the old tab is closed first. */
async function coldOpen(viewer, seconds) {
  const old = viewer.page;
  await within(old, seconds, () => waitFor(old, () => !document.querySelector("[data-testid=progress], [data-testid=saving]"), null, seconds)).catch(() => {});
  const tab = await viewer.newTab();
  await within(old, 30, () => old.close()).catch(() => {});
  const page = tab.page;
  const result = await figure(() => within(page, seconds, async () => {
    const started = performance.now();
    await page.goto(`${viewer.base}?page=trace&id=${BIG_TRACE}`, { waitUntil: "commit" });
    let shown = await waitFor(page, check, "opened", seconds);
    const ms = performance.now() - started;
    if (shown.missing) {
      // A trace page may say so before its record is read: look again.
      await sleep(1000);
      shown = await page.evaluate(check, "opened");
    }
    if (shown.error) throw new Failed(`after ${duration(ms)}: ${shown.error}`);
    if (shown.missing) throw new Failed(`after ${duration(ms)}: "${shown.missing}"`);
    return `${duration(ms)} (${shown.rows} timeline rows drawn)`;
  }));
  return { tab, result };
}

/** Samples the renderers' peak RSS while `action` runs: " (renderer peak N MB)". */
async function peakDuring(viewer, action) {
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, chromiumRss(viewer.profile)?.renderers ?? 0);
  }, 200);
  try {
    const result = await action();
    return `${result}; renderers' peak RSS ${mb(peak)}`;
  } finally {
    clearInterval(sample);
  }
}

/** Runs `action` noting the worker's console line that starts with
 * `prefix` (where its time went) on `tab.said`. */
async function noting(tab, prefix, action) {
  tab.said = undefined;
  const listener = (message) => {
    if (message.text().startsWith(prefix)) tab.said = message.text().slice(prefix.length).trim();
  };
  tab.page.on("console", listener);
  try {
    return await action();
  } finally {
    tab.page.off("console", listener);
  }
}

/** Content search on a fresh traces page (no record opened in it) for the
 * big trace's id: every stored record is read to find the one trace. */
async function searchEverything(tab, seconds) {
  const page = tab.page;
  return within(page, seconds, async () => {
    await page.goto(`${tab.base}?page=traces`);
    await waitFor(page, check, "listed", seconds);
    const started = performance.now();
    await page.fill("[data-testid=content-search]", BIG_TRACE);
    await waitFor(page, () => !document.querySelector("[data-testid=progress]")
      && document.querySelectorAll("[data-testid=traces] tbody tr").length === 1 || null, null, seconds);
    const errors = await page.$$eval("[data-testid=errors] li", (items) => items.map((li) => li.textContent));
    if (errors.length) throw new Failed(errors[0]);
    return `${duration(performance.now() - started)} (1 trace found)`;
  });
}

/** "Export" (native) from the traces page, until the download starts. */
async function exportEverything(tab, seconds) {
  const page = tab.page;
  return within(page, seconds, async () => {
    await page.goto(`${tab.base}?page=traces`);
    await waitFor(page, check, "listed", seconds);
    const started = performance.now();
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: seconds * 1000 }),
      page.click("button >> text=/^Export$/"),
    ]);
    const ms = performance.now() - started;
    const path = await download.path();
    const bytes = path ? statSync(path).size : 0;
    return `${duration(ms)}, ${mb(bytes)} (${download.suggestedFilename()})`;
  });
}

/** "Delete trace" on the open trace page, confirmed: from the click on
 * "Yes, delete" until the stored data is updated, and what it wrote. */
async function deleteTrace(tab, seconds) {
  const page = tab.page;
  return within(page, seconds, async () => {
    await page.click("button >> text=Delete trace");
    const yes = "[role=group][aria-label='Delete trace?'] >> text=Yes, delete";
    await page.waitForSelector(yes);
    await page.evaluate(() => window.__benchIdb.reset());
    await page.click(yes);
    const done = await waitFor(page, check, "deleted", seconds);
    if (done.error) throw new Failed(done.error);
    if (done.unseen) return `${duration(done.ms)}; no IndexedDB write seen in the page (a worker's are not counted)`;
    return `${duration(done.ms)}; ${done.writes} writes, ${count(done.bytes)} bytes (keys and values)`;
  });
}

/** Closes the browser; one that does not close in 30 s is killed. */
async function closeBrowser(viewer, pid) {
  const closed = await Promise.race([viewer.close().then(() => true, () => false), sleep(30_000).then(() => false)]);
  if (closed) return;
  try {
    if (pid) process.kill(pid, "SIGKILL");
  } catch {
    // it ended meanwhile
  }
  viewer.server.close();
  rmSync(viewer.profile, { recursive: true, force: true });
}

async function benchSize(label, spans, runs) {
  const generated = performance.now();
  const file = scaleFile(label, spans, runs);
  const today = TODAY[label.replace(/-long$/, "")];
  console.log(`\n${label}: ${count(file.spans)} spans in ${count(file.traces)} traces (~${Math.round(file.spans / file.traces)} a trace), ${mb(file.bytes)} ` +
    `(${Math.round(file.bytes / file.spans)} B/span${today.file ? `; the issue's file: ${today.file}` : ""}), ` +
    `file ready in ${duration(performance.now() - generated)}`);
  // Generous limits, larger for larger files: a step never hangs the bench.
  const limit = (base, perMb) => Math.round(base + (perMb * file.bytes) / 1e6);
  const viewer = await Viewer.open();
  const pid = browserPid(viewer.profile);
  const watchCrash = (page) => page.on("crash", () => { viewer.crashed = true; });
  try {
    await viewer.context.addInitScript(instrument);
    const setup = await figure(async () => {
      await viewer.goto();
      await viewer.clearStorage();
      await viewer.goto("?page=traces");
      return "";
    });
    if (setup) return print("setup", setup, "");
    watchCrash(viewer.page);
    print("drop → traces table", await figure(() => drop(viewer, file, limit(60, 0.2))), today.drop);
    print("  in the import worker", viewer.stages ?? "(its console line was not seen)", "");
    print("  core import", coreImport(viewer.stages, file.bytes), "target: ≥ 150 MB/s");
    const measured = await figure(() => memory(viewer, file.spans, limit(60, 0.05)));
    print("memory after the import", measured.memory ?? measured, undefined);
    print("stored", measured.stored ?? measured, undefined);
    print("reload → traces table", await figure(() => reload(viewer, limit(30, 0.1))), today.reload);
    const { tab, result } = await coldOpen(viewer, limit(30, 0.1));
    print("cold open, 200-span trace", result, today.open);
    const search = () => peakDuring(viewer, () => searchEverything(tab, limit(60, 0.2)));
    print("content search, every record", await figure(() => noting(tab, "prompttrace search:", search)), undefined);
    print("  in the worker", tab.said ?? "(no console line: the page searched)", "");
    const exporting = () => peakDuring(viewer, () => exportEverything(tab, limit(60, 0.2)));
    print("Export everything", await figure(() => noting(tab, "prompttrace export:", exporting)), undefined);
    print("  in the worker", tab.said ?? "(no console line: the page wrote it)", "");
    // Back on the big trace, whose page has "Delete trace".
    const reopened = await figure(() => within(tab.page, limit(30, 0.1), async () => {
      await tab.page.goto(`${tab.base}?page=trace&id=${BIG_TRACE}`);
      const shown = await waitFor(tab.page, check, "opened", limit(30, 0.1));
      return shown.rows ? "" : "the trace did not open again";
    }));
    const removed = result.startsWith("failed") || reopened ? `skipped: ${reopened || "the trace did not open"}` : await figure(() => deleteTrace(tab, limit(30, 0.05)));
    print("delete one trace", removed, undefined);
    // Last: its writes and their deletion would load IndexedDB under the
    // steps above.
    print("IndexedDB alone, same puts", await figure(() => floor(tab, viewer.dropMs, limit(60, 0.2))), "the peer: the same number of bare puts");
  } finally {
    await closeBrowser(viewer, pid);
  }
}

const sizes = sizesFromEnv();
console.log(`viewer storage at scale (headless Chromium, this machine): ${sizes.map(([label]) => label).join(", ")} spans`);
console.log("  files: tests/fixtures/interop/otel-js-genai.json (OpenTelemetry JS SDK) copied with fresh ids, plus one 200-span trace");
console.log("  today: issue 12's table, measured before storage layout v2 on files of 656 B/span");
const started = performance.now();
for (const [label, spans, runs] of sizes) await benchSize(label, spans, runs);
console.log(`\nstorage bench: ${duration(performance.now() - started)} in all`);
process.exit(0);
