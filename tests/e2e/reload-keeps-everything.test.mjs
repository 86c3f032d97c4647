// A reload keeps everything: several files loaded, then a reload shows the
// same traces table and the same tree of a trace, read back from
// IndexedDB's per-trace records (layout v2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const interop = (name) => join(repo, "tests/fixtures/interop", name);
const GENAI_TRACE = "226a79cf62ef3cfdfd444790751c79d7"; // otel-js-genai.json

/** The traces table's rows, in a fixed order (traces that start at the
 * same time may list in either order). */
async function tracesTable(viewer) {
  await viewer.goto("?page=traces");
  await viewer.page.waitForSelector("[data-testid=traces] tbody tr");
  return (await viewer.traceRows()).map((row) => JSON.stringify(row)).sort();
}

async function tree(viewer, id) {
  await viewer.openTrace(id);
  return viewer.page.$$eval("[data-testid=timeline-row]", (rows) =>
    rows.map((r) => [r.getAttribute("aria-level"), r.querySelector(".obs-name").textContent]));
}

test("several files, then a reload: the same traces table and the same tree", async () => {
  const viewer = await Viewer.open();
  try {
    await viewer.goto();
    await viewer.sessionRows(); // the demo's 5 traces, stored
    await viewer.loadFiles([interop("otel-js-genai.json"), interop("ai-sdk-7.json"), interop("otel-py-lines.jsonl")]);
    await viewer.dropFile("langfuse.json", readFileSync(interop("langfuse-trace-download.json"), "utf8"));
    assert.equal(await viewer.errors(), "");
    const table = await tracesTable(viewer);
    const treeBefore = await tree(viewer, GENAI_TRACE);
    assert.ok(table.length > 8, `every file's traces are listed (${table.length})`);
    assert.ok(treeBefore.length > 1, "the trace has a tree");

    // What a later visit reads: the records, one per trace.
    const rows = await viewer.storedKeys("index");
    assert.equal(rows.length, table.length, "one index row per trace");
    assert.deepEqual(await viewer.storedKeys("traces"), ["", ...rows],
      "one record per trace, and one of the LLM calls without a trace");

    await viewer.page.reload();
    assert.deepEqual(await tracesTable(viewer), table, "a reload shows the same traces table");
    assert.deepEqual(await tree(viewer, GENAI_TRACE), treeBefore, "and the same tree");
    assert.equal(await viewer.errors(), "");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
