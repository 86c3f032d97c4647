// What `npx prompttrace view` sends its pages as files change (the
// package's live-files.mjs, driven poll by poll): whole lines in parts
// numbered as in the file, a reset before anything else when a file is
// replaced, files that are not native converted once whole, and no hang
// when a page connects just after a file shrank.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "prompttrace"; // the Node entry loads the wasm core live-files.mjs converts with

const { LiveFiles } = await import(new URL("./node_modules/prompttrace/live-files.mjs", import.meta.url));
const fixtures = process.env.PROMPTTRACE_FIXTURES;
const chat = readFileSync(join(fixtures, "traces/chat-session.jsonl"), "utf8");

function setup(t, files = [], folders = []) {
  const dir = mkdtempSync(join(tmpdir(), "prompttrace-live-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logged = [];
  const at = (name) => join(dir, name);
  const live = new LiveFiles(fs, files.map(at), folders.map(at), (line) => logged.push(line));
  const events = [];
  live.follow((event) => events.push(event));
  return { at, live, events, logged };
}

const lines = (text) => text.split("\n").length - 1;

test("a file's lines arrive whole, in parts numbered as in the file, the last line only once ended", (t) => {
  const { at, live, events } = setup(t, ["a.jsonl"]);
  const [header, ...records] = chat.trimEnd().split("\n");
  writeFileSync(at("a.jsonl"), `${header}\n${records[0]}\n${records[1].slice(0, 20)}`);
  live.poll();
  writeFileSync(at("a.jsonl"), `${header}\n${records.join("\n")}\n`);
  live.poll();
  const appends = events.filter((e) => e.kind === "append");
  assert.deepEqual(appends.map((e) => e.line), [1, 3]);
  assert.equal(appends[0].text, `${header}\n${records[0]}\n`);
  assert.equal(appends.map((e) => e.text).join(""), `${header}\n${records.join("\n")}\n`);
});

test("a large file is sent in whole-line parts whose numbers follow on", (t) => {
  const { at, live, events } = setup(t, ["big.jsonl"]);
  const [header, first] = chat.split("\n");
  const record = JSON.parse(first);
  let text = `${header}\n`;
  for (let i = 0; text.length < 10_000_000; i++) text += `${JSON.stringify({ trace: { ...record.trace, id: `t${i}` } })}\n`;
  writeFileSync(at("big.jsonl"), text);
  live.poll();
  const appends = events.filter((e) => e.kind === "append");
  assert.ok(appends.length >= 3, `${appends.length} parts`);
  for (let i = 1; i < appends.length; i++) {
    assert.ok(appends[i - 1].text.endsWith("\n"));
    assert.equal(appends[i].line, appends[i - 1].line + lines(appends[i - 1].text));
  }
  assert.equal(appends.map((e) => e.text).join(""), text);
});

test("a replaced file resets every page first, and is then sent once, whole", (t) => {
  const { at, live, events } = setup(t, ["a.jsonl"]);
  writeFileSync(at("a.jsonl"), chat);
  live.poll();
  events.length = 0;
  const [header, , second] = chat.split("\n");
  writeFileSync(at("new.jsonl"), `${header}\n${second}\n`);
  renameSync(at("new.jsonl"), at("a.jsonl"));
  live.poll();
  assert.deepEqual(events.map((e) => [e.kind, e.line]), [["reset", undefined], ["append", 1]]);
  assert.equal(events[1].text, `${header}\n${second}\n`);
});

test("a page that connects right after a file was emptied is sent a reset, not a hang", (t) => {
  const { at, live } = setup(t, ["a.jsonl"]);
  writeFileSync(at("a.jsonl"), chat);
  live.poll();
  truncateSync(at("a.jsonl"), 0);
  const events = [];
  live.follow((event) => events.push(event));
  assert.equal(events[0].kind, "reset");
  assert.ok(events.length <= 2, `${events.length} events`);
  live.poll();
  assert.equal(events.at(-1).kind, "reset", "the next poll starts every page again");
});

test("a file that is not JSON Lines is converted once whole, even on one line without a newline; a broken one is said once", (t) => {
  const { at, live, events, logged } = setup(t, ["doc.json", "otlp.json"]);
  const doc = JSON.stringify(JSON.parse(readFileSync(join(fixtures, "traces/chat-session.json"), "utf8")));
  writeFileSync(at("doc.json"), doc);
  const otlp = readFileSync(join(fixtures, "interop/ai-sdk-6.json"), "utf8");
  writeFileSync(at("otlp.json"), otlp.slice(0, 300));
  live.poll(); // seen
  live.poll(); // unchanged for a poll: read
  writeFileSync(at("otlp.json"), otlp.slice(0, 600));
  live.poll();
  live.poll();
  const problems = events.filter((e) => e.kind === "problem");
  assert.equal(problems.length, 1, "said once while it stays broken");
  assert.match(problems[0].message, /otlp\.json/);
  assert.equal(logged.length, 1);
  const converted = events.find((e) => e.kind === "append" && e.file.endsWith("doc.json"));
  assert.match(converted.text, /^\{"format":"prompttrace"/);
  assert.match(converted.text, /"name":"question_2"/);
  events.length = 0;
  writeFileSync(at("otlp.json"), otlp);
  live.poll();
  live.poll();
  assert.deepEqual(events.map((e) => e.kind), ["append"], "a file that failed before was never sent: no reset");
  assert.match(events[0].text, /POST \/api\/chat/);
});

test("new trace files in a followed folder are announced and sent", (t) => {
  const { at, live, events } = setup(t, [], ["runs"]);
  live.poll();
  fs.mkdirSync(at("runs"));
  writeFileSync(at("runs/one.jsonl"), chat);
  writeFileSync(at("runs/notes.txt"), "not a trace file");
  live.poll();
  assert.deepEqual(events.map((e) => e.kind), ["reset", "files", "append"]);
  assert.deepEqual(events[1].files, [at("runs/one.jsonl")]);
});
