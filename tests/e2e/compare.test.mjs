// Compare two runs: the AI SDK's own spans (tests/fixtures/interop/
// ai-sdk-6-two-runs.json, one question asked twice; run B looks up another
// order id and answers otherwise). The page is reached by "Compare with…"
// on a trace and by ticking two rows; the totals' deltas, the changed tool
// call and the answer's line diff are checked against figures the test
// reads from the fixture itself. Missing ids are named; hostile content
// is shown as text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";
import { bigTrace } from "./sample-traces.mjs";

const interop = (name) => join(repo, "tests/fixtures/interop", name);
const TWO_RUNS = interop("ai-sdk-6-two-runs.json");

/** The fixture's spans by trace, with their attributes as a plain object. */
function spansByTrace(path) {
  const file = JSON.parse(readFileSync(path, "utf8"));
  const traces = new Map();
  for (const rs of file.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const attrs = Object.fromEntries(span.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
        const entry = { ...span, attrs, ms: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6 };
        if (!traces.has(span.traceId)) traces.set(span.traceId, []);
        traces.get(span.traceId).push(entry);
      }
    }
  }
  return traces;
}

/** What the fixture says of one run: the root's duration, tokens and LLM
 * calls of its model calls, its tool call and its final answer. */
function run(spans) {
  const root = spans.find((s) => !s.parentSpanId);
  const calls = spans.filter((s) => s.name.endsWith(".doGenerate")).sort((x, y) => (BigInt(x.startTimeUnixNano) < BigInt(y.startTimeUnixNano) ? -1 : 1));
  const tokens = calls.reduce((n, s) => n + Number(s.attrs["gen_ai.usage.input_tokens"]) + Number(s.attrs["gen_ai.usage.output_tokens"]), 0);
  const tool = spans.find((s) => s.name === "ai.toolCall");
  return {
    id: root.traceId,
    duration: root.ms,
    tokens,
    calls: calls.length,
    toolMs: tool.ms,
    toolArgs: JSON.parse(tool.attrs["ai.toolCall.args"]),
    answer: calls.at(-1).attrs["ai.response.text"],
  };
}

/** A file's traces, the earliest first (by their root's start). */
const inOrder = (traces) => [...traces.values()]
  .sort((x, y) => (BigInt(x.find((s) => !s.parentSpanId).startTimeUnixNano) < BigInt(y.find((s) => !s.parentSpanId).startTimeUnixNano) ? -1 : 1));
// Run A is the earlier one.
const [runA, runB] = inOrder(spansByTrace(TWO_RUNS)).map(run);

/** `+14`, `−273 ms`: signed as the page shows a delta. */
const signed = (d, unit = "") => `${d > 0 ? "+" : d < 0 ? "−" : "±"}${Math.abs(d).toLocaleString("en-US")}${unit}`;
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const dollars = (text) => Number(text.replace(/[^0-9.]/g, ""));

async function totals(page) {
  return page.$$eval("[data-testid=compare-totals] tbody tr[data-testid]", (rows) => Object.fromEntries(rows.map((r) => [
    r.dataset.testid.replace("total-", ""),
    ["a", "b", "delta"].map((k) => r.querySelector(`[data-testid=${k}]`).textContent),
  ])));
}

async function steps(page) {
  return page.$$eval("[data-testid=compare-step]", (steps) => steps.map((s) => ({
    name: s.querySelector("[data-testid=step-name]").textContent,
    change: s.querySelector("[data-testid=step-change]").textContent,
    open: s.querySelector("[data-testid=step-diff]").open,
    duration: s.querySelector("[data-testid=step-duration-delta]").textContent,
    status: s.querySelector("[data-testid=step-status]").textContent,
    indent: parseFloat(getComputedStyle(s.querySelector(".step-name")).paddingLeft),
    lines: [...s.querySelectorAll("[data-testid=step-diff] .diff-line")].map((l) => [l.dataset.tag, l.textContent]),
  })));
}

