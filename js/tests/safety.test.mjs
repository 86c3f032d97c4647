// Tracing never throws into the host app: misuse goes to onError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tracer } from "prompttrace";
import { tracer } from "./helpers.mjs";

test("completing twice is reported and the first end stands", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("t");
  const span = trace.span("s");
  span.complete({ output: "first" });
  span.fail("second");
  trace.complete();
  const file = JSON.parse(t.export());
  assert.equal(file.observations[0].status, "completed");
  assert.equal(file.observations[0].output, "first");
  assert.equal(problems.length, 1);
  assert.match(problems[0], /has already ended as completed; it can end only once and the first end stands/);
});

test("a child after its parent ended is recorded", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("t");
  const parent = trace.span("parent");
  parent.complete();
  trace.complete();
  parent.span("late").complete();
  assert.equal(t.summary().traces[0].tree[0].children[0].name, "late");
  assert.deepEqual(problems, []);
});

test("bad options never throw", () => {
  const { tracer: t, problems } = tracer();
  assert.doesNotThrow(() => {
    const trace = t.trace(null);
    trace.span(42).complete(7);
    trace.generation({ name: { no: 1 }, usage: "lots", promptVersion: "v2" }).complete({ usage: { input: -5, output: 2.5 }, cost: "free" });
    trace.span({ level: "LOUD" }).complete();
    t.trace(Symbol.iterator);
    t.track(null, () => "ok");
    t.observe(() => 1, 5)();
    new Tracer(17);
    new Tracer({ storage: "floppy", onError: () => {} });
    trace.complete();
  });
  t.summary();
  assert.ok(problems.some((p) => p.includes("usage.input must be a whole number of tokens")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("cost must be an object")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes('level "LOUD"')), problems.join("\n"));
});

test("values that cannot be JSON are kept as text and reported", () => {
  const { tracer: t, problems } = tracer();
  const cyclic = { name: "loop" };
  cyclic.self = cyclic;
  const trace = t.trace({ name: "weird", input: cyclic, metadata: { big: 10n } });
  trace.complete({ output: 1n });
  const file = JSON.parse(t.export());
  assert.equal(typeof file.traces[0].input, "string");
  assert.equal(file.traces[0].status, "completed");
  assert.ok(problems.length >= 2, problems.join("\n"));
});

test("an onError that throws does not reach the app", () => {
  const t = new Tracer({ onError: () => { throw new Error("handler bug"); } });
  const span = t.trace("t").span("s");
  span.complete();
  span.complete();
  assert.doesNotThrow(() => t.summary());
});

test("the default onError warns once per problem", () => {
  const warnings = [];
  const original = console.warn;
  console.warn = (...args) => warnings.push(args.join(" "));
  try {
    const t = new Tracer();
    const span = t.trace("t").span("s");
    span.complete();
    span.complete();
    t.summary();
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^prompttrace: observation "[0-9a-f]{16}" has already ended/);
});

test("a payload that cannot be read is left out alone: its call and its batch are kept", () => {
  const { tracer: t, problems } = tracer();
  const deep = JSON.parse(`${"[".repeat(200)}1${"]".repeat(200)}`);
  for (let i = 0; i < 5; i++) t.trace(`ok ${i}`).complete();
  t.trace({ name: "bad", input: deep, metadata: { kept: true } }).complete();
  t.trace({ name: "title 😀 truncated".slice(0, 7) }).complete();
  const traces = JSON.parse(t.export()).traces;
  const names = traces.map((trace) => trace.name).sort();
  assert.deepEqual(names, ["bad", "ok 0", "ok 1", "ok 2", "ok 3", "ok 4", "title \uFFFD"]);
  const bad = traces.find((trace) => trace.name === "bad");
  assert.equal(bad.input, undefined);
  assert.deepEqual(bad.metadata, { kept: true });
  assert.equal(bad.status, "completed");
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(problems[0], /^trace "[0-9a-f]+": its input could not be read \(.*\); it is left out$/);
});

test("a label that maps to an event ends where it starts", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("t");
  trace.span({ name: "note", type: "log" });
  trace.complete();
  const [node] = t.summary().traces[0].tree;
  assert.deepEqual([node.type, node.status, node.duration_ms], ["event", "completed", 0]);
  assert.deepEqual(problems, []);
});

test("a value no text can be taken of (a revoked Proxy) costs nothing but its own text", () => {
  const { tracer: t, problems } = tracer();
  const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
  for (let i = 0; i < 3; i++) t.trace(`before ${i}`).complete();
  t.trace({ name: "draft", metadata: proxy }).complete();
  for (let i = 0; i < 3; i++) t.trace(`after ${i}`).complete();
  revoke(); // an immer draft is revoked once its producer returns, before the queue is applied
  const traces = JSON.parse(t.export()).traces;
  assert.deepEqual(traces.map((trace) => trace.name).sort(), ["after 0", "after 1", "after 2", "before 0", "before 1", "before 2", "draft"]);
  assert.equal(traces.find((trace) => trace.name === "draft").metadata, "[a value that cannot be read]");
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(problems[0], /metadata cannot be stored as JSON/);
});

