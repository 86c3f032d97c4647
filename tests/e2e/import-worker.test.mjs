// Files are read and stored by a worker, off the page's thread: the page
// answers while a large file imports, shows bytes read of the total, and
// "Cancel" stops it with nothing of that file stored. A worker that dies
// mid-import (a wasm trap) is said, naming the file, and what was stored
// before is kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Viewer } from "./viewer-page.mjs";

/** A native file of `count` traces with 2 KB of input each (~45 MB for
 * 20,000): several of the worker's 8 MB reads. */
function bigFile(count) {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const input = "How do I rotate an API key? ".repeat(75);
  const traces = [];
  for (let i = 0; i < count; i++) {
    traces.push({ id: `big${i}`, name: `big ${i % 7}`, status: "completed", input,
      started_at: new Date(base + i * 1000).toISOString(), ended_at: new Date(base + i * 1000 + 500).toISOString() });
  }
  const path = join(mkdtempSync(join(tmpdir(), "prompttrace-big-")), "big.json");
  writeFileSync(path, JSON.stringify({ format: "prompttrace", version: 1, traces, observations: [] }));
  return path;
}

/** In the import worker: every read of the file waits `ms` first (a slow
 * disk), and the read numbered `dieAt` throws as a wasm trap does. */
function slowReads(ms, dieAt) {
  const read = Blob.prototype.arrayBuffer;
  let reads = 0;
  Blob.prototype.arrayBuffer = function () {
    reads += 1;
    if (reads === dieAt) throw new WebAssembly.RuntimeError("unreachable");
    return new Promise((resolve) => setTimeout(resolve, ms)).then(() => read.call(this));
  };
}

const progressValue = (page) => page.$eval("[data-testid=progress] progress", (bar) => Number(bar.value));

test("a large file imports with its progress shown, the page answering, and Cancel stores nothing of it", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const path = bigFile(20_000);
  try {
    await viewer.goto("?page=traces");
    const before = await viewer.storedKeys("traces");
    const traces = (await viewer.storedKeys("index")).length;
    viewer.inWorker(slowReads, 300, 0);
    await page.setInputFiles("[data-testid=file-input]", path);
    await page.waitForSelector("[data-testid=progress] progress", { timeout: 30_000 });
    assert.match(await page.textContent("[data-testid=progress]"), /Reading big\.json .*%/);
    const first = await progressValue(page);
    // The page answers while the file is read: a filter typed now applies.
    await page.fill("[data-testid=trace-filters] input[aria-label=Name]", "no such trace");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=traces] tbody tr").length === 0, null, { timeout: 2_000 });
    await page.waitForFunction((first) => Number(document.querySelector("[data-testid=progress] progress")?.value) > first,
      first, { timeout: 30_000 });
    await viewer.screenshot("import-progress");
    await page.click("button.theme");
    await viewer.screenshot("import-progress-dark");
    await page.click("[data-testid=cancel-import]");
    await viewer.idle();
    assert.match(await page.textContent("[data-testid=notice]"), /Import cancelled/);
    assert.deepEqual(await viewer.storedKeys("traces"), before, "nothing of the cancelled file is stored");

    // Imported in full, it is stored and listed.
    viewer.inWorker(null);
    await viewer.goto("?page=storage");
    await viewer.loadFiles([path]);
    assert.equal(await viewer.errors(), "");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), String(traces + 20_000).replace(/\B(?=(\d{3})+(?!\d))/g, ","));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
    rmSync(dirname(path), { recursive: true, force: true });
  }
});

