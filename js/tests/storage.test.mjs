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
