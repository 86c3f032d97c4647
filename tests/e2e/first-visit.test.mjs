// A newcomer opens the viewer: the demo traces (the seed's scenarios) are there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Viewer } from "./viewer-page.mjs";

test("the first visit shows the demo sessions, and they survive a reload", async () => {
  const viewer = await Viewer.open();
  try {
    await viewer.goto();
    const rows = await viewer.sessionRows();
    const ids = rows.map((r) => r[0]).sort();
    assert.deepEqual(ids, ["chat_123", "support_7"]);
    const chat = rows.find((r) => r[0] === "chat_123");
    assert.equal(chat[1], "3", "three traces in the chat session");
    assert.equal(chat[4], "12.30 s", "wall extent of the session");
    assert.equal(chat[5], "505", "tokens");
    await viewer.screenshot("sessions");
    await viewer.goto();
    assert.equal((await viewer.sessionRows()).length, 2, "a reload keeps the data (IndexedDB)");
    assert.deepEqual(viewer.pageErrors, []);
  } finally {
    await viewer.close();
  }
});
