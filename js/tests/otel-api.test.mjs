// otelTracer() as the OpenTelemetry API promises it: every span method is
// safe to call with anything, exceptions and statuses read as the OTel SDK
// writes them, text that is not well-formed is kept, and spans nest under
// the innermost of the app's OTel context and prompttrace's own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { nodes, tracer } from "./helpers.mjs";

const nullProto = () => Object.create(null);
const throwingKeys = () => new Proxy({}, { ownKeys() { throw new Error("hostile attributes"); } });

test("no span or tracer method throws into the app, whatever it is given", () => {
  const { tracer: t, problems } = tracer();
  const ot = t.otelTracer();
  const calls = [
    () => ot.startSpan("a").end([NaN, 0]),
    () => ot.startSpan("a").end([Infinity, 0]),
    () => ot.startSpan("a").end(-5),
    () => ot.startSpan("a").addEvent("e", [NaN, 0]),
    () => ot.startSpan("a").addEvent("e", {}, [1, NaN]),
    () => ot.startSpan("a").addEvent(nullProto()),
    () => ot.startSpan("a").recordException(new Error("x"), [NaN, 1]),
    () => ot.startSpan("a").recordException(nullProto()),
    () => ot.startSpan("a").setAttribute(nullProto(), 1),
    () => ot.startSpan("a").setAttributes(throwingKeys()),
    () => ot.startSpan("a").updateName(nullProto()),
    () => ot.startSpan("a").setStatus({ code: Symbol("x") }),
    () => ot.startSpan("a").setStatus({ code: 2, message: nullProto() }),
    () => ot.startSpan(nullProto()),
    () => ot.startSpan("a", { attributes: throwingKeys() }),
    () => ot.startActiveSpan("no function"),
    () => t.otelTracer(nullProto()),
    () => t.trace("t").update({ get sessionId() { throw new Error("getter"); } }),
    () => t.withAttributes({ get sessionId() { throw new Error("getter"); } }, () => 1),
    () => t.withAttributes({ tags: [nullProto()] }, () => 1),
  ];
  for (const call of calls) assert.doesNotThrow(call, String(call));
  assert.equal(ot.startActiveSpan("no function"), undefined, "as the OTel API's tracers do");
  t.summary();
  assert.ok(problems.some((p) => p.includes("hostile attributes")), problems.join("\n"));
  assert.ok(problems.some((p) => p.includes("needs a function")), problems.join("\n"));
});

test("exceptions, statuses and attribute values read as the OTel SDK writes them", async () => {
  const startTime = new Date(Date.now() - 1000);
  const record = (tracer) => {
    const list = ["a"];
    const span = tracer.startSpan("tool", {
      startTime,
      attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.request.model": "gpt-4o", kept: "yes", dropped: { an: "object" }, mixed: [1, "a"], list },
    });
    list.push("b"); // set values are copies
    span.setAttribute("gen_ai.request.model", null); // ignored, not a removal
    span.setAttribute("kept", { an: "object" });
    span.setAttribute("", "no key");
    span.setAttribute("big", 2n ** 70n);
    // What AI SDK 6 passes: a plain object, not an Error; and odd ones.
    span.recordException({ name: "TypeError", message: "model exploded", stack: "TypeError: model exploded\n    at tool" });
    span.recordException({ code: 0, name: "E", message: "", stack: 5 });
    span.recordException({});
    span.recordException(undefined);
    span.recordException(42);
    span.recordException({ name: "Odd", message: { not: "text" } });
    span.setStatus({ code: 1 });
    span.setStatus({ code: 2, message: "too late: OK is final" });
    span.setStatus({ code: 0 });
    span.end(new Date(startTime.getTime() - 5000)); // before its start: clamped
  };
  const { tracer: live } = tracer();
  record(live.otelTracer("same"));
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  record(provider.getTracer("same"));
  const { JsonTraceSerializer } = await import("@opentelemetry/otlp-transformer");
  const { tracer: fromFile, problems } = tracer();
  assert.ok(fromFile.import(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())), "sdk.json"));
  assert.deepEqual(problems, []);
  const [a] = JSON.parse(live.export()).observations;
  const [b] = JSON.parse(fromFile.export()).observations;
  for (const field of ["name", "type", "status", "level", "status_message", "model", "started_at", "ended_at"]) assert.deepEqual(a[field], b[field], field);
  assert.equal(a.status, "completed", "OK set first stays");
  assert.equal(a.ended_at, a.started_at, "an end before the start is the start");
  assert.equal(a.model, "gpt-4o");
  // Alike but for when each event happened (each run has its own clock).
  // The SDK adds its resource; ours has none.
  const untimed = ({ resourceAttributes, ...metadata }) => ({ ...metadata, events: metadata.events?.map(({ time, ...event }) => event) });
  assert.deepEqual(untimed(a.metadata), untimed(b.metadata), "attributes and exception events alike");
  assert.equal(a.metadata.events.length, 3, JSON.stringify(a.metadata.events));
  assert.deepEqual(a.metadata.attributes.list, ["a"]);
  assert.equal(a.metadata.attributes.kept, "yes");
  assert.equal(a.metadata.attributes.dropped, undefined, "objects are not attribute values");
  const exception = (file) => JSON.stringify(file.metadata);
  assert.ok(exception(a).includes("model exploded") && exception(a).includes("TypeError"), exception(a));
  assert.equal(exception(a).includes('{\\"name\\"'), false, "the exception is read, not stringified");
});

