// Deleting asks first, in the page (no browser dialog): Cancel keeps the
// trace or session, also after a reload; Yes deletes it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

const QUESTION = 5_000; // ms to wait for the question before calling it missing

test("Delete trace asks first: Cancel keeps the trace, Yes deletes it", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const id = "1d0b14e4-db01-4fed-b346-6f8a7b81a989"; // the demo's trip_planner
  try {
    await viewer.goto();
    await viewer.sessionRows();
    assert.equal(await viewer.storedTraces(), "5");
    await viewer.openTrace(id);

    await page.click("button >> text=Delete trace");
    await page.waitForSelector("[role=group][aria-label='Delete trace?'] >> text=Cancel", { timeout: QUESTION });
    assert.ok(await page.$("[data-testid=trace-header]"), "nothing deleted while asking");
    await viewer.screenshot("confirm-delete-trace");
    await page.click("[role=group][aria-label='Delete trace?'] >> text=Cancel");
    await page.waitForSelector("button >> text=Delete trace");
    assert.equal(await viewer.storedTraces(), "5", "Cancel kept the trace, also after a reload");
    await viewer.openTrace(id);
    assert.ok(await page.$("[data-testid=trace-header]"));

    await page.click("button >> text=Delete trace");
    await page.click("[role=group][aria-label='Delete trace?'] >> text=Yes, delete", { timeout: QUESTION });
    await page.waitForSelector("text=This trace is not stored here.");
    assert.equal(await viewer.storedTraces(), "4", "deleted, also after a reload");
    assert.deepEqual(viewer.dialogs, [], "no browser dialog");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("Delete this session asks first: Cancel keeps its traces, Yes deletes them", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const group = "[role=group][aria-label='Delete this session?']";
  try {
    await viewer.goto();
    await viewer.sessionRows();
    await viewer.goto("?page=session&id=chat_123");
    await page.waitForSelector("[data-testid=conversation] li");

    await page.click("button >> text=Delete this session");
    await page.waitForSelector(`${group} >> text=Cancel`, { timeout: QUESTION });
    // Escape is Cancel too, with focus back on the Delete button.
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => document.activeElement?.textContent === "Delete this session");
    assert.equal(await viewer.storedTraces(), "5", "Escape kept the session, also after a reload");

    await viewer.goto("?page=session&id=chat_123");
    await page.click("button >> text=Delete this session");
    await page.click(`${group} >> text=Cancel`, { timeout: QUESTION });
    assert.equal(await viewer.storedTraces(), "5", "Cancel kept the session, also after a reload");

    await viewer.goto("?page=session&id=chat_123");
    await page.click("button >> text=Delete this session");
    await page.click(`${group} >> text=Yes, delete`, { timeout: QUESTION });
    await page.waitForSelector("text=No traces in this session.");
    assert.equal(await viewer.storedTraces(), "2", "the session's three traces are gone, also after a reload");
    assert.deepEqual(viewer.dialogs, [], "no browser dialog");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