async function checkComparison(viewer) {
  const page = viewer.page;
  await page.waitForSelector("[data-testid=compare-steps]", { timeout: 30_000 });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("page"), "compare");
  assert.equal(url.searchParams.get("a"), runA.id);
  assert.equal(url.searchParams.get("b"), runB.id);

  const t = await totals(page);
  assert.deepEqual(t.duration, [seconds(runA.duration), seconds(runB.duration), signed(runB.duration - runA.duration, " ms")]);
  assert.deepEqual(t.tokens, [String(runA.tokens), String(runB.tokens), signed(runB.tokens - runA.tokens)]);
  assert.deepEqual(t.calls, [String(runA.calls), String(runB.calls), signed(runB.calls - runA.calls)]);
  assert.deepEqual(t.errors, ["0", "0", "±0"]);
  // The cost as each trace's own page shows it (rollup::trace_figures,
  // another path than the comparison's).
  const costs = [];
  for (const id of [runA.id, runB.id]) {
    const other = await viewer.newTab();
    await other.goto(`?page=trace&id=${id}`);
    await other.page.waitForSelector("[data-testid=trace-cost]");
    costs.push(await other.page.textContent("[data-testid=trace-cost]"));
    await other.closeTab();
  }
  assert.deepEqual(t.cost.slice(0, 2), costs);
  assert.match(t.cost[2], /^\+\$/, "run B cost more");
  assert.ok(Math.abs(dollars(t.cost[2]) - (dollars(costs[1]) - dollars(costs[0]))) <= 0.000002, `${t.cost[2]} vs ${costs}`);

  const s = await steps(page);
  assert.deepEqual(s.map((x) => [x.name, x.change]), [
    ["POST /api/chat", "same"],
    ["chat-support:ai.generateText", "changed"],
    ["chat-support:ai.generateText.doGenerate", "changed"],
    ["lookupOrder", "changed"],
    ["chat-support:ai.generateText.doGenerate", "changed"],
  ]);
  assert.equal(await page.textContent("[data-testid=compare-tally]").then((x) => x.split(" · ")[0]), "Steps: 4 changed, 0 added, 0 removed, 1 same");
  assert.deepEqual(s.map((x) => x.open), [false, true, true, true, true], "changed steps open, the same one folded");
  assert.ok(s[0].indent < s[1].indent && s[1].indent < s[3].indent, "indented by depth");
  assert.deepEqual(s.map((x) => x.status), Array(5).fill("completed"));
  // The tool call: its argument changed, and it took longer.
  const tool = s[3];
  assert.equal(tool.duration, signed(runB.toolMs - runA.toolMs, " ms"));
  assert.ok(tool.lines.some(([tag, text]) => tag === "removed" && text.includes(`"orderId": "${runA.toolArgs.orderId}"`)), JSON.stringify(tool.lines));
  assert.ok(tool.lines.some(([tag, text]) => tag === "added" && text.includes(`"orderId": "${runB.toolArgs.orderId}"`)), JSON.stringify(tool.lines));
  // The answer: A's removed, B's added, marked by a sign as well as colour.
  const answer = s[4].lines;
  assert.ok(answer.some(([tag, text]) => tag === "removed" && text.startsWith("- ") && text.includes(runA.answer)), JSON.stringify(answer));
  assert.ok(answer.some(([tag, text]) => tag === "added" && text.startsWith("+ ") && text.includes(runB.answer)), JSON.stringify(answer));
  // Each step links to itself in either run's trace.
  const [toolInA, toolInB] = await page.$$eval("[data-testid=compare-step][data-index='3'] [data-testid^=open-in-]", (links) => links.map((a) => new URL(a.href).search));
  assert.match(toolInA, new RegExp(`page=trace&id=${runA.id}&obs=`));
  assert.match(toolInB, new RegExp(`page=trace&id=${runB.id}&obs=`));
  // Only what differs: the same step goes, the changed ones stay.
  await page.check("[data-testid=only-differences]");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=compare-step]").length === 4);
  assert.deepEqual((await steps(page)).map((x) => x.change), Array(4).fill("changed"));
  await page.uncheck("[data-testid=only-differences]");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=compare-step]").length === 5);
  // A same step's text opens on demand.
  await page.click("[data-testid=compare-step][data-change=same] [data-testid=step-diff] summary");
  await page.waitForSelector("[data-testid=compare-step][data-change=same] .diff-line, [data-testid=compare-step][data-change=same] p.muted");
}

