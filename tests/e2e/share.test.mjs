// Sharing without a server: "Copy link" puts the trace in the link's
// fragment, opened elsewhere it shows without being stored until "Keep";
// "Download as HTML" writes one file that shows the trace from file://
// with every network request refused; "leave out inputs and outputs"
// leaves none in what is shared; hostile content stays inside its block.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { deflateSync, inflateSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Viewer, repo, screenshots } from "./viewer-page.mjs";

const LANGFUSE = join(repo, "tests/fixtures/interop/langfuse-api-trace.json");
const TRACE = "bef54bced683e14c1de2ce5d3cb8bc9c";
/** Words of that trace's input, and of an LLM call's answer. */
const CONTENT = "charged twice";

/** A viewer with the Langfuse fixture stored, on its trace page. */
async function viewerWithTrace() {
  const viewer = await Viewer.open();
  await viewer.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: viewer.base });
  await viewer.goto("?page=storage");
  await viewer.loadFiles([LANGFUSE]);
  assert.equal(await viewer.errors(), "");
  await viewer.openTrace(TRACE);
  return viewer;
}

/** Opens the share panel, sets what to leave out, and makes the link. */
async function makeLink(viewer, { dropContent = false } = {}) {
  const page = viewer.page;
  if (!(await page.$("[data-testid=share-dialog]"))) await page.click("[data-testid=share]");
  await page.setChecked("[data-testid=share-drop-content]", dropContent);
  await page.click("[data-testid=share-copy-link]");
  await page.waitForSelector("[data-testid=share-link]");
  return page.inputValue("[data-testid=share-link]");
}

/** The JSON Lines a link carries, decoded here as the format says. */
function linkContent(link) {
  const text = link.slice(link.indexOf("#t=") + 3);
  return inflateSync(Buffer.from(text, "base64url")).toString("utf8");
}

/** The address of `link` on another viewer's server (the same dist/). */
const on = (viewer, link) => viewer.base + link.slice(link.indexOf("#"));

/** The link this tab holds unkept (its sessionStorage), or null. */
const heldLink = (page) => page.evaluate(() => sessionStorage.getItem("prompttrace-shared-link"));

/** The address without its fragment, in place (what a click does). */
const dropFragment = (page) => page.evaluate(() => history.replaceState(null, "", location.pathname + location.search));

