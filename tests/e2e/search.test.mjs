// Search finds content: across traces on the traces page, and within a
// trace with marked rows, "k of n", Enter / Shift+Enter and the query in
// the URL; in any script; a word only a tool returned is found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";
import { interopFile, expected } from "./conversation-files.mjs";

/** A trace whose tool results speak Japanese, Russian and Arabic, one
 * tool folded away under an agent. */
function scriptsTrace() {
  const at = (ms) => new Date(Date.parse("2025-03-14T10:00:00Z") + ms).toISOString();
  const tool = (id, parent, i, output) => ({ id, trace_id: "scripts", parent_id: parent, name: `tool ${id}`, type: "tool",
    status: "completed", started_at: at(i * 10), ended_at: at(i * 10 + 5), input: { q: "status" }, output });
  return JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id: "scripts", name: "scripts", status: "completed", started_at: at(0), ended_at: at(1000) }],
    observations: [
      { id: "agent", trace_id: "scripts", name: "agent", type: "agent", status: "completed", started_at: at(0), ended_at: at(900) },
      tool("ja", "agent", 1, { message: "東京リージョンで障害が発生しました" }),
      tool("ru", "agent", 2, "Смена ключа выполнена успешно"),
      tool("ar", "agent", 3, [{ text: "تم تغيير المفتاح بنجاح" }]),
      tool("el", "agent", 4, "ΟΔΥΣΣΕΥΣ"),
    ] });
}

const rowClasses = (page) => page.$$eval("[data-testid=timeline-row]", (rows) =>
  rows.map((r) => [r.querySelector(".obs-name").textContent, r.classList.contains("match"), r.classList.contains("selected")]));

test("a word only a tool returned is found across traces and within the trace", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.loadFiles([interopFile("ai-sdk-6.json"), interopFile("otel-js-genai.json")]);
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=traces");
    const before = (await viewer.traceRows()).length;
    assert.ok(before >= 3);
    await page.fill("[data-testid=content-search]", "IN_TRANSIT");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=traces] tbody tr").length === 1);
    const trace = expected("ai-sdk-6.json").traces[0];
    assert.equal((await viewer.traceRows())[0][0], trace.name);
    await viewer.screenshot("search-traces");

    // Opening it keeps the query: the tool and the call that read its result are marked.
    await page.click("[data-testid=traces] tbody tr a");
    await page.waitForSelector("[data-testid=timeline-row].match");
    assert.match(page.url(), /[?&]q=IN_TRANSIT/);
    assert.equal(await page.inputValue("[data-testid=trace-search]"), "IN_TRANSIT");
    assert.equal(await page.textContent("[data-testid=search-count]"), "2 matches");
    const marked = (await rowClasses(page)).filter(([, match]) => match).map(([name]) => name);
    assert.deepEqual(marked, ["lookupOrder", "chat-support:ai.generateText.doGenerate"]);

    const history = await page.evaluate(() => history.length);
    await page.press("[data-testid=trace-search]", "Enter");
    await viewer.waitForDetail("lookupOrder");
    await page.waitForFunction(() => document.querySelector("[data-testid=search-count]").textContent === "1 of 2");
    assert.equal(await page.textContent("[data-testid=detail-matches]"), "Search matches in output");
    await page.press("[data-testid=trace-search]", "Enter");
    await page.waitForFunction(() => document.querySelector("[data-testid=search-count]").textContent === "2 of 2");
    assert.equal(await page.textContent("[data-testid=detail-matches]"), "Search matches in input");
    await page.press("[data-testid=trace-search]", "Shift+Enter");
    await page.waitForFunction(() => document.querySelector("[data-testid=search-count]").textContent === "1 of 2");
    assert.match(page.url(), /[?&]q=IN_TRANSIT/, "the query stays in the URL");
    assert.equal(await page.evaluate(() => history.length), history, "moving between matches adds no history");
    await viewer.screenshot("search-trace");
    await viewer.toggleTheme();
    await viewer.screenshot("search-trace-dark");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("search ignores case in any script, and Enter unfolds the way to a match", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("scripts.json", scriptsTrace());
    assert.equal(await viewer.errors(), "");
    await viewer.openTrace("scripts");
    await viewer.toggleRow("agent");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=timeline-row]").length === 1);
    // `/` focuses the box from anywhere on the page.
    await page.click("h1");
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "trace-search");
    for (const [query, tool] of [["東京", "tool ja"], ["СМЕНА КЛЮЧА", "tool ru"], ["المفتاح", "tool ar"], ["οδυσσευς", "tool el"]]) {
      await page.fill("[data-testid=trace-search]", query);
      await page.waitForFunction(() => document.querySelector("[data-testid=search-count]")?.textContent === "1 match");
      await page.press("[data-testid=trace-search]", "Enter");
      await viewer.waitForDetail(tool);
      const rows = await rowClasses(page);
      assert.deepEqual(rows.filter(([, , selected]) => selected).map(([name]) => name), [tool], `${query}: shown and selected`);
      assert.match(page.url(), new RegExp(`[?&]q=${encodeURIComponent(query).replaceAll("%", "%")}`, "i"));
    }
    await page.fill("[data-testid=trace-search]", "no such words");
    await page.waitForFunction(() => /no match/.test(document.querySelector("[data-testid=search-count]")?.textContent));
    assert.equal((await rowClasses(page)).filter(([, match]) => match).length, 0);
  } finally {
    await viewer.close();
  }
});

test("Enter right after typing searches what is typed; Escape clears the search", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("scripts.json", scriptsTrace());
    await viewer.openTrace("scripts");
    await page.fill("[data-testid=trace-search]", "東京");
    await page.press("[data-testid=trace-search]", "Enter");
    await viewer.waitForDetail("tool ja");
    // Typed and Enter at once: no waiting for the typing to settle.
    await page.fill("[data-testid=trace-search]", "Смена");
    await page.press("[data-testid=trace-search]", "Enter");
    await viewer.waitForDetail("tool ru");
    await page.waitForFunction(() => document.querySelector("[data-testid=search-count]")?.textContent === "1 of 1");
    await page.fill("[data-testid=trace-search]", "something else");
    await page.press("[data-testid=trace-search]", "Escape");
    await page.waitForTimeout(400);
    assert.equal(await page.inputValue("[data-testid=trace-search]"), "");
    assert.doesNotMatch(page.url(), /[?&]q=/, "the query is gone from the URL");
    assert.equal((await rowClasses(page)).filter(([, match]) => match).length, 0);
  } finally {
    await viewer.close();
  }
});
