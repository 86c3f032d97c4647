// The frameworks, recorded in one line each, with the real packages: the
// Vercel AI SDK 6 (otelTracer as its telemetry tracer) and 7 (@ai-sdk/otel),
// LangChain.js through OpenInference and any OpenTelemetry SDK
// (spanProcessor). What a user looks for must be right: names, types,
// session and user, messages, tokens; and nothing may throw into the app.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { generateText, stepCountIs, tool } from "ai-v6";
import { MockLanguageModelV3 } from "ai-v6/test";
import { z } from "zod";
import { exampleChecks } from "./example-checks.mjs";
import { tracer } from "./helpers.mjs";

const examples = new URL("./examples/", import.meta.url).pathname;

/** Runs an example and reads the trace file it writes. */
function runExample(name) {
  const out = mkdtempSync(join(tmpdir(), `prompttrace-${name}-`));
  try {
    execFileSync(process.execPath, [join(examples, `${name}.mjs`), out], { stdio: "pipe" });
    return JSON.parse(readFileSync(join(out, `${name}.json`), "utf8"));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

function mockModel() {
  const replies = [
    {
      content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookupOrder", input: '{"orderId":"A-1"}' }],
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      usage: usage(100, 10),
      response: { id: "r1", modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date() },
      warnings: [],
    },
    {
      content: [{ type: "text", text: "A-1 ships today." }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(150, 5),
      response: { id: "r2", modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date() },
      warnings: [],
    },
  ];
  return new MockLanguageModelV3({ provider: "openai.chat", modelId: "gpt-4o-mini", doGenerate: async () => replies.shift() });
}

test("AI SDK 6: otelTracer records sessions, types, messages and tokens once", async () => {
  const { tracer: t, problems } = tracer();
  const observedLookup = t.observe(async (orderId) => ({ orderId, carrier: "DHL" }), { name: "db.lookup" });
  const { text } = await generateText({
    model: mockModel(),
    system: "You are the support agent.",
    prompt: "Where is A-1?",
    tools: { lookupOrder: tool({ inputSchema: z.object({ orderId: z.string() }), execute: ({ orderId }) => observedLookup(orderId) }) },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, functionId: "support", metadata: { sessionId: "s-6", userId: "u-6", plan: "pro" }, tracer: t.otelTracer() },
  });
  assert.equal(text, "A-1 ships today.");
  const summary = t.summary();
  assert.equal(summary.traces.length, 1);
  const [trace] = summary.traces;
  assert.deepEqual([trace.name, trace.session_id, trace.user_id], ["support:ai.generateText", "s-6", "u-6"]);
  const [root] = trace.tree;
  assert.equal(root.type, "span", "the wrapper is a span");
  assert.deepEqual(root.children.map((n) => [n.name, n.type]), [
    ["support:ai.generateText.doGenerate", "generation"],
    ["lookupOrder", "tool"],
    ["support:ai.generateText.doGenerate", "generation"],
  ]);
  // observe() inside the tool nests under the tool's span.
  assert.deepEqual(root.children[1].children.map((n) => n.name), ["db.lookup"]);
  // The wrapper repeats its calls' counts; they count once.
  assert.deepEqual(trace.tokens, { input: 250, output: 15, total: 265 });
  const file = JSON.parse(t.export());
  const call = file.observations.find((o) => o.name === "support:ai.generateText.doGenerate");
  assert.equal(call.model, "gpt-4o-mini-2024-07-18");
  assert.equal(call.input[0].role, "system");
  assert.equal(call.metadata.plan, "pro");
  assert.deepEqual(problems, []);
});

// The examples, run as a user runs them (browser.test.mjs runs them in
// headless Chromium with the same checks).
for (const [name, check] of Object.entries(exampleChecks)) {
  test(`the ${name} example records the right names, types, session, messages and tokens`, () => check(runExample(name)));
}

test("a span recorded live gives the record the same span gives from an OTLP file", async () => {
  const { tracer: live } = tracer();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [live.spanProcessor(), new SimpleSpanProcessor(exporter)] });
  await generateText({
    model: mockModel(),
    prompt: "Where is A-1?",
    tools: { lookupOrder: tool({ inputSchema: z.object({ orderId: z.string() }), execute: async ({ orderId }) => ({ orderId }) }) },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, metadata: { sessionId: "s-live" }, tracer: provider.getTracer("ai") },
  });
  await provider.forceFlush();
  const { JsonTraceSerializer } = await import("@opentelemetry/otlp-transformer");
  const otlp = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
  const { tracer: fromFile, problems } = tracer();
  assert.ok(fromFile.import(otlp, "otlp.json"));
  assert.deepEqual(problems, []);
  assert.equal(live.export(), fromFile.export());
  assert.equal(JSON.parse(live.export()).observations.length, 4);
});

test("odd spans and odd values never throw into the app", async () => {
  const { tracer: t, problems } = tracer();
  const processor = t.spanProcessor();
  assert.doesNotThrow(() => {
    processor.onStart(null);
    processor.onEnd({});
    processor.onEnd({ name: 5, startTime: "yesterday", spanContext: () => ({ traceId: "x", spanId: "y" }) });
  });
  await processor.forceFlush();
  const otel = t.otelTracer();
  assert.doesNotThrow(() => {
    const span = otel.startSpan("odd", { attributes: { big: "x".repeat(10_000_000), list: [1, null, 2], obj: { a: 1 } } }, { getValue: () => { throw new Error("bad context"); } });
    span.setAttribute("n", NaN).setAttributes(null).addEvent("e", { k: Symbol("s") }).setStatus({ code: 2, message: "boom" });
    span.recordException(new Error("kaput"));
    span.end("not a time");
    span.end();
    otel.startActiveSpan("active", (s) => s.end());
  });
  t.summary();
  assert.ok(problems.length >= 2, problems.join("\n"));
  const odd = JSON.parse(t.export()).observations.find((o) => o.name === "odd");
  assert.equal(odd.status, "error");
  assert.equal(odd.level, "error");
  assert.equal(odd.metadata.attributes.big.length, 10_000_000, "a 10 MB attribute is kept");
});

