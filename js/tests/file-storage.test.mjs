// Node file storage: records appended as they start and end, across process
// restarts and concurrent processes, a crash mid-write, and memory that stays
// bounded while the summary still covers the whole file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Tracer } from "prompttrace";
import { sleep, tracer } from "./helpers.mjs";

const writer = new URL("./file-writer.mjs", import.meta.url).pathname;
const cli = process.env.PROMPTTRACE_CLI;

/** A fresh folder for one test, removed after it. */
function folder(t) {
  const dir = mkdtempSync(join(tmpdir(), "prompttrace-file-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs file-writer.mjs to the end. */
const write = (file, name, count, env = {}) =>
  promisify(execFile)(process.execPath, [writer, file, name, String(count)], { env: { ...process.env, ...env } });

const lines = (file) => readFileSync(file, "utf8").split("\n").filter((line) => line !== "");

async function load(file) {
  const problems = [];
  const loaded = await Tracer.load({ storage: { file }, onError: (error) => problems.push(error.message) });
  return { loaded, problems, summary: loaded.summary() };
}

test("records are appended as they start and as they end, and the CLI reads the file", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  const { tracer: app, problems } = tracer({ storage: { file } });
  const trace = app.trace({ name: "chat", sessionId: "s1" });
  const llm = trace.generation({ name: "answer", model: "gpt-4o-mini" });
  await sleep(0); // the queue applies when the app is idle
  assert.deepEqual(lines(file).map((line) => Object.keys(JSON.parse(line))[0]), ["format", "trace", "observation"]);
  assert.equal(JSON.parse(lines(file)[2]).observation.status, "running");
  llm.complete({ output: "hi", usage: { input: 10, output: 2 } });
  trace.complete({ output: "hi" });
  await app.flush();
  const records = lines(file).slice(1).map((line) => JSON.parse(line));
  assert.deepEqual(records.map((r) => (r.trace ?? r.observation).status), ["running", "running", "completed", "completed"]);
  assert.deepEqual(problems, []);
  if (cli) {
    const summary = JSON.parse(execFileSync(cli, ["summary", "--json", file], { encoding: "utf8" }));
    assert.deepEqual(summary.traces.map((x) => [x.name, x.status, x.tokens.total]), [["chat", "completed", 12]]);
  }
});

test("a process started again appends to the same file, with or without Tracer.load", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  await write(file, "first", 3);
  await write(file, "second", 2);
  const { summary, problems } = await load(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(summary.traces.map((x) => x.name).sort(), ["first-0", "first-1", "first-2", "second-0", "second-1"]);
  assert.ok(summary.traces.every((x) => x.status === "completed" && x.observation_count === 2));
  // A tracer that loaded the history and records more keeps adding.
  const { loaded } = await load(file);
  loaded.trace("third").complete();
  await loaded.flush();
  assert.equal((await load(file)).summary.traces.length, 6);
});

test("two processes appending to one file at once lose nothing", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  await Promise.all([write(file, "a", 150, { PAYLOAD: "3000" }), write(file, "b", 150, { PAYLOAD: "3000" })]);
  const { summary, problems } = await load(file);
  assert.deepEqual(problems, []);
  assert.equal(summary.traces.length, 300);
  assert.ok(summary.traces.every((x) => x.status === "completed" && x.observation_count === 2 && x.tokens.total === 12));
});

test("a process killed with SIGKILL mid-write leaves a file that reads back, and appending goes on", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  // Inputs of 256 KB: each record is a write of many pages, which a kill can cut.
  const child = spawn(process.execPath, [writer, file, "killed", "loop"], {
    env: { ...process.env, PAYLOAD: String(256 * 1024) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  t.after(() => child.kill("SIGKILL"));
  await new Promise((resolve) => child.stdout.once("data", resolve));
  while (statSync(file).size < 8 * 1024 * 1024) {
    assert.equal(child.exitCode, null, "the writer records until it is killed");
    await sleep(5);
  }
  child.kill("SIGKILL");
  await exited;

  const text = readFileSync(file);
  const cut = text.at(-1) !== 0x0a; // the kill stopped a write mid-line
  const first = await load(file);
  assert.ok(first.summary.traces.length >= 1);
  assert.equal(first.problems.length, cut ? 1 : 0, first.problems.join("\n"));
  if (cut) assert.match(first.problems[0], /:\d+:1: line \d+ was cut short \(a write stopped by a crash\?\) and is skipped$/);

  // The next process starts on a new line: the cut line stays skippable.
  await write(file, "after", 1);
  const second = await load(file);
  assert.equal(second.problems.length, cut ? 1 : 0, second.problems.join("\n"));
  assert.equal(second.summary.traces.length, first.summary.traces.length + 1);
  assert.ok(second.summary.traces.some((x) => x.name === "after-0" && x.status === "completed"));
});

test("another process killed mid-line while this one keeps appending: one warning, every record of this one kept", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  const { tracer: app, problems } = tracer({ storage: { file } });
  app.trace("a-1").complete();
  await app.flush();
  // Process B started on the same file and was killed with SIGKILL mid-line
  // (deterministically: its header and a cut line, between two of A's writes).
  appendFileSync(file, '{"format":"prompttrace","version":1}\n{"trace":{"id":"bbbb","name":"b-1","status":"runn');
  app.trace("a-2").complete();
  await app.flush();
  app.trace("a-3").complete();
  await app.flush();
  assert.deepEqual(problems, []);
  const read = await load(file);
  assert.deepEqual(read.summary.traces.map((x) => [x.name, x.status]).sort(), [
    ["a-1", "completed"],
    ["a-2", "completed"],
    ["a-3", "completed"],
  ]);
  assert.equal(read.problems.length, 1, read.problems.join("\n"));
  assert.match(read.problems[0], /line \d+ was cut short/);
});

test("a last line cut short is skipped with one warning; the records before it are kept", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  await write(file, "cut", 2);
  const size = statSync(file).size;
  truncateSync(file, size - 20); // inside the last record: the second trace's LLM call's end
  const { loaded, summary, problems } = await load(file);
  const statuses = (trace) => [trace.name, trace.status, ...trace.tree.map((node) => node.status)];
  assert.deepEqual(summary.traces.map(statuses), [
    ["cut-0", "completed", "completed", "completed"],
    ["cut-1", "completed", "completed", "running"],
  ]);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /traces\.jsonl:\d+:1: line \d+ was cut short/);
  loaded.summary(); // reads the file again: the same warning is not repeated
  assert.equal(problems.length, 1);
  if (cli) execFileSync(cli, ["validate", file], { stdio: "pipe" });
});

