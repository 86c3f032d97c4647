// A browser tracer whose full core cannot be loaded (its chunk's request
// aborted, as a dropped connection would), in headless Chromium on the Vite
// build of browser/ (phases in browser/failure-phases.mjs): one report, the
// waiting spans dropped and counted, everything else recorded and saved, no
// load started again by itself, and a later explicit call loads it.
// Expects `vite build browser` to have written browser/dist (cargo xtask
// test does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inChromium, phase } from "./chromium.mjs";

const dist = new URL("./browser/dist/", import.meta.url).pathname;
const chunk = "**/assets/full-core-*.js";

/** Aborts the full core's chunk until `allow()`; counts its requests. */
async function failChunk(page) {
  const requests = { aborted: 0, served: 0 };
  const abort = (route) => {
    requests.aborted++;
    return route.abort("connectionfailed");
  };
  await page.route(chunk, abort);
  const allow = async () => {
    await page.unroute(chunk, abort);
    await page.route(chunk, (route) => {
      requests.served++;
      return route.continue();
    });
  };
  return { requests, allow };
}

const loadReports = (problems) => problems.filter((problem) => problem.includes("could not load its full wasm core"));

test("a full core that fails to load: one report with the spans dropped, the rest recorded and saved, a flush loads it again", () =>
  inChromium(dist, async (page, base) => {
    const { requests, allow } = await failChunk(page);
    const { found, problems } = await phase(page, base, "phase=load-fails");
    const [report, ...more] = loadReports(found.afterFlush);
    assert.match(report ?? "", /1 OpenTelemetry spans waiting for it were dropped/, found.afterFlush.join("\n"));
    assert.deepEqual(more, []);
    assert.deepEqual(loadReports(problems), [report], "no report, and no new load, after the failure");
    assert.deepEqual(found.afterFlush, [report], "the trace and its tracked call were recorded without problems");
    assert.equal(requests.aborted, 1, "one request for the chunk until an explicit call");
    assert.equal(found.output, "Hello, Ada!");
    assert.deepEqual(found.steps, ["greet"], "the tracked call's generation is in its trace");
    assert.deepEqual(found.names, ["after the span"], "what was recorded after the later span waits behind it");
    assert.deepEqual(found.stored, ["after the span"], "flush saved what was recorded");

    await allow();
    const retried = await page.evaluate(() => window.retry());
    assert.equal(requests.served, 1, "the flush loaded the full core again");
    assert.deepEqual(retried.names, ["after the span", "later", "waiting span"], "the span that waited is recorded");
    assert.deepEqual(loadReports(retried.problems), [report]);
  }));

test("after a failed load, the tracer retries by itself 5 s later: the waiting span is recorded, with what waited behind it", () =>
  inChromium(dist, async (page, base) => {
    const { requests, allow } = await failChunk(page);
    const { found } = await phase(page, base, "phase=load-fails");
    assert.deepEqual(found.names, ["after the span"], "what was recorded after the later span waits behind it");
    await allow();
    // The retry comes 5 s after the failure; then the chunk loads and the core moves.
    await page.waitForFunction(() => window.namesNow().includes("waiting span"), null, { timeout: 20_000 });
    const later = await page.evaluate(() => window.state());
    assert.equal(requests.served, 1, "loaded by the retry, with no explicit call");
    assert.deepEqual(later.names, ["after the span", "later", "waiting span"]);
    assert.equal(loadReports(later.problems).length, 1, "only the first failure was reported");
  }));

test("after a failed load, a retry that fails too drops the waiting span and records what waited behind it", () =>
  inChromium(dist, async (page, base) => {
    const { requests } = await failChunk(page);
    const { found } = await phase(page, base, "phase=load-fails");
    assert.deepEqual(found.names, ["after the span"]);
    await page.waitForFunction(() => window.namesNow().includes("later"), null, { timeout: 20_000 });
    const later = await page.evaluate(() => window.state());
    assert.equal(requests.aborted, 2, "one retry, 5 s after the failure");
    assert.deepEqual(later.names, ["after the span", "later"], "recorded without waiting for a flush");
    assert.deepEqual(later.stored, ["after the span"], "saved at the next flush, as always");
    const reports = loadReports(later.problems);
    assert.equal(reports.length, 1, `the first failure said later spans are dropped: ${reports.join("\n")}`);
  }));

test("while the full core's chunk is still loading, flush() saves what was recorded before it waits", () =>
  inChromium(dist, async (page, base) => {
    let asked = 0;
    await page.route(chunk, () => {
      asked++; // never answered: a download that takes forever
    });
    const { found } = await phase(page, base, "phase=load-hangs");
    assert.equal(asked, 1);
    assert.deepEqual(found.stored, ["before the span"], "saved though the load never ends");
    assert.deepEqual(found.problems, []);
  }));

