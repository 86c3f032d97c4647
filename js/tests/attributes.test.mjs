// withAttributes: one call puts a session, user, tags and metadata on
// everything recorded inside it, however it is recorded (handles, observe,
// the OpenTelemetry tracer and span processor), across awaits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { generateText } from "ai-v6";
import { MockLanguageModelV3 } from "ai-v6/test";
import { sleep, tracer } from "./helpers.mjs";

const model = () =>
  new MockLanguageModelV3({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: async () => ({
      content: [{ type: "text", text: "hello" }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: { inputTokens: { total: 3, noCache: 3 }, outputTokens: { total: 1, text: 1 } },
      warnings: [],
    }),
  });

test("traces started inside take the session, user, tags, name and metadata, across awaits", async () => {
  const { tracer: t, problems } = tracer();
  const attributes = { sessionId: "s-1", userId: "u-1", tags: ["beta"], traceName: "support", metadata: { tenant: "acme" } };
  const result = await t.withAttributes(attributes, async () => {
    await sleep(1);
    const trace = t.trace({ tags: ["web"], metadata: { page: "/help" } });
    trace.span({ name: "lookup", metadata: { table: "orders" } }).complete();
    trace.complete();
    return 42;
  });
  assert.equal(result, 42, "withAttributes returns what fn returns");
  const [summary] = t.summary().traces;
  assert.deepEqual([summary.name, summary.session_id, summary.user_id], ["support", "s-1", "u-1"]);
  const file = JSON.parse(t.export());
  assert.deepEqual(file.traces[0].tags, ["beta", "web"]);
  assert.deepEqual(file.traces[0].metadata, { tenant: "acme", page: "/help" });
  assert.deepEqual(file.observations[0].metadata, { tenant: "acme", table: "orders" });
  assert.deepEqual(problems, []);
});

test("options given to a trace win over propagated ones; nested calls add tags and override", () => {
  const { tracer: t } = tracer();
  t.withAttributes({ sessionId: "outer", tags: ["a"] }, () => {
    t.withAttributes({ sessionId: "inner", tags: ["b"] }, () => t.trace("nested").complete());
    t.trace({ name: "own", sessionId: "mine" }).complete();
  });
  t.trace("outside").complete();
  const file = JSON.parse(t.export());
  const byName = Object.fromEntries(file.traces.map((trace) => [trace.name, trace]));
  assert.equal(byName.nested.session_id, "inner");
  assert.deepEqual(byName.nested.tags, ["a", "b"]);
  assert.equal(byName.own.session_id, "mine");
  assert.equal(byName.outside.session_id, undefined, "nothing leaks out of the scope");
  assert.equal(byName.outside.tags, undefined);
});

test("a trace started outside that gets a step inside joins the session", () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("request");
  t.withAttributes({ sessionId: "s-2", userId: "u-2", tags: ["vip"] }, () => {
    trace.span("first").complete();
    trace.span("second").complete();
  });
  trace.complete();
  const [summary] = t.summary().traces;
  assert.deepEqual([summary.session_id, summary.user_id], ["s-2", "u-2"]);
  assert.deepEqual(JSON.parse(t.export()).traces[0].tags, ["vip"]);
  assert.deepEqual(problems, []);
});

test("observe() and the OpenTelemetry integrations record inside the scope", async () => {
  const { tracer: t, problems } = tracer();
  const answer = t.observe(async (q) => `re: ${q}`, { name: "answer" });
  // As NodeSDK does: the SDK's spans nest through a registered context manager.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({ spanProcessors: [t.spanProcessor()] });
  await t.withAttributes({ sessionId: "s-3", userId: "u-3", metadata: { region: "eu" } }, async () => {
    await answer("hi");
    await generateText({ model: model(), prompt: "hi", experimental_telemetry: { isEnabled: true, functionId: "ours", tracer: t.otelTracer() } });
    await generateText({ model: model(), prompt: "hi", experimental_telemetry: { isEnabled: true, functionId: "sdk", tracer: provider.getTracer("ai") } });
  });
  await provider.forceFlush();
  const traces = t.summary().traces;
  assert.deepEqual(traces.map((trace) => trace.name).sort(), ["answer", "ours:ai.generateText", "sdk:ai.generateText"]);
  for (const trace of traces) assert.deepEqual([trace.name, trace.session_id, trace.user_id], [trace.name, "s-3", "u-3"]);
  const generations = JSON.parse(t.export()).observations.filter((o) => o.type === "generation");
  assert.equal(generations.length, 2);
  for (const generation of generations) assert.equal(generation.metadata?.region, "eu", JSON.stringify(generation.metadata));
  assert.deepEqual(problems, []);
});

test("fn's errors pass through; bad attributes are ignored, never thrown", async () => {
  const { tracer: t } = tracer();
  assert.throws(() => t.withAttributes({ sessionId: "s" }, () => { throw new Error("app"); }), /app/);
  await assert.rejects(t.withAttributes({}, async () => { throw new Error("async app"); }), /async app/);
  for (const odd of [null, 42, "s", { sessionId: 5, tags: "x", metadata: 7 }]) {
    assert.equal(t.withAttributes(odd, () => t.trace("odd").id.length > 0), true);
  }
  const sessions = JSON.parse(t.export()).traces.map((trace) => trace.session_id);
  assert.deepEqual(sessions, [undefined, undefined, undefined, undefined]);
});

test("track() takes the session and metadata; update() and trace.update() merge with what was propagated", async () => {
  const { tracer: t, problems } = tracer();
  const outside = t.trace({ name: "request", tags: ["web"], metadata: { page: "/help" } });
  await t.withAttributes({ sessionId: "s-4", tags: ["vip"], metadata: { tenant: "acme" } }, async () => {
    await t.track({ promptName: "greet", template: "Hi {{n}}", variables: { n: "Ada" }, model: "gpt-4o-mini", trace: outside }, async (p) => ({ text: p, usage: { input: 2, output: 1 } }));
    const span = outside.span({ name: "lookup", metadata: { table: "orders" } });
    span.update({ metadata: { rows: 3 } });
    span.end();
  });
  outside.update({ metadata: { done: true } });
  outside.end();
  const file = JSON.parse(t.export());
  assert.deepEqual(problems, []);
  assert.equal(file.traces[0].session_id, "s-4");
  assert.deepEqual(file.traces[0].tags, ["web", "vip"], "propagated tags are added");
  assert.deepEqual(file.traces[0].metadata, { page: "/help", done: true });
  const byName = Object.fromEntries(file.observations.map((o) => [o.name, o]));
  assert.deepEqual(byName.greet.metadata, { tenant: "acme" });
  assert.deepEqual(byName.lookup.metadata, { tenant: "acme", table: "orders", rows: 3 });
});
