// Loading a page asks the server for nothing it lacks: the icon the
// browser looks for is the app's own (it once asked for /favicon.ico and
// got a 404 on every load). The browser's icon request never reaches the
// page's "response" events, so the page object's server log is read too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

test("no request is answered 404 while pages load, and the icon is served", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  const failed = [];
  page.on("response", (response) => {
    if (response.status() >= 400) failed.push([response.status(), response.url()]);
  });
  const iconRequests = () => viewer.served.filter(([, path]) => /icon/.test(path));
  try {
    for (const query of ["", "?page=traces", "?page=trace&id=1d0b14e4-db01-4fed-b346-6f8a7b81a989"]) {
      await viewer.goto(query);
      await page.waitForFunction(() => document.readyState === "complete");
    }
    // The browser asks for an icon after the first load; give it time.
    for (let waited = 0; waited < 5_000 && iconRequests().length === 0; waited += 100) await page.waitForTimeout(100);
    await page.waitForTimeout(300);
    assert.deepEqual(viewer.served.filter(([status]) => status >= 400), [], "the server had everything asked for");
    assert.ok(iconRequests().length > 0 && iconRequests().every(([status]) => status === 200),
      `the browser found its icon: ${JSON.stringify(iconRequests())}`);
    assert.match(await page.$eval("link[rel=icon]", (link) => link.getAttribute("href")), /\.svg$/);
    assert.deepEqual(failed, []);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