test("two runs of the AI SDK compare from a trace page and from two ticked rows", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage();
    await viewer.loadFiles([TWO_RUNS, interop("ai-sdk-6.json")]);
    assert.equal(await viewer.errors(), "");

    // "Compare with…" on run A's page: same-name traces first, found by id.
    await viewer.goto(`?page=trace&id=${runA.id}`);
    await page.click("[data-testid=compare-with]");
    await page.waitForSelector("[data-testid=compare-candidate]");
    const offered = await page.$$eval("[data-testid=compare-candidate] a", (links) => links.map((a) => a.textContent));
    assert.equal(offered.length, 3, "every other trace");
    assert.deepEqual(offered.slice(0, 2), ["POST /api/chat", "POST /api/chat"], "same name first");
    await viewer.screenshot("compare-with");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "compare-search", "the search box has the focus");
    await page.keyboard.press("Escape");
    await page.waitForSelector("[data-testid=compare-picker]", { state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "compare-with");
    await page.keyboard.press("Enter");
    await page.waitForSelector("[data-testid=compare-candidate]");
    await page.fill("[data-testid=compare-search]", runB.id.slice(0, 8));
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=compare-candidate]").length === 1);
    await page.click("[data-testid=compare-candidate] a");
    await checkComparison(viewer);
    await viewer.screenshot("compare");
    assert.equal(await viewer.toggleTheme(), "dark");
    await viewer.screenshot("compare-dark");
    await viewer.toggleTheme();

    // Two rows ticked on the traces page, then "Compare" (A ticked first).
    await viewer.goto("?page=traces");
    await page.waitForSelector("[data-testid=pick-trace]");
    assert.ok(await page.isDisabled("[data-testid=compare-picked]"));
    const tick = (id) => page.check(`[data-testid=traces] tbody tr:has(a[href*="id=${id}"]) [data-testid=pick-trace]`);
    await tick(runA.id);
    await tick(runB.id);
    await viewer.screenshot("compare-pick-rows");
    await page.click("[data-testid=compare-picked]");
    await checkComparison(viewer);

    // The tool step, opened in run B: its trace page, the step selected.
    await page.click("[data-testid=compare-step][data-index='3'] [data-testid=open-in-b]");
    await page.waitForSelector("[data-testid=detail-name]");
    assert.equal(new URL(page.url()).searchParams.get("id"), runB.id);
    assert.equal(await page.textContent("[data-testid=detail-name]"), "lookupOrder");
    await page.goBack();
    await page.waitForSelector("[data-testid=compare-steps]");

    // Swap: B becomes the reference, every delta turns around.
    await page.click("[data-testid=swap]");
    await page.waitForFunction((a) => new URL(location.href).searchParams.get("a") === a, runB.id);
    await page.waitForSelector("[data-testid=compare-steps]");
    assert.equal((await totals(page)).tokens[2], signed(runA.tokens - runB.tokens));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("runs with other steps mark them added and removed, and a missing id is named", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage();
    await viewer.loadFiles([interop("ai-sdk-6.json")]);
    // The first request called the lookupOrder tool; the streamed one did not.
    const [firstSpans, secondSpans] = inOrder(spansByTrace(interop("ai-sdk-6.json")));
    const [first, second] = [firstSpans[0].traceId, secondSpans[0].traceId];
    assert.ok(firstSpans.some((s) => s.name === "ai.toolCall") && !secondSpans.some((s) => s.name === "ai.toolCall"));
    await viewer.goto(`?page=compare&a=${first}&b=${second}`);
    await page.waitForSelector("[data-testid=compare-steps]");
    const s = await steps(page);
    assert.deepEqual(s.filter((x) => x.name === "lookupOrder").map((x) => x.change), ["removed"]);
    const count = (change) => s.filter((x) => x.change === change).length;
    assert.ok(count("added") > 0 && count("removed") > 0);
    assert.equal(await page.textContent("[data-testid=compare-tally]").then((x) => x.split(" · ")[0]),
      `Steps: ${count("changed")} changed, ${count("added")} added, ${count("removed")} removed, ${count("same")} same`);
    // A status that differs is said in words on the row: the streamed
    // request ended in error (its root span's OTLP status).
    assert.equal(secondSpans.find((x) => !x.parentSpanId).status.code, 2);
    assert.deepEqual([s[0].change, s[0].status], ["changed", "completed → error"]);

    await viewer.goto(`?page=compare&a=${first}&b=no-such-trace-42`);
    await page.waitForSelector("[data-testid=compare-missing]", { timeout: 30_000 });
    assert.equal(await page.textContent("[data-testid=compare-missing]"), "No trace with id “no-such-trace-42” is stored here.");
    await viewer.goto("?page=compare&a=gone-1&b=gone-2");
    await page.waitForSelector("[data-testid=compare-missing]", { timeout: 30_000 });
    assert.equal(await page.$$eval("[data-testid=compare-missing] li", (l) => l.length), 2, "both ids named");
    await viewer.goto("?page=compare");
    await page.waitForSelector("[data-testid=compare-unasked]");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

const hostile = [
  "<img src=x onerror=\"window.__pwned='img'\">",
  "</script><script>window.__pwned='script'</script>",
  "\u202Edesrever\u202C and zero\u200Bwidth\u200D",
];

function hostileRuns() {
  const at = (s) => `2024-05-01T12:00:0${s}Z`;
  const traces = ["h1", "h2"].map((id, i) => ({ id, name: hostile[0], status: "completed", started_at: at(0), ended_at: at(3 + i) }));
  const observations = ["h1", "h2"].flatMap((trace, i) => [
    { id: `${trace}.g`, trace_id: trace, name: hostile[1], type: "generation", status: "completed", started_at: at(0), ended_at: at(1 + i),
      input: [{ role: "user", content: hostile[0] }], output: { role: "assistant", content: `${hostile[2]} ${i}` } },
    { id: `${trace}.t`, trace_id: trace, name: i === 0 ? hostile[2] : hostile[0], type: "tool", status: "completed", started_at: at(1), ended_at: at(2), input: { q: hostile[1] } },
  ]);
  return JSON.stringify({ format: "prompttrace", version: 1, traces, observations });
}

test("hostile names and messages compare as text", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=traces");
    await viewer.dropFile("hostile-runs.json", hostileRuns());
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=compare&a=h1&b=h2");
    await page.waitForSelector("[data-testid=compare-steps]");
    const s = await steps(page);
    assert.deepEqual(s.map((x) => [x.name, x.change]), [
      [hostile[1], "changed"],
      [hostile[2], "removed"],
      [hostile[0], "added"],
    ]);
    assert.equal(await page.textContent("[data-testid=run-a]"), hostile[0]);
    // A bidi override in a name or line stays inside it.
    assert.deepEqual(await page.$$eval("[data-testid=step-name], .diff-line .isolate, [data-testid=run-a]",
      (nodes) => [...new Set(nodes.map((n) => getComputedStyle(n).unicodeBidi))]), ["isolate"]);
    assert.ok(s[0].lines.some(([tag, text]) => tag === "added" && text.includes(`${hostile[2]} 1`)), JSON.stringify(s[0].lines));
    // The picker lists the other trace's hostile name as text too.
    await viewer.goto("?page=trace&id=h1");
    await page.click("[data-testid=compare-with]");
    await page.waitForSelector("[data-testid=compare-candidate]");
    assert.equal(await page.textContent("[data-testid=compare-candidate] a"), hostile[0]);
    await viewer.goto("?page=compare&a=h1&b=h2");
    await page.waitForSelector("[data-testid=compare-steps]");
    await viewer.screenshot("compare-hostile");
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.$$eval("main img, main script", (n) => n.length), 0, "no element came from trace content");
    assert.deepEqual(viewer.dialogs, []);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

/** `bigTrace` with its observation ids made its own (ids are global). */
function bigRun(count, id) {
  const file = JSON.parse(bigTrace(count, id));
  for (const o of file.observations) {
    o.id = `${id}.${o.id}`;
    if (o.parent_id) o.parent_id = `${id}.${o.parent_id}`;
  }
  return JSON.stringify(file);
}

test("two big runs draw their first 500 steps, then more on demand", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("big-a.json", bigRun(700, "big-a"));
    await viewer.dropFile("big-b.json", bigRun(700, "big-b"));
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=compare&a=big-a&b=big-b");
    await page.waitForSelector("[data-testid=compare-steps]", { timeout: 30_000 });
    assert.equal(await page.$$eval("[data-testid=compare-step]", (s) => s.length), 500);
    // A row's state: step 3's text opened before "Show more".
    const third = "[data-testid=compare-step][data-index='3'] [data-testid=step-diff]";
    await page.click(`${third} summary`);
    await page.waitForSelector(`${third} p.muted`);
    assert.equal(await page.textContent("[data-testid=more-steps]"), "Show 200 more steps (200 left)");
    await page.click("[data-testid=more-steps]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=compare-step]").length === 700);
    assert.equal(await page.$("[data-testid=more-steps]"), null);
    const indices = await page.$$eval("[data-testid=compare-step]", (s) => s.map((x) => Number(x.dataset.index)));
    assert.deepEqual(indices, [...Array(700).keys()], "rows appended in order, none drawn twice");
    assert.ok(await page.$eval(third, (d) => d.open), "step 3's opened text survived Show more");
    assert.equal(await page.textContent("[data-testid=compare-tally]").then((x) => x.split(" · ")[0]), "Steps: 0 changed, 0 added, 0 removed, 700 same");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

const A_ID = "e&1 #%+ a";
const B_ID = "e&2 #%+ b";
const C_ID = "third one";
const BIDI = "agent \u202Eold";

/** Two runs whose steps show what a careful diff must: a renamed root
 * with a bidi override, a model swap with the same text, a same step
 * with text, a huge output that differs throughout; and a third trace. */
function edgeRuns() {
  const at = (s) => new Date(Date.parse("2024-05-01T12:00:00Z") + s * 1000).toISOString();
  const big = (letter) => Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`k${i}`, `${letter}${i}`]));
  const traces = [
    { id: A_ID, name: BIDI, status: "completed", started_at: at(0), ended_at: at(5) },
    { id: B_ID, name: "agent new", status: "completed", started_at: at(10), ended_at: at(15) },
    { id: C_ID, name: "third", status: "completed", started_at: at(20), ended_at: at(21) },
  ];
  const observations = [[A_ID, BIDI, "gpt-4o-mini", "v"], [B_ID, "agent new", "gpt-4o", "w"]].flatMap(([trace, name, model, letter], i) => [
    { id: `${trace}.root`, trace_id: trace, name, type: "agent", status: "completed", started_at: at(i * 10), ended_at: at(i * 10 + 4) },
    { id: `${trace}.answer`, trace_id: trace, parent_id: `${trace}.root`, name: "answer", type: "generation", model, status: "completed",
      started_at: at(i * 10 + 1), ended_at: at(i * 10 + 2), input: [{ role: "user", content: "hi" }], output: { role: "assistant", content: "hello" } },
    { id: `${trace}.lookup`, trace_id: trace, parent_id: `${trace}.root`, name: "lookup", type: "tool", status: "completed",
      started_at: at(i * 10 + 2), ended_at: at(i * 10 + 3), input: { q: "the same question" } },
    { id: `${trace}.huge`, trace_id: trace, parent_id: `${trace}.root`, name: "huge", type: "span", status: "completed",
      started_at: at(i * 10 + 3), ended_at: at(i * 10 + 4), output: big(letter) },
  ]);
  return JSON.stringify({ format: "prompttrace", version: 1, traces, observations });
}