test("while a file is saved, the bar says how far IndexedDB has got", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const path = bigFile(20_000);
  try {
    await viewer.goto("?page=traces");
    await page.setInputFiles("[data-testid=file-input]", path);
    // 20,000 records and rows: seconds of IndexedDB's own work.
    // Every value the bar takes while it says "Saving", in the page.
    await page.evaluate(() => {
      window.savingValues = [];
      const note = () => {
        const progress = document.querySelector("[data-testid=progress]");
        if (/Saving big\.json/.test(progress?.textContent ?? "")) window.savingValues.push(Number(progress.querySelector("progress").value));
        if (!window.savingDone) requestAnimationFrame(note);
      };
      note();
    });
    await page.waitForFunction(() => window.savingValues.length > 0, null, { timeout: 60_000 });
    const first = await progressValue(page);
    assert.ok(first > 0 && first < 1, `a part saved, not all: ${first}`);
    await viewer.screenshot("import-saving");
    await page.click("button.theme");
    await viewer.screenshot("import-saving-dark");
    await page.click("button.theme");
    await viewer.idle();
    const values = await page.evaluate(() => { window.savingDone = true; return window.savingValues; });
    const distinct = [...new Set(values)];
    assert.ok(distinct.length >= 3, `the bar moved while saving: ${distinct.join(", ")}`);
    assert.deepEqual(distinct, [...distinct].sort((a, b) => a - b), "and only forward");
    assert.equal(await viewer.errors(), "");
    assert.equal((await viewer.storedKeys("traces")).filter((key) => key.startsWith("big")).length, 20_000);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
    rmSync(dirname(path), { recursive: true, force: true });
  }
});

/** An OTLP file of ~140 MB (over the worker's 128 MB let-go size) whose
 * last two spans are each other's parent. */
function bigCycle() {
  const trace = "0af7651916cd43dd8448eb211c80319c";
  const filler = "q".repeat(7000);
  const span = (id, parent, attributes = []) => JSON.stringify({ traceId: trace, spanId: id, parentSpanId: parent, name: id,
    startTimeUnixNano: "1714564800000000000", endTimeUnixNano: "1714564801000000000", attributes });
  const spans = [];
  for (let i = 0; i < 20_000; i++) {
    spans.push(span((i + 1).toString(16).padStart(16, "0"), "", [{ key: "note", value: { stringValue: filler } }]));
  }
  spans.push(span("b7ad6b7169203331", "00f067aa0ba902b7"), span("00f067aa0ba902b7", "b7ad6b7169203331"));
  const path = join(mkdtempSync(join(tmpdir(), "prompttrace-big-")), "big-cycle.json");
  writeFileSync(path, `{"resourceSpans":[{"scopeSpans":[{"spans":[${spans.join(",")}]}]}]}`);
  return path;
}

test("a file too large to point into names a broken rule by its record, and says why", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const path = bigCycle();
  try {
    await viewer.goto("?page=storage");
    const stored = await viewer.storedKeys("traces");
    await page.setInputFiles("[data-testid=file-input]", path);
    await page.waitForSelector("[data-testid=errors]", { timeout: 60_000 });
    await viewer.idle();
    assert.match(await viewer.errors(),
      /big-cycle\.json: observation "(b7ad6b7169203331|00f067aa0ba902b7)" is its own ancestor: .*\(a file this large is not pointed into: search it for the id\)/);
    assert.deepEqual(await viewer.storedKeys("traces"), stored, "nothing of the file is stored");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
    rmSync(dirname(path), { recursive: true, force: true });
  }
});

test("a worker that dies mid-import is reported, naming the file, and what was stored is kept", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const path = bigFile(20_000);
  try {
    await viewer.goto("?page=storage");
    const stored = await viewer.stored("traces");
    viewer.inWorker(slowReads, 0, 2);
    await page.setInputFiles("[data-testid=file-input]", path);
    await page.waitForSelector("[data-testid=errors]", { timeout: 30_000 });
    assert.match(await viewer.errors(),
      /big\.json: the import stopped \(.*RuntimeError: unreachable\); nothing of this file was stored, and what was stored before is kept/);
    await viewer.idle();
    await viewer.screenshot("import-trap");
    assert.deepEqual(await viewer.stored("traces"), stored, "every stored record as it was");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), String((await viewer.storedKeys("index")).length));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
    rmSync(dirname(path), { recursive: true, force: true });
  }
});

