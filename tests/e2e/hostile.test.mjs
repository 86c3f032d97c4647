// Trace content is untrusted: nothing in it may run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

const payloads = [
  "<script>window.__pwned = 'script'</script>",
  "<img src=x onerror=\"window.__pwned='img'\">",
  "javascript:window.__pwned='link'",
  "<a href=\"javascript:window.__pwned='a'\">click</a>",
  "<svg onload=\"window.__pwned='svg'\"></svg>",
];

function hostileFile() {
  const at = "2024-05-01T12:00:00Z";
  return JSON.stringify({
    format: "prompttrace",
    version: 1,
    traces: [{ id: "evil", name: payloads[0], session_id: payloads[1], user_id: payloads[2], status: "completed",
      started_at: at, ended_at: "2024-05-01T12:00:01Z", input: payloads, output: { html: payloads[3] }, tags: [payloads[4]] }],
    observations: payloads.map((p, i) => ({ id: `o${i}`, trace_id: "evil", name: p, type: "generation", model: p,
      status: "error", status_message: p, started_at: at, ended_at: "2024-05-01T12:00:00.5Z", input: p, output: { text: p }, metadata: { p } })),
  });
}

test("scripts, handlers and javascript: URLs in traces never run", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.goto("?page=traces");
    await viewer.dropFile("hostile.json", hostileFile());
    assert.equal(await viewer.errors(), "");
    for (const query of ["?page=traces", "?page=sessions", "?page=generations", `?page=trace&id=evil&obs=o1`, `?page=session&id=${encodeURIComponent(payloads[1])}`]) {
      await viewer.goto(query);
      await page.waitForTimeout(300);
      if (query.includes("obs=o1")) {
        await page.waitForSelector("[data-testid=detail-name]");
        assert.equal(await page.textContent("[data-testid=detail-name]"), payloads[1], "shown as text");
        await viewer.screenshot("hostile-trace");
      }
    }
    // Click every link the content could have produced.
    for (const link of await page.$$("main a")) await link.click({ trial: true }).catch(() => {});
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(viewer.dialogs, []);
    assert.equal(await page.$$eval("main img, main svg, main script", (nodes) => nodes.length), 0, "no element came from trace content");
    const csp = await page.$eval("meta[http-equiv=Content-Security-Policy]", (m) => m.content);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.equal(await page.$$eval("script:not([src])", (s) => s.length), 0, "no inline script in the page");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
