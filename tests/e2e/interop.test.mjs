// OpenTelemetry and Langfuse files in the viewer: real SDK output loads by
// the picker like our own files, a bad OTLP file is refused with its place,
// and a trace exports as OTLP/JSON that the viewer reads back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const interop = (name) => join(repo, "tests/fixtures/interop", name);

test("OTLP and Langfuse files load, and a trace exports as OTLP", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await page.click("[data-testid=clear]");
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "0");

    await viewer.loadFiles([interop("otel-py-lines.jsonl"), interop("langfuse-api-trace.json")]);
    assert.equal(await viewer.errors(), "");
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "3");

    await viewer.loadFiles([join(repo, "tests/bad-files/otlp-span-id-wrong-length.json")]);
    assert.match(await viewer.errors(), /otlp-span-id-wrong-length\.json:22:34: at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.spanId: the span id "7hmbfsPB" is not 8 bytes/);
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "3", "nothing changed");

    // The Langfuse trace, as its own tree with the figures Langfuse shows.
    await viewer.goto("?page=trace&id=bef54bced683e14c1de2ce5d3cb8bc9c");
    await page.waitForSelector("[data-testid=trace-header]");
    assert.equal(await page.textContent("[data-testid=trace-tokens]"), "488");
    const names = await page.$$eval("[data-testid=timeline-row] .obs-name", (n) => n.map((e) => e.textContent));
    assert.deepEqual(names.slice(0, 3), ["handle-support-request", "billing-agent", "embed-query"]);

    // A trace split over three OTLP lines is one tree.
    await viewer.goto("?page=trace&id=d8dfbd997d43fe84e6cac7210a4c8e4e");
    await page.waitForSelector("[data-testid=trace-header]");
    assert.equal(await page.textContent("[data-testid=trace-tokens]"), "2,163");
    await viewer.screenshot("otlp-trace");

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=export-trace-otlp]")]);
    assert.equal(download.suggestedFilename(), "trace-d8dfbd997d43fe84e6cac7210a4c8e4e.otlp.json");
    const text = readFileSync(await download.path(), "utf8");
    const spans = JSON.parse(text).resourceSpans[0].scopeSpans[0].spans;
    assert.equal(spans.length, 11, "the trace's own span and its 10 observations");
    assert.ok(spans.every((s) => /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId)));

    // What the viewer exports, it reads back unchanged.
    await viewer.dropFile("exported.otlp.json", text);
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "3");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
