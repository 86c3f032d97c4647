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

test("a Vercel AI SDK file shows its session, steps as generations and cached and reasoning tokens", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles([interop("ai-sdk-6.json")]);
    assert.equal(await viewer.errors(), "");
    const expected = JSON.parse(readFileSync(interop("expected/ai-sdk-6.json"), "utf8"));
    const trace = expected.traces[0];
    const call = expected.observations.find((o) => o.trace_id === trace.id && o.type === "generation");
    await viewer.openTrace(trace.id, call.id);
    assert.equal(await page.textContent("[data-testid=trace-session]"), "sess-ai-1");
    assert.equal(await viewer.waitForDetail("chat-support:ai.generateText.doGenerate"), "chat-support:ai.generateText.doGenerate");
    assert.equal(await page.textContent("[data-testid=detail-tokens]"), "470 (156 in, 26 out)");
    assert.equal(await page.textContent("[data-testid=detail-token-details]"), "256 input_cached_tokens, 32 output_reasoning_tokens");
    const types = await page.$$eval("[data-testid=timeline-row]", (rows) => rows.map((r) => r.querySelector(".type")?.textContent));
    assert.equal(types.filter((t) => t === "generation").length, 3, types.join());
    assert.equal(await page.textContent("[data-testid=trace-user]"), "user-7");
    await viewer.screenshot("ai-sdk-trace");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