test("a trap while a file is written stores nothing of it, and the file before it in the batch stays stored", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    const stored = await viewer.stored("traces");
    // The second file's rows cannot be made: the worker panics mid-write
    // (its wasm stops on "unreachable"), inside the file's transaction.
    viewer.inWorker(() => {
      const parse = JSON.parse;
      JSON.parse = function (...args) {
        if (String(args[0]).startsWith("[{\"id\":\"second")) throw new SyntaxError("made to fail");
        return parse.apply(this, args);
      };
    });
    const first = { format: "prompttrace", version: 1,
      traces: [{ id: "first", name: "first", status: "completed", started_at: "2024-06-01T00:00:00Z", ended_at: "2024-06-01T00:00:01Z" }] };
    const second = { format: "prompttrace", version: 1,
      traces: [{ id: "second", name: "second", status: "completed", started_at: "2024-06-01T00:01:00Z", ended_at: "2024-06-01T00:01:01Z" }] };
    const third = { format: "prompttrace", version: 1,
      traces: [{ id: "third", name: "third", status: "completed", started_at: "2024-06-01T00:02:00Z", ended_at: "2024-06-01T00:02:01Z" }] };
    await page.evaluate(([files]) => {
      const data = new DataTransfer();
      for (const [name, text] of files) data.items.add(new File([text], name, { type: "application/json" }));
      const target = document.querySelector(".app");
      target.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [[["first.json", JSON.stringify(first)], ["second.json", JSON.stringify(second)], ["third.json", JSON.stringify(third)]]]);
    await page.waitForSelector("[data-testid=errors]", { timeout: 30_000 });
    await viewer.idle();
    assert.match(await viewer.errors(), /second\.json: the import stopped \(.*RuntimeError: unreachable\); nothing of this file was stored/);
    const keys = await viewer.storedKeys("traces");
    assert.deepEqual(keys.filter((k) => !stored.some(([key]) => key === k)).sort(), ["first", "third"],
      "the file before it is stored, the one after it too (in a new worker), and nothing of the one that stopped");
    await viewer.goto("?page=traces");
    const names = (await viewer.traceRows()).map((row) => row[0]);
    assert.ok(names.includes("first") && names.includes("third") && !names.includes("second"), names.join(", "));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a worker whose script cannot load is reported, naming the files, and the page goes on", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    const count = await page.textContent("[data-testid=stored-traces]");
    viewer.worker.missing = true;
    await viewer.dropFile("lost.json", JSON.stringify({ format: "prompttrace", version: 1, traces: [] }), { wait: false });
    await page.waitForSelector("[data-testid=errors]", { timeout: 30_000 });
    await viewer.idle();
    assert.match(await viewer.errors(), /lost\.json: not imported \(the import worker could not start/);
    assert.equal(await page.$("[data-testid=progress]"), null, "no progress bar left behind");
    viewer.worker.missing = false;
    await viewer.dropFile("three.json", JSON.stringify({ format: "prompttrace", version: 1,
      traces: [{ id: "back", name: "back", status: "completed", started_at: "2024-06-01T00:00:00Z", ended_at: "2024-06-01T00:00:01Z" }] }));
    assert.equal(await viewer.errors(), "");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), String(Number(count) + 1));
  } finally {
    await viewer.close();
  }
});

test("a session page keeps every turn when an import adds to one of its traces", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=session&id=chat_123");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=turn]").length === 3, null, { timeout: 30_000 });
    await viewer.dropFile("more.json", JSON.stringify({ format: "prompttrace", version: 1, observations: [
      { id: "late-step", trace_id: "910a2dec-8902-4cc1-beeb-8da1658eec67", type: "tool", name: "late lookup", status: "completed",
        started_at: "2024-05-01T12:00:00.100Z", ended_at: "2024-05-01T12:00:00.150Z" }] }));
    assert.equal(await viewer.errors(), "");
    await page.waitForFunction(() => document.querySelector("[data-testid=conversation]")?.textContent.includes("late lookup"),
      null, { timeout: 10_000 });
    assert.equal(await page.$$eval("[data-testid=turn]", (turns) => turns.length), 3, "every turn is still shown");
  } finally {
    await viewer.close();
  }
});
