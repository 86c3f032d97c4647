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
