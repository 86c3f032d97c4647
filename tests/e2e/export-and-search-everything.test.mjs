// "Export" and content search over everything stored run in a worker, a
// page of stored records at a time (web/src/whole): the exported file holds
// every stored trace and reads back as the same traces (checked with the
// CLI's summary of the SDK files themselves); a stored record that cannot
// be read is named and left out, and the rest is still exported and found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const dir = join(repo, "tests/fixtures/interop");
const files = readdirSync(dir).filter((f) => /\.jsonl?$/.test(f)).map((f) => join(dir, f));
const cli = join(repo, "target/debug/prompttrace");

/** The CLI's summary of `paths`: each trace's figures, by id (costs to
 * 1e-12 USD: a sum's last bit depends on the order it was added in). */
function traces(paths) {
  const text = execFileSync(cli, ["summary", "--json", ...paths], { encoding: "utf8", maxBuffer: 64 << 20 });
  const { traces } = JSON.parse(text, (_, value) => (typeof value === "number" && !Number.isInteger(value) ? Number(value.toFixed(12)) : value));
  return traces.map(({ id, name, observation_count, llm_call_count, error_count, tokens, cost, duration_ms, session_id }) =>
    ({ id, name, observation_count, llm_call_count, error_count, tokens, cost, duration_ms, session_id }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function exported(viewer, testid) {
  const [download] = await Promise.all([
    viewer.page.waitForEvent("download", { timeout: 60_000 }),
    viewer.page.click(testid ? `[data-testid=${testid}]` : "button >> text=/^Export$/"),
  ]);
  return { name: download.suggestedFilename(), path: await download.path() };
}

test("Export writes every stored trace, in JSON Lines or OTLP, and the file reads back as the SDK files did", async () => {
  const viewer = await Viewer.open();
  try {
    await viewer.clearStorage(); // a first visit shows the demo traces
    await viewer.loadFiles(files);
    assert.equal(await viewer.errors(), "");
    const want = traces(files);
    assert.ok(want.length >= 10, `${want.length} traces in the fixtures`);
    // A fresh tab: nothing opened in the page, everything comes from storage.
    await viewer.goto("?page=traces");

    const lines = await exported(viewer);
    assert.equal(lines.name, "prompttrace.jsonl");
    assert.match(readFileSync(lines.path, "utf8").split("\n")[0], /"format":"prompttrace"/);
    assert.deepEqual(traces([lines.path]), want);

    const otlp = await exported(viewer, "export-otlp");
    assert.equal(otlp.name, "prompttrace.otlp.json");
    assert.ok(JSON.parse(readFileSync(otlp.path, "utf8")).resourceSpans.length >= 1);
    // OTLP carries every field back (core's interop round trip), ids included.
    assert.deepEqual(traces([otlp.path]).map((t) => [t.id, t.observation_count, t.tokens]), want.map((t) => [t.id, t.observation_count, t.tokens]));
    assert.equal(await viewer.errors(), "");
  } finally {
    await viewer.close();
  }
});

test("a stored record that cannot be read is named, left as it is, and the rest is exported and searched", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage();
    const two = [join(dir, "ai-sdk-6.json"), join(dir, "otel-js-genai.json")];
    await viewer.loadFiles(two);
    assert.equal(await viewer.errors(), "");
    // Another program's value under a trace key, and a record of broken JSON.
    await page.evaluate(() => new Promise((resolve, reject) => {
      const request = indexedDB.open("prompttrace");
      request.onsuccess = () => {
        const transaction = request.result.transaction("traces", "readwrite");
        transaction.objectStore("traces").put({ not: "text" }, "00-not-text");
        transaction.objectStore("traces").put('{"format":"prompttrace","version":1}\n{"trace": oops}\n{"trace": {}}\n', "01-broken");
        transaction.oncomplete = () => { request.result.close(); resolve(); };
        transaction.onerror = () => reject(transaction.error);
      };
    }));
    await viewer.goto("?page=traces");
    const { path } = await exported(viewer);
    assert.deepEqual(traces([path]), traces(two));
    const errors = await viewer.errors();
    assert.match(errors, /stored trace 00-not-text: the record is not text; it is left as it is/);
    assert.match(errors, /stored trace 01-broken/);
    // Still stored as they were.
    assert.deepEqual((await viewer.storedKeys()).filter((k) => k.startsWith("0")), ["00-not-text", "01-broken"]);

    // Content search goes through the same pages of records.
    await viewer.goto("?page=traces");
    await page.fill("[data-testid=content-search]", "IN_TRANSIT");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=traces] tbody tr").length === 1);
    assert.match(await viewer.errors(), /00-not-text/);
  } finally {
    await viewer.close();
  }
});