test("a renamed root, a model swap, a huge step, odd ids, three ticks and a run compared with itself", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const q = encodeURIComponent;
  try {
    await viewer.clearStorage();
    await viewer.goto("?page=traces");
    await viewer.dropFile("edge-runs.json", edgeRuns());
    assert.equal(await viewer.errors(), "");
    await viewer.goto(`?page=compare&a=${q(A_ID)}&b=${q(B_ID)}`);
    await page.waitForSelector("[data-testid=compare-steps]", { timeout: 30_000 });
    const s = await steps(page);
    assert.deepEqual(s.map((x) => [x.name, x.change]), [
      ["agent new", "same"], ["answer", "changed"], ["lookup", "same"], ["huge", "changed"],
    ]);
    // Both root names, each isolated (a rename alone changes no content).
    assert.deepEqual(await page.$$eval("[data-testid=compare-step][data-index='0'] [data-testid^=step-name]",
      (n) => n.map((x) => [x.dataset.testid, x.textContent, getComputedStyle(x).unicodeBidi])),
    [["step-name-a", BIDI, "isolate"], ["step-name", "agent new", "isolate"]]);
    // The model swap, said on the step; its text is the same.
    assert.equal(await page.textContent("[data-testid=compare-step][data-index='1'] [data-testid=step-model]"), "model gpt-4o-mini → gpt-4o");
    assert.deepEqual(s[1].lines, []);
    // The huge step: not diffed, and why.
    assert.equal(s[3].lines.length, 1);
    assert.equal(s[3].lines[0][0], "note");
    assert.match(s[3].lines[0][1], /^… too large to diff \(\d+ → \d+ bytes\)$/);
    const started = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    assert.ok(Date.now() - started < 2000, "the page still paints");
    // A same step's text, read when opened: the very input.
    await page.click("[data-testid=compare-step][data-index='2'] [data-testid=step-diff] summary");
    await page.waitForSelector("[data-testid=compare-step][data-index='2'] .diff-line");
    const same = await page.$$eval("[data-testid=compare-step][data-index='2'] .diff-line", (l) => l.map((x) => x.textContent));
    assert.ok(same.some((line) => line.includes('"q": "the same question"')), JSON.stringify(same));
    await viewer.screenshot("compare-edge");

    // Compare with… on A's page: the odd id survives the link.
    await viewer.goto(`?page=trace&id=${q(A_ID)}`);
    await page.click("[data-testid=compare-with]");
    await page.fill("[data-testid=compare-search]", "E&2 #%+");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=compare-candidate]").length === 1);
    // A click elsewhere closes the list.
    await page.click("h1");
    await page.waitForSelector("[data-testid=compare-picker]", { state: "detached" });
    await page.click("[data-testid=compare-with]");
    await page.fill("[data-testid=compare-search]", "e&2");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=compare-candidate]").length === 1);
    await page.click("[data-testid=compare-candidate] a");
    await page.waitForSelector("[data-testid=compare-steps]");
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get("a"), url.searchParams.get("b")], [A_ID, B_ID]);

    // Ticks: B, then A, then the third lets B go; the bar names them.
    await viewer.goto("?page=traces");
    await page.waitForSelector("[data-testid=pick-trace]");
    const tick = (name) => page.check(`[data-testid=traces] tbody tr:has-text("${name}") [data-testid=pick-trace]`);
    await tick("agent new");
    await tick("agent \u202Eold");
    await tick("third");
    const picked = () => page.$$eval("[data-testid=picked]", (p) => p.map((x) => x.textContent));
    assert.deepEqual(await picked(), [`A ${BIDI}✕`, "B third✕"]);
    await page.click("[data-testid=picked]:has-text('third') [data-testid=untick]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=picked]").length === 1);
    await tick("agent new");
    await page.click("[data-testid=compare-picked]");
    await page.waitForSelector("[data-testid=compare-steps]");
    const ticked = new URL(page.url());
    assert.deepEqual([ticked.searchParams.get("a"), ticked.searchParams.get("b")], [A_ID, B_ID], "A is the earlier run");

    // A run compared with itself: said, and every step the same.
    await viewer.goto(`?page=compare&a=${q(A_ID)}&b=${q(A_ID)}`);
    await page.waitForSelector("[data-testid=compare-same-trace]");
    assert.equal(await page.textContent("[data-testid=compare-tally]").then((x) => x.split(" · ")[0]), "Steps: 0 changed, 0 added, 0 removed, 4 same");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
