// Loading files by the picker and by drop, a bad file, deleting and clearing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const fixture = (name) => join(repo, "tests/fixtures/traces", name);

test("files load by picker and by drop; a bad file changes nothing", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    await page.click("[data-testid=clear]");
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "0");

    await viewer.loadFiles([fixture("chat-session.jsonl"), fixture("rag-pipeline.json")]);
    assert.equal(await viewer.errors(), "");
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "4");

    await viewer.dropFile("nested.json", readFileSync(fixture("nested-multi-step.json"), "utf8"));
    await page.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "5");

    await viewer.loadFiles([join(repo, "tests/bad-files/cycle.json")]);
    assert.match(await viewer.errors(), /cycle\.json:14:5: observation "o1" is its own ancestor/);
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "nothing changed");
    await viewer.screenshot("bad-file");

    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "5", "a reload keeps everything");
    await viewer.screenshot("storage");

    await viewer.goto("?page=session&id=chat_123");
    await page.click("text=Delete this session");
    await page.click("text=Yes, delete");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "2");
    await page.click("[data-testid=clear]");
    await viewer.goto("?page=storage");
    assert.equal(await page.textContent("[data-testid=stored-traces]"), "0", "cleared, also after a reload");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a file whose last line was cut short by a crash loads, and says what it skipped", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=storage");
    const whole = readFileSync(fixture("chat-session.jsonl"), "utf8");
    const cut = whole.slice(0, whole.trimEnd().lastIndexOf("\n") + 20);
    await viewer.dropFile("crashed.jsonl", cut);
    assert.equal(await viewer.errors(), "");
    const notice = await page.textContent("[data-testid=notice]");
    assert.match(notice, /Loaded crashed\.jsonl: .*Skipped: crashed\.jsonl: .*line \d+ was cut short/);
  } finally {
    await viewer.close();
  }
});
