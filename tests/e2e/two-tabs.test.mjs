// Two tabs importing at once lose nothing: each writes only the traces its
// import changed, and a trace both files bring is merged with what the
// other tab stored, never written over.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

const at = (s) => `2024-06-01T00:00:0${s}Z`;
const SHARED = { id: "shared", name: "shared", status: "completed", started_at: at(0), ended_at: at(9) };

/** A JSON Lines file with a trace of its own, and one span of the shared trace. */
function file(tab) {
  return [
    { format: "prompttrace", version: 1 },
    { trace: { id: `only-${tab}`, name: `only in file ${tab}`, status: "completed", started_at: at(1), ended_at: at(2) } },
    { trace: SHARED },
    { observation: { id: `span-${tab}`, trace_id: "shared", name: `from file ${tab}`, type: "span", status: "completed",
      started_at: at(tab === "a" ? 1 : 2), ended_at: at(3) } },
  ].map((line) => JSON.stringify(line)).join("\n") + "\n";
}

test("two tabs each drop a file at once; after a reload both files' traces are there", async () => {
  const first = await Viewer.open();
  let second;
  try {
    await first.goto();
    await first.sessionRows(); // the demo's 5 traces, stored
    second = await first.newTab();
    await second.goto();
    await second.sessionRows();

    await Promise.all([first.dropFile("a.jsonl", file("a"), { wait: false }), second.dropFile("b.jsonl", file("b"), { wait: false })]);
    await first.page.waitForTimeout(100);
    await Promise.all([first.idle(), second.idle()]);
    assert.equal(await first.errors(), "");
    assert.equal(await second.errors(), "");

    await first.page.reload();
    assert.equal(await first.storedTraces(), "8", "the demo's 5, only-a, only-b and shared");
    await first.openTrace("shared");
    const rows = await first.page.$$eval("[data-testid=timeline-row] .obs-name", (names) => names.map((n) => n.textContent));
    assert.deepEqual(rows, ["from file a", "from file b"], "the shared trace has both files' spans");
    assert.deepEqual(first.pageErrors, []);
    assert.deepEqual(second.pageErrors, []);
  } finally {
    await second?.closeTab();
    await first.close();
  }
});
