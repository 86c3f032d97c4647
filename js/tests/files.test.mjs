// Trace files: export, JSON Lines, import all-or-nothing, and the CLI reads them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tracer } from "./helpers.mjs";

function record(t) {
  const trace = t.trace({ name: "chat", sessionId: "s1" });
  const gen = trace.generation({ name: "answer", model: "claude-sonnet-4-20250514" });
  gen.complete({ output: { role: "assistant", content: "hi" }, usage: { input: 10, output: 2, cache_read_input_tokens: 4 } });
  trace.complete({ output: "hi" });
}

test("export and exportLines round trip through import", () => {
  const { tracer: a } = tracer();
  record(a);
  const { tracer: b, problems } = tracer();
  assert.deepEqual(b.import(a.export(), "a.json"), { traces: 1, observations: 1, unchanged: 0, orphans: 0 });
  assert.equal(b.export(), a.export());
  const { tracer: c } = tracer();
  c.import(a.exportLines(), "a.jsonl");
  assert.equal(c.export(), a.export());
  assert.deepEqual(problems, []);
  const file = JSON.parse(a.export());
  assert.equal(file.format, "prompttrace");
  assert.equal(file.version, 1);
  assert.deepEqual(file.observations[0].usage, { input: 10, output: 2, details: { cache_read_input_tokens: 4 } });
});

test("a bad file is refused with file, line and column, and nothing changes", () => {
  const { tracer: t, problems } = tracer();
  record(t);
  const before = t.export();
  const report = t.import('{"format": "prompttrace", "version": 1,\n "traces": [{"id": 5}]}', "broken.json");
  assert.equal(report, undefined);
  assert.equal(t.export(), before);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^broken\.json:2:\d+: at traces\[0\]\.id: invalid type: integer `5`, expected text in quotes$/);
});