test("a file saved again by an editor with a UTF-8 byte order mark loads, and appending goes on", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  await write(file, "kept", 1);
  writeFileSync(file, `\ufeff${readFileSync(file, "utf8")}`);
  const { loaded, summary, problems } = await load(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(summary.traces.map((trace) => trace.name), ["kept-0"]);
  loaded.trace({ name: "added" }).complete();
  await loaded.flush();
  assert.deepEqual((await load(file)).summary.traces.map((trace) => trace.name).sort(), ["added", "kept-0"]);
});

test("maxTracesInMemory: stored traces that ended leave memory, and summary() still covers the file", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  const { tracer: app, problems } = tracer({ storage: { file }, maxTracesInMemory: 5 });
  const running = app.trace("still running");
  for (let i = 0; i < 20; i++) {
    const trace = app.trace(`done-${i}`);
    trace.span("step").complete();
    trace.complete();
    await sleep(0);
  }
  await app.flush();
  const inMemory = JSON.parse(app.export()).traces.map((x) => x.name);
  assert.equal(inMemory.length, 5);
  assert.ok(inMemory.includes("still running"), "a running trace stays");
  assert.deepEqual(inMemory.filter((name) => name !== "still running"), ["done-16", "done-17", "done-18", "done-19"]);
  const summary = app.summary();
  assert.equal(summary.traces.length, 21);
  assert.equal(summary.traces.filter((x) => x.status === "completed").length, 20);
  running.complete();
  await app.flush();
  assert.equal(app.summary().traces.filter((x) => x.status === "completed").length, 21);
  assert.deepEqual(problems, []);
});

test("a record for a trace that left memory is refused with a message naming maxTracesInMemory", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  const { tracer: app, problems } = tracer({ storage: { file }, maxTracesInMemory: 0 });
  const trace = app.trace("answer");
  trace.generation({ name: "llm" }).complete({ output: "x" });
  trace.complete({ output: "x" });
  await app.flush(); // saved and ended: it leaves memory
  assert.equal(JSON.parse(app.export()).traces.length, 0);
  trace.update({ metadata: { feedback: "thumbs up" } });
  trace.span("follow-up").complete();
  await app.flush();
  assert.ok(problems.length >= 2, problems.join("\n"));
  for (const problem of problems.slice(0, 2)) assert.match(problem, /left memory .*maxTracesInMemory/);
  // The stored trace is as it was saved.
  const { summary } = await load(file);
  assert.deepEqual(summary.traces.map((x) => [x.name, x.status, x.observation_count]), [["answer", "completed", 1]]);
});

test("without storage or an exporter nothing leaves memory", async () => {
  const { tracer: app, problems } = tracer({ maxTracesInMemory: 2 });
  for (let i = 0; i < 10; i++) app.trace(`t${i}`).complete();
  await app.flush();
  assert.equal(app.summary().traces.length, 10);
  assert.deepEqual(problems, []);
});

test("file storage in a file that cannot be written reports, keeps the traces, and saves them later", async (t) => {
  const dir = folder(t);
  // A missing folder is made; a file where the folder should be cannot be.
  writeFileSync(join(dir, "in-the-way"), "");
  const file = join(dir, "in-the-way", "traces.jsonl");
  const { tracer: app, problems } = tracer({ storage: { file }, maxTracesInMemory: 1 });
  app.trace("a").complete();
  app.trace("b").complete();
  await app.flush();
  assert.equal(app.summary().traces.length, 2, "kept in memory while unsaved");
  assert.match(problems[0], /^could not open .*traces\.jsonl to save traces \(ENOTDIR.*\); they stay in memory$/);
  // The folder appears: the next apply writes what waited.
  execFileSync("rm", [join(dir, "in-the-way")]);
  execFileSync("mkdir", [join(dir, "in-the-way")]);
  app.trace("c").complete();
  await app.flush();
  assert.deepEqual((await load(file)).summary.traces.map((x) => x.name).sort(), ["a", "b", "c"]);
});

test("a stored file that another tool broke is reported, and memory still answers", async (t) => {
  const file = join(folder(t), "traces.jsonl");
  writeFileSync(file, "not a trace file\n");
  const { tracer: app, problems } = tracer({ storage: { file } });
  app.trace("mine").complete();
  assert.deepEqual(app.summary().traces.map((x) => x.name), ["mine"]);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^the summary covers memory only: .*traces\.jsonl:1:1: /);
});