test("a trace this tab holds in place of its stored copy (an opened share) is exported and searched as the tab holds it, once", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const langfuse = join(dir, "langfuse-api-trace.json");
  const id = "bef54bced683e14c1de2ce5d3cb8bc9c";
  const content = "charged twice"; // in its input and an answer
  try {
    await viewer.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: viewer.base });
    await viewer.clearStorage();
    await viewer.loadFiles([langfuse, join(dir, "ai-sdk-6.json")]);
    await viewer.openTrace(id);
    await page.click("[data-testid=share]");
    await page.setChecked("[data-testid=share-drop-content]", true);
    await page.click("[data-testid=share-copy-link]");
    await page.waitForSelector("[data-testid=share-link]");
    const link = await page.inputValue("[data-testid=share-link]");
    // Opened here: the tab holds the shared copy, without its content,
    // while the stored copy keeps it.
    await page.goto(viewer.base + link.slice(link.indexOf("#")));
    await page.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
    await page.click("nav >> text=Traces");
    await page.waitForSelector("[data-testid=traces]");

    const { path } = await exported(viewer);
    const lines = readFileSync(path, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
    const ids = lines.filter((line) => line.trace).map((line) => line.trace.id);
    assert.equal(ids.filter((t) => t === id).length, 1, "the trace once");
    assert.deepEqual([...ids].sort(), traces([langfuse, join(dir, "ai-sdk-6.json")]).map((t) => t.id).sort());
    assert.ok(!readFileSync(path, "utf8").includes(content), "the tab's copy, without the content");

    // The worker says in the console when it has searched every record.
    const searched = page.waitForEvent("console", { predicate: (m) => m.text().startsWith("prompttrace search:"), timeout: 30_000 });
    await page.fill("[data-testid=content-search]", content);
    await searched;
    await page.waitForFunction(() => !document.querySelector("[data-testid=progress]"));
    assert.equal((await viewer.traceRows()).length, 0, "the stored copy is not searched in its place");
    assert.equal(await viewer.errors(), "");
  } finally {
    await viewer.close();
  }
});

test("a content search shows its progress while the worker reads the stored records", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage();
    await viewer.loadFiles(files);
    // In the job's worker: its answer comes 2 s late, so the bar is seen.
    viewer.inWorker(() => {
      const post = self.postMessage.bind(self);
      self.postMessage = (message) => {
        if (message?.kind === "found") setTimeout(() => post(message), 2_000);
        else post(message);
      };
    });
    await viewer.goto("?page=traces");
    await page.fill("[data-testid=content-search]", "IN_TRANSIT");
    await page.waitForFunction(() => /Searching every stored trace/.test(document.querySelector("[data-testid=progress]")?.textContent ?? ""));
    assert.match(await page.textContent("[data-testid=searching]"), /Searching every stored trace/);
    await viewer.screenshot("search-progress");
    await viewer.toggleTheme();
    await viewer.screenshot("search-progress-dark");
    await viewer.toggleTheme();
    await page.waitForFunction(() => !document.querySelector("[data-testid=progress], [data-testid=searching]"), null, { timeout: 30_000 });
    // The AI SDK 6 files' runs, where a tool answered IN_TRANSIT.
    assert.ok((await viewer.traceRows()).length >= 1);
    assert.equal(await viewer.errors(), "");
  } finally {
    await viewer.close();
  }
});
