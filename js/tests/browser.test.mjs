// The package in a real browser: a Vite production build of a page that
// imports it, served over HTTP to headless Chromium, records a trace (and
// two calls of the real `openai` client through observeOpenAI) into
// IndexedDB; after a reload the traces are read back. The framework examples
// run there too. Expects `vite build` to have written browser/dist (cargo
// xtask test does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { inChromium as inChromiumAt, phase } from "./chromium.mjs";
import { exampleChecks } from "./example-checks.mjs";

const dist = new URL("./browser/dist/", import.meta.url).pathname;

/** Runs `fn(page, base, errors)` in headless Chromium on the built page. */
const inChromium = (fn) => inChromiumAt(dist, fn);

test("a Vite build records into IndexedDB and reads it back after a reload", () =>
  inChromium(async (page, base, errors) => {
    await page.goto(`${base}?phase=record`);
    await page.waitForFunction(() => window.result, null, { timeout: 20_000 });
    const recorded = await page.evaluate(() => window.result);
    assert.equal(recorded.error, undefined, recorded.error);
    assert.deepEqual(recorded.problems, []);
    const [trace] = recorded.summary.traces;
    assert.equal(trace.name, "browser_chat");
    assert.equal(trace.status, "completed");
    // Steps started in one clock tick are ordered by their random ids: compared sorted.
    const steps = trace.tree.map((n) => [n.name, n.type]).sort(([a], [b]) => a.localeCompare(b));
    assert.deepEqual(steps, [["greet", "generation"], ["outer", "span"], ["search", "retriever"]]);
    const outer = trace.tree.find((n) => n.name === "outer");
    assert.equal(outer?.children[0]?.name, "inner", "sync nesting follows the call stack");
    assert.deepEqual(trace.tokens, { input: 3, output: 2, total: 5 });
    const openai = recorded.summary.traces[1];
    assert.equal(openai.name, "browser_openai", "observeOpenAI records the real openai client");
    assert.deepEqual(openai.tree.map((n) => [n.name, n.type, n.status, n.model]), [
      ["OpenAI.chat", "generation", "completed", "gpt-4o-mini-2024-07-18"],
      ["OpenAI.chat", "generation", "completed", "gpt-4o-mini-2024-07-18"],
    ]);
    assert.deepEqual(openai.tokens, { input: 16, output: 4, total: 20 });
    assert.ok(openai.cost.total > 0);

    await page.goto(`${base}?phase=read`);
    await page.waitForFunction(() => window.result, null, { timeout: 20_000 });
    const restored = await page.evaluate(() => window.result);
    assert.deepEqual(restored.problems, []);
    assert.deepEqual(restored.summary, recorded.summary);
    assert.deepEqual(errors, []);
  }));

// The framework examples, bundled by Vite with the real framework packages
// and run in the browser: the same checks as in Node.
for (const [name, check] of Object.entries(exampleChecks)) {
  test(`in Chromium, the ${name} example records the right names, types, session, messages and tokens`, () =>
    inChromium(async (page, base, errors) => {
      await page.goto(`${base}?phase=example&name=${name}`);
      await page.waitForFunction(() => window.result, null, { timeout: 20_000 });
      const { file, error } = await page.evaluate(() => window.result);
      assert.equal(error, undefined, error);
      check(JSON.parse(file));
      assert.deepEqual(errors, []);
    }));
}

test("openViewer shows the viewer in the app's page, on what the tracer stored, and follows each flush", () =>
  inChromium(async (page, base, errors) => {
    await page.goto(`${base}?phase=viewer`);
    await page.waitForFunction(() => window.result, null, { timeout: 30_000 });
    const { error, problems, loadedBefore, viewerUrl } = await page.evaluate(() => window.result);
    assert.equal(error, undefined, error);
    assert.deepEqual(problems, []);
    assert.deepEqual(loadedBefore.filter((url) => /prompttrace-web|embed|import-worker/.test(url)), [], "nothing of the viewer loads before openViewer");
    assert.ok(viewerUrl.startsWith(base), `the viewer runs on the app's origin (${viewerUrl})`);
    const viewer = page.frameLocator("iframe[title='prompttrace viewer']");
    await viewer.getByRole("link", { name: "Traces", exact: true }).click();
    await viewer.locator("[data-testid=traces] a", { hasText: "embedded-first" }).waitFor({ timeout: 20_000 });
    await page.evaluate(() => window.recordMore("embedded-second"));
    await viewer.locator("[data-testid=traces] a", { hasText: "embedded-second" }).waitFor({ timeout: 10_000 });
    // The session page reads the records themselves from the same database.
    await viewer.getByRole("link", { name: "app-session" }).first().click();
    await viewer.getByText("embedded-second").first().waitFor();
    const shots = join(process.env.PROMPTTRACE_FIXTURES, "../../test-output/screenshots");
    mkdirSync(shots, { recursive: true });
    await page.locator("#viewer").screenshot({ path: join(shots, "open-viewer.png") });
    assert.deepEqual(errors, []);
  }));

