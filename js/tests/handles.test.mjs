// What Langfuse and OpenTelemetry users type on a handle: end() and
// update(), on observations and on traces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tracer } from "./helpers.mjs";

test("end() ends like complete(); update() sets fields without ending", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace({ name: "chat" });
  const gen = trace.generation({ name: "answer", model: "gpt-4o" });
  const firstToken = new Date(Date.now() + 5);
  gen.update({ model: "gpt-4o-2024-08-06", usage: { input: 10, output: 4 }, completionStartTime: firstToken, metadata: { attempt: 1 } });
  const [running] = t.summary().traces[0].tree;
  assert.equal(running.status, "running", "an update never ends");
  assert.equal(running.model, "gpt-4o-2024-08-06");
  gen.end({ output: "hi" });
  trace.end({ output: "hi" });

  const [summary] = t.summary().traces;
  assert.equal(summary.status, "completed");
  assert.deepEqual(summary.tokens, { input: 10, output: 4, total: 14 });
  const record = JSON.parse(t.export()).observations[0];
  assert.equal(record.status, "completed");
  assert.equal(record.output, "hi");
  assert.deepEqual(record.metadata, { attempt: 1 });
  assert.equal(Date.parse(record.completion_start_time), firstToken.getTime());
  assert.deepEqual(problems, []);
});

test("trace.update() moves the trace to a session, renames and tags it", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace({ name: "draft" });
  trace.update({ name: "support", sessionId: "s-9", userId: "u-1", tags: ["vip"], input: "Q", metadata: { a: 1 } });
  assert.equal(trace.sessionId, "s-9");
  trace.complete();
  const [summary] = t.summary().traces;
  assert.equal(summary.name, "support");
  assert.equal(summary.session_id, "s-9");
  assert.equal(summary.user_id, "u-1");
  assert.deepEqual(t.summary().sessions.map((s) => s.id), ["s-9"]);
  const record = JSON.parse(t.export()).traces[0];
  assert.deepEqual([record.tags, record.input, record.metadata], [["vip"], "Q", { a: 1 }]);
  assert.deepEqual(problems, []);
});

test("bad updates are reported, never thrown", () => {
  const { tracer: t, problems } = tracer();
  const span = t.trace("x").span("s");
  assert.doesNotThrow(() => {
    span.update({ level: "LOUD", usage: { input: -1 }, model: "m".repeat(5000) });
    span.update(null);
    span.update(42);
    t.trace("y").update({ sessionId: "" });
  });
  t.summary();
  assert.ok(problems.some((p) => p.includes('level "LOUD"')), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("usage.input")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("limit")), problems.join("\n"));
});
