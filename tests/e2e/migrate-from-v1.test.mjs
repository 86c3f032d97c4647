// Layout v1 → v2 on the first start: the viewer's own database
// (`prompttrace-viewer`, one JSON Lines file) and the npm package's v1
// `files` entries move into the shared database `prompttrace`, one record
// per trace, in one transaction; the old database is then deleted. A v1
// store that cannot be read is left untouched, and the user is told.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Viewer, repo } from "./viewer-page.mjs";

const chatSession = readFileSync(join(repo, "tests/fixtures/traces/chat-session.jsonl"), "utf8");
const APP_FILE = [
  { format: "prompttrace", version: 1 },
  { trace: { id: "from-the-app", name: "recorded by the app", status: "completed",
    started_at: "2024-06-01T00:00:00Z", ended_at: "2024-06-01T00:00:01Z" } },
].map((line) => JSON.stringify(line)).join("\n") + "\n";

test("the viewer's v1 store and the npm package's v1 files move to layout v2", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  try {
    await viewer.seedOldViewerStore(chatSession);
    await viewer.seedNpmV1Store("prompttrace", APP_FILE);
    await viewer.goto();
    const sessions = await viewer.sessionRows();
    assert.deepEqual(sessions.map((r) => [r[0], r[1]]), [["chat_123", "3"]], "the v1 traces are shown (no demo)");
    assert.equal(await viewer.errors(), "");

    const keys = await viewer.storedKeys("traces");
    assert.equal(keys.length, 4, "the chat session's 3 traces and the app's, one record each");
    assert.ok(keys.includes("from-the-app"));
    assert.deepEqual(await viewer.storedKeys("index"), keys);
    assert.deepEqual(await viewer.stored("meta"), [["layout", 2]]);
    assert.deepEqual(await viewer.stored("files"), [], "the npm package's v1 entries were moved");
    await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === "prompttrace-viewer"));

    await viewer.page.reload();
    assert.equal(await viewer.storedTraces(), "4", "a reload reads layout v2");
    assert.equal(await viewer.errors(), "");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a v1 store that cannot be read is left untouched, nothing is written, and the user is told", async () => {
  const viewer = await Viewer.open();
  const page = viewer.page;
  // Broken mid-file (a line follows): not a write cut short by a crash.
  const broken = '{"format":"prompttrace","version":1}\n{"trace": {"id": "t1", "name": }}\n{"trace": {"id": "t2"}}\n';
  try {
    await viewer.seedOldViewerStore(broken);
    await viewer.goto();
    const errors = await viewer.errors();
    assert.match(errors, /stored traces:2:\d+: .*The stored traces are left as they are; nothing is saved over them until you clear storage/);
    assert.deepEqual(await viewer.storedKeys("traces"), [], "nothing was written");
    assert.deepEqual(await viewer.stored("files", "prompttrace-viewer"), [["store", broken]], "the v1 store is untouched");

    // A file loaded meanwhile is shown, and not saved over the v1 store.
    await viewer.dropFile("app.jsonl", APP_FILE);
    assert.match(await viewer.errors(), /not saved: the stored traces could not be read/);
    await viewer.page.reload();
    await viewer.idle();
    assert.match(await viewer.errors(), /The stored traces are left as they are/, "told again on every visit");
    assert.deepEqual(await viewer.stored("files", "prompttrace-viewer"), [["store", broken]]);
    assert.deepEqual(await viewer.storedKeys("traces"), []);

    // Clearing is the user's word: the v1 store goes too.
    await viewer.clearStorage();
    await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === "prompttrace-viewer"));
    await viewer.goto();
    assert.equal(await viewer.errors(), "");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});

test("a v1 store whose last line a crash cut short moves without that line, and says so", async () => {
  const viewer = await Viewer.open();
  try {
    await viewer.seedOldViewerStore(APP_FILE + '{"trace": {"id": "t9", "name":');
    await viewer.goto();
    assert.match(await viewer.errors(), /Moved without: .*line 3 was cut short \(a write stopped by a crash\?\) and is skipped/);
    assert.deepEqual(await viewer.storedKeys("traces"), ["from-the-app"], "the rest is moved");
    await viewer.page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === "prompttrace-viewer"));
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
