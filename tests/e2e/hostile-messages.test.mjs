// Messages are untrusted: in the Messages and Markdown views nothing in
// them runs, only http(s) links become links, and a remote image is never
// fetched (checked on the network, against a server that would see it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Viewer } from "./viewer-page.mjs";

function pixelServer() {
  const hits = [];
  const server = createServer((request, response) => {
    hits.push(request.url);
    response.writeHead(200, { "content-type": "image/png" }).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.2", () => resolve({ server, hits })));
}

function hostileChat(pixel) {
  const at = "2024-05-01T12:00:00Z";
  const input = [
    { role: "system", content: "<script>window.__pwned = 'script'</script>" },
    { role: "user", content: [
      { type: "text", text: "<img src=x onerror=\"window.__pwned='img'\"> and <b onmouseover=\"window.__pwned='b'\">bold?</b>" },
      { type: "text", text: `![tracking pixel](${pixel}/markdown.png) [click me](javascript:window.__pwned='md') [docs](https://example.com/docs) [data](data:text/html,<script>window.__pwned='data'</script>)` },
      { type: "image_url", image_url: { url: `${pixel}/part.png` } },
    ] },
    { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "<svg onload=alert(1)>", arguments: "{\"q\":\"<script>alert(1)</script>\"}" } }] },
    { role: "tool", tool_call_id: "c1", content: "<iframe src=javascript:alert(1)></iframe>" },
  ];
  return JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id: "evil-chat", name: "evil chat", status: "completed", started_at: at, ended_at: "2024-05-01T12:00:01Z" }],
    observations: [{ id: "g", trace_id: "evil-chat", name: "llm", type: "generation", status: "completed", started_at: at,
      ended_at: "2024-05-01T12:00:00.5Z", input, output: { role: "assistant", content: `**Done.** ![](${pixel}/answer.png)` } }] });
}

test("hostile messages never run, link out or load remote images", async () => {
  const { server, hits } = await pixelServer();
  const pixel = `http://127.0.0.2:${server.address().port}`;
  const viewer = await Viewer.open();
  const page = viewer.page;
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  try {
    await viewer.goto("?page=storage");
    await viewer.dropFile("evil-chat.json", hostileChat(pixel));
    assert.equal(await viewer.errors(), "");
    for (const view of ["messages", "markdown"]) {
      await viewer.openTrace("evil-chat", "g");
      await viewer.waitForDetail("llm");
      await page.click(`[data-testid=view-${view}]`);
      await page.waitForSelector("[data-testid=detail-input] .message[data-role=tool]");
      await page.waitForTimeout(300);
      for (const link of await page.$$("[data-testid=detail] a")) await link.click({ trial: true }).catch(() => {});
      const links = await page.$$eval("[data-testid=detail] a[href]", (a) => a.map((l) => [l.getAttribute("href"), l.rel]));
      for (const [href, rel] of links) {
        assert.ok(href === "#" || /^https?:\/\//.test(href), `${view}: only web links: ${href}`);
        if (href !== "#") assert.equal(rel, "noopener noreferrer");
      }
      if (view === "markdown") {
        assert.deepEqual(links.filter(([h]) => h !== "#"), [["https://example.com/docs", "noopener noreferrer"]]);
        assert.match(await page.textContent("[data-testid=detail-input]"), /<b onmouseover/, "raw HTML shows as text");
        await viewer.screenshot("messages-hostile-markdown");
      }
      const images = await page.$$eval("main img", (imgs) => imgs.map((i) => i.getAttribute("src")));
      assert.ok(images.every((src) => src.startsWith("data:image/")), `${view}: only data: images: ${images}`);
      assert.equal(await page.$$eval("main script, main iframe, main svg", (n) => n.length), 0);
    }
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(viewer.dialogs, []);
    assert.deepEqual(requests.filter((url) => url.startsWith(pixel)), [], "no request left for the remote images");
    assert.deepEqual(hits, []);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
    server.close();
  }
});

test("a 10 MB message is folded and the page stays usable", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    const at = "2024-05-01T12:00:00Z";
    const huge = "All work and no play makes Jack a dull boy. ".repeat(240_000); // ~10.6 MB
    const file = JSON.stringify({ format: "prompttrace", version: 1,
      traces: [{ id: "huge", name: "huge", status: "completed", started_at: at, ended_at: "2024-05-01T12:00:02Z" }],
      observations: [
        { id: "g", trace_id: "huge", name: "long prompt", type: "generation", status: "completed", started_at: at,
          ended_at: "2024-05-01T12:00:01Z", input: [{ role: "user", content: huge }], output: "short answer" },
        { id: "s", trace_id: "huge", name: "after", type: "span", status: "completed", started_at: "2024-05-01T12:00:01Z",
          ended_at: "2024-05-01T12:00:02Z", output: "next" },
      ] });
    await viewer.goto("?page=storage");
    await viewer.dropFile("huge.json", file);
    assert.equal(await viewer.errors(), "");
    await viewer.openTrace("huge", "g");
    await viewer.waitForDetail("long prompt");
    await page.waitForSelector("[data-testid=detail-input] .message[data-role=user] .show-all");
    const drawn = await page.$eval("[data-testid=detail-input] .message[data-role=user] .text", (n) => n.textContent.length);
    assert.ok(drawn <= 3_000, `only the start is drawn (${drawn} characters)`);
    assert.match(await page.textContent("[data-testid=detail-input] .show-all"), /Show all \(10,560,000 characters\)/);
    // The page still answers: the next row is selected and shown.
    await viewer.clickRow("after");
    await viewer.waitForDetail("after");
    await viewer.clickRow("long prompt");
    await viewer.waitForDetail("long prompt");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
