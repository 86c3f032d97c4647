// The header's toggle switches light and dark; screenshots of a trace page
// in both, with the demo data and with a real OpenTelemetry JS SDK file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

test("the theme toggle switches light and dark, and the choice is kept", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto();
    await viewer.sessionRows();
    // The demo's nested agent, with its LLM call open in the detail panel.
    await viewer.openTrace("1d0b14e4-db01-4fed-b346-6f8a7b81a989");
    await viewer.clickRow("draft_itinerary");
    await viewer.waitForDetail("draft_itinerary");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
    await viewer.screenshot("trace-demo-light");
    assert.equal(await viewer.toggleTheme(), "dark");
    await viewer.screenshot("trace-demo-dark");

    await viewer.loadFiles([join(repo, "tests/fixtures/interop/otel-js-genai.json")]);
    assert.equal(await viewer.errors(), "");
    await viewer.openTrace("226a79cf62ef3cfdfd444790751c79d7");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "kept across a reload");
    await viewer.clickRow("chat gpt-4o");
    await viewer.waitForDetail("chat gpt-4o");
    await viewer.screenshot("trace-otel-js-dark");
    assert.equal(await viewer.toggleTheme(), "light");
    await viewer.screenshot("trace-otel-js-light");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
