// Storage: flush and load, and failures that must not lose stored data.
// Node has no localStorage or IndexedDB; a small in-memory localStorage with
// a quota stands in (the browser test uses the real IndexedDB).
import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Tracer } from "prompttrace";
import { tracer } from "./helpers.mjs";

class QuotaStorage {
  constructor(quota) {
    this.quota = quota;
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    if (value.length > this.quota) {
      const error = new Error("The quota has been exceeded.");
      error.name = "QuotaExceededError";
      throw error;
    }
    this.items.set(key, value);
  }
}

beforeEach(() => {
  globalThis.localStorage = new QuotaStorage(10_000);
});
afterEach(() => {
  delete globalThis.localStorage;
});

test("flush writes to localStorage and load restores it", async () => {
  const { tracer: t, problems } = tracer({ storage: "localStorage" });
  const trace = t.trace({ name: "saved", sessionId: "s" });
  trace.span("step").complete({ output: 1 });
  trace.complete();
  await t.flush();
  const restored = await Tracer.load({ storage: "localStorage", onError: (e) => problems.push(e.message) });
  assert.equal(restored.export(), t.export());
  assert.deepEqual(problems, []);
});

test("a write over quota is reported and the stored copy is kept", async () => {
  const { tracer: t, problems } = tracer({ storage: "localStorage" });
  t.trace("small").complete();
  await t.flush();
  const stored = globalThis.localStorage.getItem("prompttrace");
  t.trace({ name: "huge", input: "x".repeat(20_000) }).complete();
  await t.flush();
  assert.equal(globalThis.localStorage.getItem("prompttrace"), stored);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /could not save traces to localStorage \(QuotaExceededError: .*\); the earlier copy is kept/);
});

test("storage that is not there is reported and traces stay in memory", async () => {
  delete globalThis.localStorage;
  const { tracer: t, problems } = tracer({ storage: "indexedDB" });
  t.trace("kept in memory").complete();
  await t.flush();
  assert.equal(t.summary().traces.length, 1);
  assert.deepEqual(problems, ["IndexedDB is not available here; traces stay in memory"]);
});

test("a corrupt stored copy is reported and loading still gives a tracer", async () => {
  globalThis.localStorage.setItem("prompttrace", "{not json");
  const problems = [];
  const t = await Tracer.load({ storage: "localStorage", onError: (e) => problems.push(e.message) });
  assert.equal(t.summary().traces.length, 0);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^localStorage:prompttrace:1:\d+: /);
  // Saving would destroy what is stored; it is refused until clear().
  t.trace("new").complete();
  await t.flush();
  assert.equal(globalThis.localStorage.getItem("prompttrace"), "{not json");
  assert.match(problems[1], /^not saved: the stored traces could not be read/);
  t.clear();
  await t.flush();
  assert.notEqual(globalThis.localStorage.getItem("prompttrace"), "{not json");
});

test("a new tracer's flush adds to what an earlier tracer stored", async () => {
  const { tracer: first, problems } = tracer({ storage: "localStorage" });
  first.trace({ name: "first", sessionId: "s" }).complete();
  await first.flush();
  const { tracer: second } = tracer({ storage: "localStorage", onError: (e) => problems.push(e.message) });
  second.trace({ name: "second", sessionId: "s" }).complete();
  await second.flush();
  await second.flush(); // nothing new: nothing changes
  const restored = await Tracer.load({ storage: "localStorage", onError: (e) => problems.push(e.message) });
  assert.deepEqual(restored.summary().traces.map((t) => t.name), ["first", "second"]);
  assert.deepEqual(problems, []);
});

test("a trace stored already is merged with this tracer's by the core's rule", async () => {
  const { tracer: first, problems } = tracer({ storage: "localStorage" });
  const open = first.trace({ id: "t1", name: "chat" });
  open.span("step-1").complete();
  await first.flush(); // the trace still runs
  const { tracer: second } = tracer({ storage: "localStorage", onError: (e) => problems.push(e.message) });
  const resumed = second.trace({ id: "t1", name: "chat" });
  resumed.span("step-2").complete();
  resumed.complete({ output: "done" });
  await second.flush();
  const [trace] = (await Tracer.load({ storage: "localStorage" })).summary().traces;
  assert.equal(trace.status, "completed");
  assert.deepEqual(trace.tree.map((n) => n.name), ["step-1", "step-2"]);
  assert.deepEqual(problems, []);
});

test("a stale copy in another tab does not overwrite a newer record: a flush writes only what changed", async () => {
  const { tracer: a, problems } = tracer({ storage: "localStorage" });
  const t1 = a.trace({ id: "t1", name: "chat" });
  t1.complete({ output: "draft" });
  await a.flush();
  const b = await Tracer.load({ storage: "localStorage", onError: (e) => problems.push(e.message) }); // tab B opens
  t1.update({ output: "final answer", metadata: { feedback: "good" } });
  await a.flush();
  // Tab B, holding t1 as "draft", adds an evaluation span to it.
  const line = (record) => JSON.stringify(record) + "\n";
  b.import(
    line({ format: "prompttrace", version: 1 }) +
      line({ observation: { id: "eval1", trace_id: "t1", name: "eval", type: "span", status: "completed", started_at: "2030-01-01T00:00:00Z", ended_at: "2030-01-01T00:00:01Z" } }),
    "eval",
  );
  await b.flush();
  const stored = JSON.parse((await Tracer.load({ storage: "localStorage" })).export());
  const [trace] = stored.traces;
  assert.equal(trace.output, "final answer");
  assert.deepEqual(trace.metadata, { feedback: "good" });
  assert.deepEqual(stored.observations.map((o) => o.name), ["eval"]);
  assert.deepEqual(problems, []);
});

test("maxTracesInMemory: what flush stored leaves memory; what failed to store stays", async () => {
  const { tracer: t, problems } = tracer({ storage: "localStorage", maxTracesInMemory: 2 });
  for (let i = 0; i < 5; i++) t.trace(`t${i}`).complete();
  await t.flush();
  assert.deepEqual(t.summary().traces.map((x) => x.name), ["t3", "t4"]);
  assert.equal((await Tracer.load({ storage: "localStorage" })).summary().traces.length, 5);
  // Over quota: nothing is saved, so nothing leaves memory.
  for (let i = 5; i < 8; i++) t.trace({ name: `big${i}`, input: "x".repeat(4_000) }).complete();
  await t.flush();
  assert.equal(t.summary().traces.length, 5);
  assert.match(problems[0], /could not save traces to localStorage \(QuotaExceededError/);
  assert.equal((await Tracer.load({ storage: "localStorage" })).summary().traces.length, 5);
});