test("text cut inside an emoji keeps its span", () => {
  const { tracer: t, problems } = tracer();
  const ot = t.otelTracer();
  const cut = "Hello 😀".slice(0, 7);
  ot.startSpan(`chat ${cut}`, { attributes: { "gen_ai.request.model": "gpt-4o-mini", preview: cut, [`key ${cut}`]: 1 } }).end();
  const [observation] = JSON.parse(t.export()).observations;
  assert.equal(observation.name, "chat Hello \uFFFD");
  assert.equal(observation.type, "generation");
  assert.deepEqual(problems, []);
});

test("spans nest under a trace whose id is not OTLP's (a UUID given by the app)", async () => {
  const { tracer: t, problems } = tracer();
  const ot = t.otelTracer();
  const trace = t.trace({ id: randomUUID(), name: "request", sessionId: "s1" });
  const step = t.observe(async () =>
    ot.startActiveSpan("agent", (agent) => {
      // Two levels of spans, recorded in one batch with the step.
      ot.startSpan("llm", { attributes: { "gen_ai.request.model": "gpt-4o-mini" } }).end();
      agent.end();
    }), { name: "step", parent: trace });
  await step();
  trace.end();
  const traces = t.summary().traces;
  assert.equal(traces.length, 1, traces.map((x) => x.name).join());
  assert.equal(traces[0].id, trace.id);
  const [root] = traces[0].tree;
  assert.equal(root.name, "step");
  assert.deepEqual(root.children.map((n) => [n.name, n.children.map((c) => c.name)]), [["agent", ["llm"]]]);
  assert.deepEqual(problems, []);
});

test("with a context manager registered, a span nests under the innermost of the OTel span and observe()", async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  try {
    const { tracer: t, problems } = tracer();
    const ot = t.otelTracer();
    // The app's own SDK (HTTP instrumentation, say), not recorded here.
    const http = new BasicTracerProvider().getTracer("http");
    await http.startActiveSpan("GET /chat", async (request) => {
      const handler = t.observe(async () => {
        await ot.startActiveSpan("ai.generateText", async (outer) => {
          // Inside our span, observe nests under it, and a span under that.
          await t.observe(async () => ot.startActiveSpan("ai.generateText.doGenerate", (inner) => inner.end()), { name: "retry" })();
          outer.end();
        });
      }, { name: "handler", sessionId: "s1" });
      await handler();
      request.end();
    });
    const [trace, ...others] = t.summary().traces;
    assert.deepEqual(others, []);
    assert.equal(trace.session_id, "s1");
    // Each one inside the one before.
    const chain = [];
    for (let level = trace.tree; level.length > 0; level = level[0].children) {
      assert.equal(level.length, 1, nodes(trace.tree).map((n) => n.name).join());
      chain.push(level[0].name);
    }
    assert.deepEqual(chain, ["handler", "ai.generateText", "retry", "ai.generateText.doGenerate"]);
    assert.deepEqual(problems, []);
  } finally {
    context.disable();
  }
});