test("openViewer from a click opens the viewer in a new window on the app's origin, and it follows each flush", () =>
  inChromium(async (page, base, errors) => {
    await page.goto(`${base}?phase=viewer-window`);
    await page.waitForFunction(() => window.result, null, { timeout: 30_000 });
    const { error, problems } = await page.evaluate(() => window.result);
    assert.equal(error, undefined, error);
    assert.deepEqual(problems, []);
    const [viewer] = await Promise.all([page.context().waitForEvent("page"), page.click("#open-viewer")]);
    await page.waitForFunction(() => window.opened, null, { timeout: 30_000 });
    const opened = await page.evaluate(() => window.opened);
    assert.ok(opened.startsWith(base), `the viewer runs on the app's origin (${opened})`);
    const viewerErrors = [];
    viewer.on("pageerror", (e) => viewerErrors.push(e.message));
    await viewer.getByRole("link", { name: "Traces", exact: true }).click();
    await viewer.locator("[data-testid=traces] a", { hasText: "window-first" }).waitFor({ timeout: 20_000 });
    await page.evaluate(() => window.recordMore("window-second"));
    await viewer.locator("[data-testid=traces] a", { hasText: "window-second" }).waitFor({ timeout: 10_000 });
    assert.deepEqual([...errors, ...viewerErrors], []);
  }));

/** The requests for the full core's chunk the page makes from now on. */
function fullCoreRequests(page) {
  const requests = [];
  page.on("request", (request) => {
    if (/\/assets\/full-core-[^/]*\.js$/.test(new URL(request.url()).pathname)) requests.push(request.url());
  });
  return requests;
}

test("a tracer that continues a stored trace merges with it, loading the full core only then", () =>
  inChromium(async (page, base, errors) => {
    const fullCore = fullCoreRequests(page);
    assert.deepEqual((await phase(page, base, "phase=resume&step=1")).problems, []);
    assert.equal(fullCore.length, 0, "a new trace is saved by the record-only core");
    assert.deepEqual((await phase(page, base, "phase=resume&step=2")).problems, []);
    assert.equal(fullCore.length, 1, "merging with the stored record loaded the full core");
    const { found, problems } = await phase(page, base, "phase=layout");
    assert.deepEqual(problems, []);
    assert.deepEqual(found.traceKeys, ["resumed"]);
    const [row] = found.rows;
    assert.deepEqual([row.name, row.status, row.observation_count], ["chat", "completed", 2], "both steps, in one record");
    assert.deepEqual(errors, []);
  }));

test("a merged trace's index row is costed with the tracer's own prices", () =>
  inChromium(async (page, base, errors) => {
    assert.deepEqual((await phase(page, base, "phase=priced&step=1")).problems, []);
    assert.deepEqual((await phase(page, base, "phase=priced&step=2")).problems, []);
    const { found } = await phase(page, base, "phase=layout");
    const [row] = found.rows;
    assert.deepEqual([row.name, row.llm_call_count, row.models], ["chat", 2, ["house-model"]]);
    assert.ok(Math.abs(row.cost - 2) < 1e-9, `two calls at $1 each, not the built-in prices' ${row.cost}`);
    assert.deepEqual(errors, []);
  }));

test("a tracer that saves a trace twice needs no full core: the stored record is the one it wrote", () =>
  inChromium(async (page, base, errors) => {
    const fullCore = fullCoreRequests(page);
    assert.deepEqual((await phase(page, base, "phase=two-flushes")).problems, []);
    assert.equal(fullCore.length, 0);
    const { found } = await phase(page, base, "phase=layout");
    assert.deepEqual(found.rows.map((row) => [row.name, row.status, row.observation_count]), [["chat", "completed", 2]]);
    assert.deepEqual(errors, []);
  }));

test("a merge that waits for a full core that fails to load keeps the trace in memory, and a later flush merges it", () =>
  inChromium(async (page, base, errors) => {
    assert.deepEqual((await phase(page, base, "phase=resume&step=1")).problems, []);
    const chunk = "**/assets/full-core-*.js";
    const abort = (route) => route.abort("connectionfailed");
    await page.route(chunk, abort);
    const { problems } = await phase(page, base, "phase=resume&step=2");
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /can only be merged by the full wasm core, which could not be loaded/);
    await page.unroute(chunk, abort);
    assert.deepEqual(await page.evaluate(() => window.flushAgain()), { inMemory: 1 });
    const { found } = await phase(page, base, "phase=layout");
    assert.deepEqual(found.rows.map((row) => [row.name, row.status, row.observation_count]), [["chat", "completed", 2]]);
    assert.deepEqual(errors, []);
  }));