test("without toWellFormed (older browsers), lone surrogates in names become U+FFFD, and a pair cut across fields loses nothing else", () => {
  const toWellFormed = Object.getOwnPropertyDescriptor(String.prototype, "toWellFormed");
  delete String.prototype.toWellFormed;
  try {
    const { tracer: t, problems } = tracer();
    for (let i = 0; i < 3; i++) t.trace(`before ${i}`).complete();
    // A pair split across two fields with an empty one between them (the trace breaks
    // the empty-session rule, and only it is refused), then across two adjacent fields.
    t.trace({ name: "x\uD83D", sessionId: "", userId: "\uDE00y" }).complete();
    t.trace({ name: "n\uD83D", sessionId: "\uDE00s" }).complete();
    t.trace("errs").span("a").fail(new Error("cut \uD83D"));
    for (let i = 0; i < 3; i++) t.trace(`after ${i}`).complete();
    const file = JSON.parse(t.export());
    const names = file.traces.map((trace) => trace.name).sort();
    assert.deepEqual(names, ["after 0", "after 1", "after 2", "before 0", "before 1", "before 2", "errs", "n\uFFFD"]);
    assert.equal(file.traces.find((trace) => trace.name === "n\uFFFD").session_id, "\uFFFDs");
    assert.equal(file.observations[0].status_message, "cut \uFFFD");
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(problems[0], /has an empty session_id/);
    assert.match(problems[1], /is not recorded here/);
  } finally {
    if (toWellFormed) Object.defineProperty(String.prototype, "toWellFormed", toWellFormed);
  }
});

test("a rarely set field that cannot be JSON (a BigInt) is kept as its text, and the call's other fields with it", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("t");
  const cycle = { name: "loop" };
  cycle.self = cycle;
  trace.generation({ name: "g", promptName: "greet", template: "Hi {{who}}", variables: { who: "Ada", n: 10n }, modelParameters: cycle }).complete();
  trace.complete();
  const [generation] = JSON.parse(t.export()).observations;
  assert.equal(generation.prompt_name, "greet");
  assert.equal(generation.template, "Hi {{who}}");
  assert.deepEqual([typeof generation.variables, typeof generation.model_parameters], ["object", "object"]);
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems.join("\n"), /variables cannot be stored as JSON/);
  assert.match(problems.join("\n"), /model_parameters cannot be stored as JSON/);
});

test("calls recorded from onError are kept, and so is everything recorded around the call reported", async () => {
  // The report of a value that cannot be JSON reaches onError while the
  // queue is applied; an app that traces its own errors records there.
  const problems = [];
  let log;
  const t = new Tracer({
    onError: (error) => {
      problems.push(error.message);
      log.event({ name: "onError-log", input: error.message });
    },
  });
  log = t.trace("log");
  const trace = t.trace("t");
  trace.generation({ name: "bad-params", modelParameters: { seed: 10n } }).complete({ usage: { input: 10n, output: 2 } });
  trace.generation({ name: "after" }).complete();
  trace.complete();
  await t.flush();
  await t.flush(); // what onError recorded while the first was applied
  const observations = JSON.parse(t.export()).observations;
  const byName = (name) => observations.filter((o) => o.name === name);
  assert.deepEqual([...byName("bad-params"), ...byName("after")].map((o) => o.status), ["completed", "completed"]);
  assert.ok(problems.some((p) => /model_parameters cannot be stored as JSON/.test(p)), problems.join("\n"));
  assert.ok(!problems.some((p) => /malformed|not recorded here/.test(p)), problems.join("\n"));
  assert.equal(byName("onError-log").length, problems.length, "each report was recorded by onError");
});

test("an app's value is read when the queue is applied, for payloads and rarely set fields alike", async () => {
  const { tracer: t } = tracer();
  const trace = t.trace("t");
  const params = { temperature: 0.1 };
  const input = { q: "first" };
  trace.generation({ name: "g", modelParameters: params, input }).complete();
  params.temperature = 0.2; // before the queue is applied: what is applied is what was there then
  input.q = "second";
  trace.complete();
  await t.flush();
  const [generation] = JSON.parse(t.export()).observations;
  assert.deepEqual([generation.model_parameters.temperature, generation.input.q], [0.2, "second"]);
});

test("a value that throws undefined or null when read as JSON costs only its own field", async () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("t");
  for (let i = 0; i < 3; i++) trace.span(`before-${i}`).complete();
  trace.generation({ name: "bad-variables", variables: { get x() { throw undefined; } } }).complete();
  trace.span({ name: "bad-input", input: { toJSON() { throw null; } } }).complete({ output: "kept" });
  trace.span("after").complete();
  trace.complete();
  await t.flush();
  const observations = JSON.parse(t.export()).observations;
  assert.deepEqual(observations.map((o) => [o.name, o.status]).sort(), [
    ["after", "completed"], ["bad-input", "completed"], ["bad-variables", "completed"],
    ["before-0", "completed"], ["before-1", "completed"], ["before-2", "completed"],
  ]);
  assert.equal(observations.find((o) => o.name === "bad-input").output, "kept");
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems.join("\n"), /variables cannot be stored as JSON \(undefined\)/);
  assert.match(problems.join("\n"), /input cannot be stored as JSON \(null\)/);
});

test("an app's value that records a span while a start or an end reads it loses neither", async () => {
  // A span applies what was queued before it (spans and our calls are
  // applied in order): a start or an end is written only once every value
  // of the app's was read, so it never lands in a batch already sent.
  const { tracer: t, problems } = tracer();
  const ot = t.otelTracer();
  const trace = t.trace("t");
  const name = { toString: () => (ot.startSpan("from-name").end(), "named") };
  const span = trace.span({ name, input: "in" });
  span.complete({ get output() { ot.startSpan("from-output").end(); return "out"; } });
  trace.complete();
  await t.flush();
  const doc = JSON.parse(t.export());
  const names = [...doc.traces, ...doc.observations].map((record) => record.name);
  const named = doc.observations.find((o) => o.name === "named");
  assert.deepEqual([named?.status, named?.input, named?.output], ["completed", "in", "out"], names.join());
  assert.ok(names.includes("from-name") && names.includes("from-output"), names.join());
  assert.deepEqual(problems, []);
});
