// Sessions → session → trace → observation, with the right names and figures.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

test("a user follows a session to a trace and an LLM call", async () => {
  const viewer = await Viewer.open();
  const page = () => viewer.page;
  try {
    await viewer.goto();
    await viewer.sessionRows();
    await page().click("text=chat_123");
    await page().waitForSelector("[data-testid=conversation] li");
    const turns = await page().$$eval("[data-testid=conversation] .turn-head a", (links) => links.map((a) => a.textContent));
    assert.deepEqual(turns, ["greeting", "question_1", "question_2"]);
    assert.ok((await page().textContent("[data-testid=conversation]")).includes("What is your refund policy?"));
    await viewer.screenshot("session");

    await page().click("text=question_1");
    await page().waitForSelector("[data-testid=trace-header]");
    assert.equal(await page().textContent("[data-testid=trace-duration]"), "1.25 s");
    assert.equal(await page().textContent("[data-testid=trace-tokens]"), "38");
    assert.equal(await page().textContent("[data-testid=trace-calls]"), "1");
    const names = await page().$$eval("[data-testid=timeline-row] .obs-name", (n) => n.map((e) => e.textContent));
    assert.deepEqual(names, ["search_kb", "generate_answer", "answer"]);

    await page().click('[data-testid=timeline-row] .obs-name >> text="answer"');
    await page().waitForSelector("[data-testid=detail-name]");
    assert.equal(await page().textContent("[data-testid=detail-name]"), "answer");
    assert.equal(await page().textContent("[data-testid=detail-duration]"), "980 ms");
    assert.match(await page().textContent("[data-testid=detail-tokens]"), /^38 \(25 in, 13 out\)$/);
    assert.equal(await page().textContent("[data-testid=detail-cost]"), "$0.000192");
    assert.match(page().url(), /[?&]obs=/, "the selection is in the URL");
    await viewer.screenshot("trace");

    // The deep link opens the same selection on a fresh load.
    await viewer.page.goto(page().url());
    await page().waitForSelector("[data-testid=detail-name]");
    assert.equal(await page().textContent("[data-testid=detail-name]"), "answer");

    // Keyboard: up moves the selection to the parent span.
    await page().focus("[data-testid=timeline]");
    await page().keyboard.press("ArrowUp");
    await page().waitForFunction(() => document.querySelector("[data-testid=detail-name]")?.textContent === "generate_answer");

    await page().click("nav >> text=LLM calls");
    await page().waitForSelector("[data-testid=generations] tbody tr");
    const calls = await page().$$eval("[data-testid=generations] tbody tr", (rows) => rows.length);
    assert.equal(calls, 7, "every generation, including the one without a trace");
    assert.ok((await page().textContent("[data-testid=generations]")).includes("no trace"));
    await viewer.screenshot("llm-calls");

    await page().click("nav >> text=Traces");
    await page().waitForSelector("[data-testid=traces] tbody tr");
    assert.equal((await viewer.traceRows()).length, 5);
    await page().fill("[aria-label=Name]", "question_");
    await page().waitForFunction(() => document.querySelectorAll("[data-testid=traces] tbody tr").length === 3);
    await page().selectOption("[aria-label=Model]", "claude-sonnet-4-20250514");
    await page().waitForFunction(() => document.querySelectorAll("[data-testid=traces] tbody tr").length === 1);
    assert.equal((await viewer.traceRows())[0][0], "question_2");
    // The pager's buttons read as labels (a `>=` in its view once showed source text).
    assert.deepEqual(await page().$$eval(".pager button", (b) => b.map((e) => [e.textContent, e.disabled])),
      [["‹ Previous", true], ["Next ›", true]]);
    await viewer.screenshot("traces");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