test("an exporter that starts before the full core is loaded sends what ended meanwhile, though it was saved and memory holds no trace", () =>
  inChromium(dist, async (page, base, errors, posts) => {
    let release;
    const loaded = new Promise((resolve) => (release = resolve));
    await page.route(chunk, async (route) => {
      await loaded; // the chunk arrives only once the trace has ended and been saved
      await route.continue();
    });
    const { found } = await phase(page, base, "phase=exporter-waits");
    assert.deepEqual(found.problems, []);
    release();
    const { sent, problems } = await page.evaluate(() => window.resume());
    assert.deepEqual(problems, []);
    assert.deepEqual(sent, { batches: 1, failed: 0 });
    const names = posts.flatMap((post) => JSON.parse(post.body).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))));
    assert.deepEqual(names, ["ended while loading"], "sent once; what ended before exportTo() is not new");
    assert.deepEqual(errors, []);
  }));

test("an exporter whose full core fails to load lets traces leave memory (maxTracesInMemory) as without it", () =>
  inChromium(dist, async (page, base) => {
    await failChunk(page);
    const { found } = await phase(page, base, "phase=exporter-fails-evicts");
    const [report, ...more] = loadReports(found.reports);
    assert.match(report ?? "", /traces that leave memory meanwhile \(maxTracesInMemory\) are not sent/, found.reports.join("\n"));
    assert.deepEqual(more, []);
    // Which two stay is the oldest-first rule's (traces started in one millisecond tie).
    assert.equal(found.inMemory.length, 2, `saved traces beyond the bound left memory: ${found.inMemory.join(", ")}`);
  }));

test("an exporter whose full core fails to load reports once, and a later take loads it and sends", () =>
  inChromium(dist, async (page, base, errors, posts) => {
    const { requests, allow } = await failChunk(page);
    const { found } = await phase(page, base, "phase=exporter-fails");
    assert.equal(loadReports(found.reports).length, 1, found.reports.join("\n"));
    // Taking every 20 ms, the exporter backs off: one failed fetch, not one per take.
    assert.equal(requests.aborted, 1, "the chunk was fetched once, then the exporter backed off");

    await allow();
    const { sent, problems } = await page.evaluate(() => window.resume());
    assert.deepEqual(sent, { batches: 1, failed: 0 });
    assert.equal(loadReports(problems).length, 1);
    assert.equal(JSON.parse(posts[0].body).resourceSpans[0].scopeSpans[0].spans[0].name, "sent later");
    assert.deepEqual(errors, []);
  }));

test("an OpenAI call waits for the full core; when it cannot load, the app gets its reply and the call is recorded and saved without what it said", () =>
  inChromium(dist, async (page, base) => {
    const { requests, allow } = await failChunk(page);
    const { found } = await phase(page, base, "phase=openai-load-fails");
    assert.ok(found.reply, "the app got the client's own reply object");
    assert.equal(requests.aborted, 1, "observeOpenAI started the full core's load");
    assert.deepEqual(found.trace, {
      name: "OpenAI.chat",
      status: "completed",
      tree: [["OpenAI.chat", "generation", "completed", null]],
    }, "the call and the trace started for it ended with it, without the answering model");
    assert.deepEqual(found.stored, ["OpenAI.chat"], "flush saved it");
    const all = found.problems.join("\n");
    const [report, ...moreReports] = loadReports(found.problems);
    assert.match(report ?? "", /; what waited for it is recorded without what only it reads$/, all);
    assert.deepEqual(moreReports, [], all);
    const unread = found.problems.filter((problem) => problem.includes("OpenAI call"));
    assert.equal(unread.length, 1, `one report of the call: ${all}`);
    assert.match(unread[0], /^observation "[0-9a-f]{16}": recorded without what the OpenAI call sent and answered \(reading it needs the full wasm core, which could not be loaded\)$/);
    assert.equal(found.problems.length, 2, all);

    await allow();
    const retried = await page.evaluate(() => window.retry());
    assert.equal(requests.served, 1, "after a flush, the next OpenAI call loads the full core again");
    assert.deepEqual(retried.models.sort(), ["gpt-4o-mini-2024-07-18", null], "the next call is read by the full core");
    assert.deepEqual(retried.stored, ["OpenAI.chat", "OpenAI.chat"]);
    assert.equal(retried.problems.length, 2, retried.problems.join("\n"));
  }));

test("a summary whose full core cannot load is empty and reported once; the next summary after the failure loads it", () =>
  inChromium(dist, async (page, base) => {
    const { requests, allow } = await failChunk(page);
    const { found } = await phase(page, base, "phase=summary-load-fails");
    const empty = { traces: [], sessions: [], generations_without_trace: 0 };
    assert.deepEqual([found.first, found.second], [empty, empty]);
    assert.deepEqual(found.recorded, ["summarized"], "the trace is recorded all the same");
    assert.equal(requests.aborted, 2, "each summary tried the load");
    assert.equal(found.problems.length, 1, found.problems.join("\n"));
    assert.match(found.problems[0], /^the summary is empty: prompttrace could not load its full wasm core/);

    await allow();
    const retried = await page.evaluate(() => window.retry());
    assert.equal(requests.served, 1);
    assert.deepEqual(retried.names, ["summarized"]);
    assert.deepEqual(retried.problems, found.problems, "no report once it loads");
  }));
