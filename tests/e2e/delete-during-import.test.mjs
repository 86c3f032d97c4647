// A trace deleted while an import that brings more of it is being written:
// IndexedDB runs the two writes in order, and whichever came last decides.
// The lists must show what storage holds, not the import's rows from before
// the delete (which left a row whose record was gone).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Viewer } from "./viewer-page.mjs";
import { interopFile, expected } from "./conversation-files.mjs";

/** In the import worker: when it has put everything and asks its readwrite
 * transaction to commit, say so on a BroadcastChannel and keep the
 * transaction open for `ms` more (a read at a time) before it commits, as
 * a large file's write would take. */
function holdTheWrite(ms) {
  const commit = IDBTransaction.prototype.commit;
  IDBTransaction.prototype.commit = function () {
    if (this.mode !== "readwrite") return commit.call(this);
    const transaction = this;
    const until = Date.now() + ms;
    const keepOpen = () => {
      if (Date.now() < until) transaction.objectStore("traces").count().onsuccess = keepOpen;
      else commit.call(transaction);
    };
    keepOpen();
    new BroadcastChannel("test").postMessage("writing");
  };
}

test("a trace deleted while an import writes more of it is listed only if it is still stored", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.clearStorage();
    const fixture = JSON.parse(readFileSync(interopFile("ai-sdk-6.json"), "utf8"));
    await viewer.dropFile("ai-sdk-6.json", JSON.stringify(fixture));
    const trace = expected("ai-sdk-6.json").traces[0];
    // More of the same trace: one of its spans again under a new id.
    const spans = fixture.resourceSpans[0].scopeSpans[0].spans;
    const child = spans.find((s) => s.parentSpanId);
    spans.push({ ...child, spanId: "00000000000000ff", name: "one more step" });

    await viewer.openTrace(trace.id);
    viewer.inWorker(holdTheWrite, 2_000);
    const writing = page.evaluate(() => new Promise((resolve) => {
      new BroadcastChannel("test").onmessage = () => resolve();
    }));
    await viewer.dropFile("more.json", JSON.stringify(fixture), { wait: false });
    await writing;
    // The delete's write waits behind the import's, so it comes last.
    await page.click("button >> text=Delete trace");
    await page.click("[role=group][aria-label='Delete trace?'] >> text=Yes, delete");
    await viewer.idle();
    await page.waitForFunction(() => !document.querySelector("[data-testid=progress]"));

    const stored = (await viewer.storedKeys("traces")).includes(trace.id);
    const rowStored = (await viewer.storedKeys("index")).includes(trace.id);
    assert.equal(stored, false, "the delete came last");
    assert.equal(rowStored, false);
    // In this tab, without a reload: the traces list agrees with storage.
    await page.click("nav >> text=Traces");
    await page.waitForSelector("[data-testid=traces]");
    await page.waitForTimeout(500); // a late row would show by now
    const listed = await page.$$eval("[data-testid=traces] tbody tr a", (links, id) =>
      links.some((a) => a.getAttribute("href").includes(id)), trace.id);
    assert.equal(listed, false, "no row of a trace that is not stored");
    assert.equal(await viewer.errors(), "");
  } finally {
    await viewer.close();
  }
});
