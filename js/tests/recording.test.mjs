// Recording traces, spans, generations and events through the public API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tracer, nodes, sleep } from "./helpers.mjs";

test("a trace holds nested spans, generations and events with computed durations", async () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace({ name: "rag_qa", sessionId: "chat_123", userId: "u1", input: "Q?", tags: ["rag"] });
  const retrieve = trace.span({ name: "retrieve", type: "retriever", input: { query: "Q?" } });
  const inner = retrieve.span("rerank");
  await sleep(5);
  inner.complete({ output: ["doc-1"] });
  retrieve.complete({ output: "3 docs" });
  const gen = trace.generation({ name: "answer", model: "gpt-4o", provider: "openai", promptName: "answer", promptVersion: 2 });
  gen.complete({ output: "A.", usage: { input: 1000, output: 500 } });
  trace.event({ name: "cache_miss", input: { key: "k" } });
  trace.complete({ output: "A." });

  const summary = t.summary();
  assert.deepEqual(problems, []);
  assert.equal(summary.traces.length, 1);
  const [s] = summary.traces;
  assert.equal(s.name, "rag_qa");
  assert.equal(s.session_id, "chat_123");
  assert.equal(s.user_id, "u1");
  assert.equal(s.status, "completed");
  assert.equal(s.observation_count, 4);
  assert.deepEqual(s.tokens, { input: 1000, output: 500, total: 1500 });
  // gpt-4o: $2.50 in, $10 out per 1M tokens.
  assert.ok(Math.abs(s.cost.total - 0.0075) < 1e-12, `cost ${s.cost.total}`);
  assert.deepEqual(s.tree.map((n) => [n.name, n.type]), [["retrieve", "retriever"], ["answer", "generation"], ["cache_miss", "event"]]);
  assert.equal(s.tree[0].children[0].name, "rerank");
  assert.ok(s.tree[0].children[0].duration_ms >= 4, "sub-span took ~5 ms");
  assert.equal(s.tree[2].duration_ms, 0, "events have no length");
  assert.equal(summary.sessions[0].id, "chat_123");
});

test("running items have no duration and are marked running", () => {
  const { tracer: t } = tracer();
  const trace = t.trace("open");
  trace.span("still going");
  const [s] = t.summary().traces;
  assert.equal(s.status, "running");
  assert.equal(s.duration_ms, null);
  assert.equal(s.tree[0].status, "running");
  assert.equal(s.tree[0].duration_ms, null);
});

test("free-form seed types map to the nearest type and are kept as given", () => {
  const { tracer: t } = tracer();
  const trace = t.trace("seed");
  trace.span({ name: "search_kb", type: "retrieval" }).complete();
  trace.span({ name: "generate_answer", type: "function" }).complete();
  trace.complete();
  const tree = t.summary().traces[0].tree;
  assert.deepEqual(tree.map((n) => n.type), ["retriever", "tool"]);
  const file = JSON.parse(t.export());
  assert.deepEqual(file.observations.map((o) => o.type_label), ["retrieval", "function"]);
});

test("a failed span is an error with its message; the trace's status says it failed", () => {
  const { tracer: t } = tracer();
  const trace = t.trace("fails");
  trace.span("tool").fail(new Error("timeout after 3 s"));
  trace.fail("tool failed");
  const [s] = t.summary().traces;
  assert.equal(s.status, "error");
  assert.equal(s.error_count, 1, "errors count the steps in error, not the trace");
  assert.equal(s.tree[0].status, "error");
  assert.equal(s.tree[0].level, "error");
  const file = JSON.parse(t.export());
  assert.equal(file.observations[0].status_message, "timeout after 3 s");
});

test("timestamps are sub-millisecond", () => {
  const { tracer: t } = tracer();
  for (let i = 0; i < 20; i++) t.trace(`t${i}`).complete();
  const file = JSON.parse(t.export());
  assert.ok(file.traces.some((tr) => /\.\d{4,}Z$/.test(tr.started_at)), file.traces.map((tr) => tr.started_at).join(" "));
});

test("ids are unique and OpenTelemetry-sized", () => {
  const { tracer: t } = tracer();
  const trace = t.trace("ids");
  const ids = new Set(Array.from({ length: 2000 }, () => trace.span("s").id));
  assert.equal(ids.size, 2000);
  assert.match(trace.id, /^[0-9a-f]{32}$/);
  assert.match([...ids][0], /^[0-9a-f]{16}$/);
});

test("a generation without a trace still counts", () => {
  const { tracer: t, problems } = tracer();
  t.generation({ name: "legacy", model: "gpt-4o-mini" }).complete({ output: "ok", usage: { input: 3, output: 4 } });
  assert.equal(t.summary().generations_without_trace, 1);
  assert.deepEqual(problems, []);
});

test("model prices can be overridden", () => {
  const { tracer: t } = tracer({ prices: { "my-model": { input: 1_000_000, output: 0 } } });
  t.generation({ name: "x", model: "my-model" }).complete({ usage: { input: 3, output: 4 } });
  const file = t.summary();
  assert.equal(file.generations_without_trace, 1);
  const trace = t.trace("priced");
  trace.generation({ name: "y", model: "my-model" }).complete({ usage: { input: 2, output: 0 } });
  trace.complete();
  assert.equal(t.summary().traces[0].cost.total, 2);
});