test("a copied link opens the trace unstored; Keep stores it; a damaged link stores nothing", async () => {
  const sender = await viewerWithTrace();
  const receiver = await Viewer.open();
  const third = await Viewer.open();
  try {
    const page = sender.page;
    const link = await makeLink(sender);
    await sender.screenshot("share-dialog");
    await sender.toggleTheme();
    await sender.screenshot("share-dialog-dark");
    await sender.toggleTheme();
    console.log(`# link of a 10-observation trace: ${link.length} characters, from ${linkContent(link).length} bytes of JSON Lines`);
    assert.ok(link.startsWith(`${sender.base}#t=`), "the viewer's address and the fragment only: no query");
    assert.match(await page.textContent("[data-testid=share-said]"), /Link copied/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    assert.match(linkContent(link), /^\{"format":"prompttrace","version":1\}\n\{"trace":\{"id":"bef54bced683e14c1de2ce5d3cb8bc9c"/);

    // Opened in a fresh browser: shown from the link, nothing stored.
    const other = receiver.page;
    await other.goto(on(receiver, link));
    await other.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
    await other.waitForSelector("[data-testid=trace-header]");
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488");
    assert.match(await other.textContent("[data-testid=shared-banner]"), /Shared trace — not stored/);
    const address = new URL(other.url());
    assert.equal(address.searchParams.get("page"), "trace");
    assert.equal(address.searchParams.get("id"), TRACE);
    assert.ok(!address.search.includes("t="), "the shared text never enters the query");
    assert.equal(await receiver.errors(), "");
    assert.deepEqual(await receiver.storedKeys("traces"), [], "nothing stored before Keep");
    await receiver.screenshot("shared-trace");
    await receiver.toggleTheme();
    await receiver.screenshot("shared-trace-dark");
    await receiver.toggleTheme();

    // A click replaces the address (the fragment goes): a reload still
    // opens the link this tab holds unkept, on the page it was on.
    await receiver.clickRow("llm-plan");
    await receiver.waitForDetail("llm-plan");
    assert.ok(!other.url().includes("#t="), "the click replaced the address");
    await other.reload();
    await other.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
    await receiver.waitForDetail("llm-plan");
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488");
    assert.deepEqual(await receiver.storedKeys("traces"), [], "still not stored");

    // Keep: stored through the import, the banner goes, a reload shows it.
    await other.click("[data-testid=shared-keep]");
    await other.waitForFunction(() => !document.querySelector("[data-testid=shared-banner]"));
    await receiver.idle();
    assert.deepEqual(await receiver.storedKeys("traces"), [TRACE]);
    assert.ok(!other.url().includes("#t="), "the fragment went with Keep");
    assert.equal(await heldLink(other), null, "Keep forgot the tab's copy");
    // Shown on from what storage now holds (read again, not the held copy).
    await other.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488");
    await other.reload();
    await other.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488");
    assert.equal(await other.$("[data-testid=shared-banner]"), null);

    // The same link opened again once kept: the stored trace, not held.
    await other.goto("about:blank");
    await other.goto(on(receiver, link));
    await other.waitForSelector("[data-testid=notice] >> text=already kept", { timeout: 30_000 });
    await other.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488");
    assert.equal(await other.$("[data-testid=shared-banner]"), null, "nothing to keep");
    assert.equal(await heldLink(other), null);
    assert.ok(!other.url().includes("#t="));
    assert.deepEqual(await receiver.storedKeys("traces"), [TRACE]);

    // A link cut short, altered in one character (zlib's checksum), or not
    // base64 at all: a clear error, nothing stored, and the app goes on.
    const middle = link.indexOf("#t=") + Math.floor((link.length - link.indexOf("#t=")) / 2);
    const flipped = link.slice(0, middle) + (link[middle] === "A" ? "B" : "A") + link.slice(middle + 1);
    for (const damaged of [link.slice(0, Math.floor(link.length / 2)), flipped, `${sender.base}#t=not*base64!`]) {
      await third.page.goto("about:blank"); // a new load, not a fragment change
      await third.page.goto(on(third, damaged));
      await third.page.waitForSelector("[data-testid=errors]", { timeout: 30_000 });
      assert.match(await third.errors(), /This shared link could not be opened: .*Nothing was stored\./);
      assert.equal(await third.page.$("[data-testid=shared-banner]"), null);
      assert.deepEqual(await third.storedKeys("traces"), []);
      await third.page.click("nav >> text=Traces");
      await third.page.waitForSelector("[data-testid=traces], .empty");
    }
    // Pasted into the address bar of a tab showing the viewer (only the
    // fragment changes, which loads nothing): it opens as in a new tab —
    // here the sender's own link, whose trace it stores as it is: the
    // stored trace is shown, nothing held.
    await sender.goto("?page=traces");
    await page.goto(link.replace("#", "?page=traces#"));
    await page.waitForSelector("[data-testid=notice] >> text=already kept", { timeout: 30_000 });
    await page.waitForSelector("[data-testid=trace-header]");
    assert.equal(new URL(page.url()).searchParams.get("id"), TRACE);
    assert.equal(await page.$("[data-testid=shared-banner]"), null);
    for (const viewer of [sender, receiver, third]) assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await Promise.all([sender.close(), receiver.close(), third.close()]);
  }
});

test("a Keep that fails keeps the shared trace held and says why; Keep again stores it", async () => {
  const sender = await viewerWithTrace();
  const receiver = await Viewer.open();
  try {
    const link = await makeLink(sender);
    const other = receiver.page;
    await other.goto(on(receiver, link));
    await other.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
    // The import worker, which stores it, cannot write.
    receiver.inWorker(() => {
      IDBObjectStore.prototype.put = function () {
        throw new TypeError("the disk is on fire");
      };
    });
    await other.click("[data-testid=shared-keep]");
    await other.waitForSelector("[data-testid=shared-keep-failed]", { timeout: 30_000 });
    assert.match(await other.textContent("[data-testid=shared-keep-failed]"), /Not kept \(.*the disk is on fire.*\): it is still held in this tab/);
    assert.match(await other.textContent("[data-testid=shared-banner]"), /Shared trace — not stored/);
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488", "the trace is still shown");
    assert.deepEqual(await receiver.storedKeys("traces"), []);
    // Storage works again: Keep stores it.
    receiver.inWorker(null);
    await other.click("[data-testid=shared-keep]");
    await other.waitForFunction(() => !document.querySelector("[data-testid=shared-banner]"), null, { timeout: 30_000 });
    await receiver.idle();
    assert.deepEqual(await receiver.storedKeys("traces"), [TRACE]);
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});

test("Clear everything and Delete forget a shared trace held unkept: no reload or Keep brings it back", async () => {
  const sender = await viewerWithTrace();
  const receiver = await Viewer.open();
  try {
    const link = await makeLink(sender);
    const other = receiver.page;
    for (const how of ["clear", "delete"]) {
      await other.goto("about:blank");
      await other.goto(on(receiver, link));
      await other.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
      await other.waitForSelector("[data-testid=trace-header]");
      assert.notEqual(await heldLink(other), null, "held for a reload");
      if (how === "clear") {
        await other.click("nav >> text=Storage");
        await other.click("[data-testid=clear]");
        await other.waitForFunction(() => document.querySelector("[data-testid=stored-traces]")?.textContent === "0");
      } else {
        await other.click("button >> text=Delete trace");
        await other.click("[role=group][aria-label='Delete trace?'] >> text=Yes, delete", { timeout: 10_000 });
        await other.waitForSelector("text=This trace is not stored here.");
      }
      await other.waitForFunction(() => !document.querySelector("[data-testid=shared-banner]"), null, { timeout: 10_000 });
      assert.equal(await heldLink(other), null, `${how}: the tab's copy went`);
      assert.ok(!other.url().includes("#t="), `${how}: the fragment went`);
      await other.reload();
      await other.waitForSelector("main");
      await receiver.idle();
      assert.equal(await other.$("[data-testid=shared-banner]"), null, `${how}: a reload does not bring it back`);
      assert.ok(!(await receiver.storedKeys("traces")).includes(TRACE), `${how}: the shared trace is not stored`);
    }
    assert.deepEqual(receiver.pageErrors, []);
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});

test("leaving out inputs and outputs leaves none in the link or the page it opens", async () => {
  const sender = await viewerWithTrace();
  const receiver = await Viewer.open();
  try {
    const full = linkContent(await makeLink(sender));
    assert.ok(full.includes(CONTENT), "without redaction the content is shared");
    const link = await makeLink(sender, { dropContent: true });
    const content = linkContent(link);
    assert.ok(!content.includes(CONTENT), "the words of the input are gone");
    for (const line of content.trim().split("\n").slice(1)) {
      const record = JSON.parse(line);
      const fields = record.trace ?? record.observation;
      for (const key of ["input", "output", "status_message", "template", "variables"]) assert.ok(!(key in fields), `${key} in ${line}`);
    }
    assert.ok(link.length < full.length);

    const other = receiver.page;
    await other.goto(on(receiver, link));
    await other.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
    await receiver.clickRow("llm-plan");
    await receiver.waitForDetail("llm-plan");
    assert.equal(await other.$("[data-testid=detail-input]"), null);
    assert.equal(await other.$("[data-testid=detail-output]"), null);
    assert.ok(!(await other.textContent("main")).includes(CONTENT));
    assert.equal(await other.textContent("[data-testid=trace-tokens]"), "488", "the figures stay");
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});

test("a session shares as one link: its three traces open on the session page", async () => {
  const sender = await Viewer.open();
  const receiver = await Viewer.open();
  try {
    await sender.goto("?page=storage");
    await sender.loadFiles([join(repo, "tests/fixtures/traces/chat-session.json")]);
    await sender.goto("?page=session&id=chat_123");
    await sender.page.waitForFunction(() => document.querySelectorAll("[data-testid=turn]").length === 3);
    const link = await makeLink(sender);
    assert.equal(linkContent(link).match(/^\{"trace":/gm).length, 3);

    const other = receiver.page;
    await other.goto(on(receiver, link));
    await other.waitForSelector("[data-testid=shared-banner]", { timeout: 30_000 });
    await other.waitForFunction(() => document.querySelectorAll("[data-testid=turn]").length === 3);
    assert.equal(new URL(other.url()).searchParams.get("page"), "session");
    assert.equal(await other.textContent("[data-testid=session-id]"), "chat_123");
    assert.match(await other.textContent("[data-testid=shared-banner]"), /^Shared session — not stored/);
    assert.deepEqual(await receiver.storedKeys("traces"), []);
    assert.deepEqual(receiver.pageErrors, []);
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});

test("a trace too large for a link says to download it as HTML instead; a long link is warned", async () => {
  const viewer = await Viewer.open();
  await viewer.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: viewer.base });
  try {
    const at = "2024-05-01T12:00:00Z";
    // Random text hardly compresses: 200 KB of hex is about 100 KB deflated.
    const noise = randomBytes(100_000).toString("hex");
    const file = JSON.stringify({
      format: "prompttrace", version: 1,
      traces: [{ id: "large", name: "large", status: "completed", started_at: at, ended_at: "2024-05-01T12:00:01Z", input: noise }],
      observations: [],
    });
    await viewer.goto("?page=storage");
    await viewer.dropFile("large.json", file);
    assert.equal(await viewer.errors(), "");
    await viewer.goto("?page=trace&id=large");
    await viewer.page.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
    await viewer.page.click("[data-testid=share]");
    await viewer.page.click("[data-testid=share-copy-link]");
    await viewer.page.waitForSelector("[data-testid=share-said]");
    assert.match(await viewer.page.textContent("[data-testid=share-said]"),
      /This trace is too large for a link \(even compressed, its link would be \d+ KB long; a link carries up to 64 KB\)\. Use Download as HTML\./);
    assert.equal(await viewer.page.$("[data-testid=share-link]"), null);

    // Between 8 and 64 KB: made, with a warning that chat tools may cut it.
    const some = randomBytes(6_000).toString("hex");
    await viewer.goto("?page=storage");
    await viewer.dropFile("long.json", JSON.stringify({
      format: "prompttrace", version: 1,
      traces: [{ id: "long", name: "long", status: "completed", started_at: at, ended_at: "2024-05-01T12:00:01Z", input: some }],
      observations: [],
    }));
    await viewer.goto("?page=trace&id=long");
    await viewer.page.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
    const link = await makeLink(viewer);
    assert.ok(link.length > 8 * 1024 && link.length < 64 * 1024, `${link.length}`);
    assert.match(await viewer.page.textContent("[data-testid=share-said]"),
      /Link copied \(\d+ KB\)\..* It is long: chat tools and mail may cut links over about 8 KB/);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a link too long, or one that unpacks too large, is refused before anything is stored", async () => {
  const viewer = await Viewer.open();
  try {
    const page = viewer.page;
    // Over a link's limit: refused before it is decoded.
    const long = "A".repeat(80 * 1024);
    // A decompression bomb: 40 MB of one letter deflates to a 54 KB link.
    const bomb = deflateSync(Buffer.alloc(40 * 1024 * 1024, "a"), { level: 9 }).toString("base64url");
    assert.ok(bomb.length < 64 * 1024, `the bomb fits a link (${bomb.length})`);
    for (const [text, why] of [[long, /it is 80 KB long, and a link carries up to 64 KB/], [bomb, /it is too large: it unpacks to more than 32 MB/]]) {
      await page.goto("about:blank");
      await page.goto(`${viewer.base}#t=${text}`);
      await page.waitForSelector("[data-testid=errors]", { timeout: 30_000 });
      const said = await viewer.errors();
      assert.match(said, /This shared link could not be opened: /);
      assert.match(said, why);
      assert.equal(await page.$("[data-testid=shared-banner]"), null);
      assert.deepEqual(await viewer.storedKeys("traces"), []);
    }
    // Not opened again by a reload, once the address no longer says it.
    assert.equal(await heldLink(page), null, "the tab holds no copy of a refused link");
    await dropFragment(page);
    await page.reload();
    await page.waitForSelector("main");
    await viewer.idle();
    assert.equal(await page.$("[data-testid=shared-banner]"), null);
    assert.equal(await viewer.errors(), "", "nothing opened to refuse again");
    assert.equal(await heldLink(page), null);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("without a clipboard the link is selected to copy; a local viewer says where its links open", async () => {
  const viewer = await viewerWithTrace();
  try {
    const page = viewer.page;
    // navigator.clipboard is missing outside a secure context.
    await page.evaluate(() => Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true }));
    await page.click("[data-testid=share]");
    assert.match(await page.textContent("[data-testid=share-always]"),
      /Always shared: names, times, statuses, models, model parameters, tokens, cost, prompt names and versions, tags, environment and release — and the user and session ids/);
    // The test's viewer runs on 127.0.0.1.
    assert.match(await page.textContent("[data-testid=share-local]"), /runs at 127\.0\.0\.1: a link opens only where that viewer runs.*Download as HTML/);
    const link = await makeLink(viewer);
    assert.match(await page.textContent("[data-testid=share-said]"), /did not allow copying: the link below \(\d+ KB\) is selected/);
    await page.waitForFunction(() => document.activeElement?.dataset.testid === "share-link");
    assert.equal(await page.evaluate(() => window.getSelection().toString() || document.activeElement.value.slice(document.activeElement.selectionStart, document.activeElement.selectionEnd)), link);
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

/** Opens a downloaded page from file:// in a fresh browser whose every
 * request but file: is refused; returns the page and the refused URLs. */
async function openOffline(path) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const refused = [];
  await context.route("**", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    refused.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  await page.goto(`file://${path}`);
  return { browser, page, refused, errors };
}

/** Downloads the shown trace as HTML; its path and text. */
async function downloadHtml(viewer) {
  const page = viewer.page;
  if (!(await page.$("[data-testid=share-dialog]"))) await page.click("[data-testid=share]");
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click("[data-testid=share-download]")]);
  const path = join(mkdtempSync(join(tmpdir(), "prompttrace-share-")), download.suggestedFilename());
  await download.saveAs(path);
  return { name: download.suggestedFilename(), path, html: readFileSync(path, "utf8") };
}

test("Download as HTML: one file that shows the trace from file:// with no network", async () => {
  const viewer = await viewerWithTrace();
  try {
    const { name, path, html } = await downloadHtml(viewer);
    assert.equal(name, `trace-${TRACE}.html`);
    assert.match(await viewer.page.textContent("[data-testid=share-said]"), /Downloaded .*\.html/);
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)[1];
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/]+=*' 'wasm-unsafe-eval'/);
    assert.match(csp, /default-src 'none'/);
    assert.ok(!/<script[^>]+src=|<link[^>]+href=/.test(html), "no file named outside the page");
    console.log(`# downloaded HTML: ${(html.length / 1024).toFixed(0)} KB`);

    const { browser, page, refused, errors } = await openOffline(path);
    try {
      await page.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
      assert.equal(await page.textContent("[data-testid=trace-tokens]"), "488");
      assert.match(await page.textContent("[data-testid=shared-banner]"), /opened from this file/);
      await page.screenshot({ path: join(screenshots, "shared-file.png") });
      await page.click(`[data-testid=timeline-row] .obs-name >> text="llm-plan"`);
      await page.waitForSelector("[data-testid=detail-input]");
      assert.ok((await page.textContent("main")).includes(CONTENT));
      assert.equal(await page.$("[data-testid=share]"), null, "no share from a file: it has no server to read the viewer from");
      assert.equal(await page.$("[data-testid=file-input]"), null, "no files opened into a shared file's page");
      assert.equal(await page.$("[data-testid=shared-keep]"), null);
      assert.deepEqual(refused, [], "nothing asked for the network");
      assert.deepEqual(errors, [], "no CSP refusal, no error");
    } finally {
      await browser.close();
    }
  } finally {
    await viewer.close();
  }
});

const HOSTILE = [
  "</script><img src=x onerror=\"window.__pwned='img'\">",
  "<!--<script>window.__pwned='comment'</script>",
  "</SCRIPT ><script>window.__pwned='upper'</script>",
];

test("hostile content in a downloaded HTML file stays inside its data block", async () => {
  const viewer = await Viewer.open();
  try {
    const at = "2024-05-01T12:00:00Z";
    const file = JSON.stringify({
      format: "prompttrace",
      version: 1,
      traces: [{ id: "evil", name: HOSTILE[0], status: "completed", started_at: at, ended_at: "2024-05-01T12:00:01Z", input: HOSTILE }],
      observations: HOSTILE.map((text, i) => ({ id: `o${i}`, trace_id: "evil", name: `step ${i}`, type: "generation", status: "completed",
        started_at: at, ended_at: "2024-05-01T12:00:00.5Z", input: text, output: { text } })),
    });
    await viewer.goto("?page=storage");
    await viewer.dropFile("hostile.json", file);
    assert.equal(await viewer.errors(), "");
    await viewer.openTrace("evil");
    const { path, html } = await downloadHtml(viewer);
    // The trace's name is the page's title, raw text in the HTML.
    assert.equal(html.match(/<title>([^<]*)<\/title>/)[1],
      "&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned='img'&quot;&gt; — prompttrace");
    for (const text of ["<img src=x", "<!--"]) assert.ok(!html.includes(text), `${text} is not in the file as it was`);
    const untitled = html.replace(/<title>[^<]*<\/title>/, "");
    assert.ok(!untitled.includes("window.__pwned"), "elsewhere only in the data block's alphabet");
    assert.equal((html.match(/<\/script>/g) ?? []).length, 3, "the two data blocks and the one script, each closed once");

    const { browser, page, refused, errors } = await openOffline(path);
    try {
      await page.waitForSelector("[data-testid=trace-header]", { timeout: 30_000 });
      assert.ok((await page.textContent(".trace-header h1")).startsWith(HOSTILE[0]), "the name shown as text");
      assert.equal(await page.title(), `${HOSTILE[0]} — prompttrace`);
      await page.click(`[data-testid=timeline-row] .obs-name >> text="step 1"`);
      await page.waitForSelector("[data-testid=detail-input]");
      assert.ok((await page.textContent("[data-testid=detail-input]")).includes("<!--<script>"));
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(await page.$$eval("main img, main script", (nodes) => nodes.length), 0);
      assert.deepEqual(refused, []);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  } finally {
    await viewer.close();
  }
});