test("two tracers in sequence on the same IndexedDB keep both, in the viewer's layout v2", () =>
  inChromium(async (page, base, errors) => {
    assert.deepEqual((await phase(page, base, "phase=tracer&name=first")).problems, []);
    assert.deepEqual((await phase(page, base, "phase=tracer&name=second")).problems, []);
    const { found, problems } = await phase(page, base, "phase=layout");
    assert.deepEqual(problems, []);
    assert.equal(found.version, 2);
    assert.deepEqual(found.stores.sort(), ["index", "meta", "traces"]);
    assert.equal(found.layout, 2);
    assert.deepEqual(found.indexes.sort(), [["by_session", "session_id"], ["by_start", "started_at"]]);
    assert.equal(found.traceKeys.length, 2);
    assert.deepEqual(found.bySession.sort(), [...found.traceKeys].sort(), "rows are indexed by session");
    const rows = found.rows.sort((a, b) => a.started_at - b.started_at);
    assert.deepEqual(rows.map((r) => [r.name, r.status, r.session_id, r.user_id, r.observation_count, r.llm_call_count, r.models, r.tokens.total]), [
      ["first", "completed", "tab", null, 1, 1, ["gpt-4o-mini"], 4],
      ["second", "completed", "tab", null, 1, 1, ["gpt-4o-mini"], 4],
    ]);
    assert.ok(rows.every((r) => typeof r.started_at === "number" && r.ended_at >= r.started_at && r.cost > 0));
    assert.deepEqual(found.loaded.sort(), [["first", "completed", 1], ["second", "completed", 1]]);
    assert.deepEqual(errors, []);
  }));

test("the package's IndexedDB layout v1 is migrated on first open", () =>
  inChromium(async (page, base, errors) => {
    await phase(page, base, "phase=seed-v1&text=traces");
    assert.deepEqual((await phase(page, base, "phase=tracer&name=new")).problems, []);
    const { found, problems } = await phase(page, base, "phase=layout");
    assert.deepEqual(problems, []);
    assert.equal(found.version, 2);
    assert.deepEqual(found.v1Files, [], "v1's files are emptied by the migration");
    assert.deepEqual(found.loaded.map(([name]) => name).sort(), ["new", "v1-a", "v1-b"]);
    assert.deepEqual(found.rows.map((r) => r.name).sort(), ["new", "v1-a", "v1-b"]);
    assert.deepEqual(errors, []);
  }));

test("a layout v1 that cannot be read is reported and left as it is; new traces are still stored", () =>
  inChromium(async (page, base, errors) => {
    await phase(page, base, "phase=seed-v1&text=%7Bnot%20json");
    const { problems } = await phase(page, base, "phase=tracer&name=new");
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^the traces stored by an earlier version \(IndexedDB layout v1\) could not be migrated \(indexedDB:prompttrace\/files\/prompttrace:1:\d+: .*\); they are kept as they are$/);
    const { found } = await phase(page, base, "phase=layout");
    assert.deepEqual(found.v1Files, ["{not json"]);
    assert.deepEqual(found.loaded.map(([name]) => name), ["new"]);
    assert.deepEqual(errors, []);
  }));

test("when the browser closes the IndexedDB connection, the next flush opens it again and loses nothing taken", () =>
  inChromium(async (page, base, errors) => {
    const cdp = await page.context().newCDPSession(page);
    await page.exposeFunction("clearIndexedDB", () =>
      cdp.send("Storage.clearDataForOrigin", { origin: base.slice(0, -1), storageTypes: "indexeddb" }),
    );
    const { found: { stored }, problems } = await phase(page, base, "phase=force-close");
    // t1 went with the cleared site data; t2's flush found the connection
    // closed (reported, kept) and t3's saved both.
    assert.deepEqual(stored, ["t2", "t3"]);
    assert.ok(problems.every((p) => /IndexedDB/.test(p)), problems.join("\n"));
    assert.deepEqual(errors, []);
  }));

test("flush() does not hang while another tab holds IndexedDB open at layout v1; the traces are saved later", () =>
  inChromium(async (page, base, errors) => {
    const { found: { waited, stored }, problems } = await phase(page, base, "phase=blocked");
    assert.deepEqual(waited, ["returned", "returned"], "neither flush waits for the other tab");
    assert.deepEqual(stored, ["t1", "t1b", "t2"]);
    assert.equal(problems.length, 2, problems.join("\n"));
    for (const problem of problems) assert.match(problem, /another tab holds the traces database open at an older layout/);
    assert.deepEqual(errors, []);
  }));
