// The split core in a real browser: the record-only page (record-only/,
// built by Vite) records into IndexedDB with only the start-up chunk; the
// full core's chunk is requested when the first API that needs it runs
// (`summary()`; on a new page `Tracer.load`, which reads stored records),
// once, and not before; an
// exporter started at once sends when it is there. Expects `vite build
// record-only --manifest` to have written record-only/dist (cargo xtask
// test does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inChromium, phase } from "./chromium.mjs";

const dist = new URL("./record-only/dist/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL(".vite/manifest.json", dist), "utf8"));
/** The chunks only a dynamic import reaches: the full core's, the exporter's, localStorage's saves. */
const dynamicEntries = Object.values(manifest)
  .filter((chunk) => chunk.isDynamicEntry)
  .map((chunk) => chunk.file);
/** The full core's chunk. */
const lazyFiles = dynamicEntries.filter((file) => /full-core/.test(file));

test("a record-only page records, persists, reloads and exports, and fetches the full core only on first use", () =>
  inChromium(dist.pathname, async (page, base, errors) => {
    assert.ok(lazyFiles.length > 0, "Vite emitted the full core as a chunk of its own");
    const requested = [];
    page.on("request", (request) => requested.push(new URL(request.url()).pathname.slice(1)));
    const lazyRequested = () => requested.filter((path) => lazyFiles.includes(path));
    const dynamicRequested = () => requested.filter((path) => dynamicEntries.includes(path));

    const recorded = await phase(page, base, "phase=record");
    assert.deepEqual(recorded.problems, []);
    assert.deepEqual(recorded.exported.traces.map((t) => t.name), ["support_chat"]);
    assert.deepEqual(recorded.exported.observations.map((o) => o.name).sort(), ["answer", "follow_up", "search_orders"]);
    assert.deepEqual(dynamicRequested(), [], "recording, track, the native export and saving to IndexedDB need nothing loaded later");

    const { summary, problems } = await page.evaluate(() => window.summarize());
    assert.deepEqual(problems, []);
    assert.deepEqual(lazyRequested(), lazyFiles, "the summary fetched the full core, once");
    const [trace] = summary.traces;
    assert.equal(trace.name, "support_chat");
    // Sorted: steps started in one tick of a browser's coarse clock are ordered by their random ids.
    assert.deepEqual(trace.tree.map((n) => `${n.name} ${n.type}`).sort(), ["answer generation", "follow_up generation", "search_orders retriever"]);
    assert.deepEqual(trace.tokens, { input: 18, output: 9, total: 27 });

    requested.length = 0;
    const reloaded = await phase(page, base, "phase=reload");
    assert.deepEqual(reloaded.summary, summary, "Tracer.load reads back what was flushed");
    assert.deepEqual(reloaded.exported.observations.map((o) => o.name).sort(), ["answer", "follow_up", "search_orders"]);
    assert.deepEqual(lazyRequested(), lazyFiles, "reading stored records back fetched the full core, once");

    const lazy = await page.evaluate(() => window.lazy());
    assert.deepEqual(lazyRequested(), lazyFiles, "OTLP needed no second fetch");
    assert.equal(lazy.spans, 4, "the trace and its three observations as OTLP spans");
    assert.deepEqual(lazy.names, ["support_chat"], "the OTLP file imports back (the full core's reader)");
    assert.deepEqual(lazy.problems, []);
    assert.deepEqual(errors, []);
  }));

test("an OTLP exporter in a browser sends once the full core is loaded", () =>
  inChromium(dist.pathname, async (page, base, errors, posts) => {
    const { sent, problems } = await phase(page, base, "phase=send");
    assert.deepEqual(problems, []);
    assert.deepEqual(sent, { batches: 1, failed: 0 });
    assert.deepEqual(posts.map((post) => post.path), ["/v1/traces"]);
    const [span] = JSON.parse(posts[0].body).resourceSpans[0].scopeSpans[0].spans;
    assert.equal(span.name, "sent_trace");
    assert.deepEqual(errors, []);
  }));
