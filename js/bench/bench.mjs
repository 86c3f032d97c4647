// ns per observation — start plus complete of a child with a small input and
// output, inside one trace — for prompttrace, the OpenTelemetry SDK
// (BasicTracerProvider + in-memory exporter) and Langfuse's tracing SDK
// (startObservation/end on the same kind of provider), in one process,
// interleaved. prompttrace is measured twice: the app's own cost (the calls
// are queued; the core applies them when the app is idle) and that plus
// applying them in the core (a flush), so nothing is left pending.
// PROMPTTRACE_CORE=record-only runs prompttrace on the record-only core a
// browser app starts on (its browser entry, in Node: built for size, at
// opt-level "z") instead of the full core Node loads.
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";

const recordOnly = process.env.PROMPTTRACE_CORE === "record-only";
const { Tracer } = await import(recordOnly ? "./node_modules/prompttrace/browser.mjs" : "prompttrace");
import { context, trace as otelTrace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { setLangfuseTracerProvider, startObservation } from "@langfuse/tracing";

const N = 20_000;
const ROUNDS = 7;
const input = { question: "How do I rotate an API key?", k: 3 };
const output = { answer: "Open Settings, then API keys.", sources: ["doc-12"] };

const otelExporter = new InMemorySpanExporter();
const otelProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(otelExporter)] });
const otelTracer = otelProvider.getTracer("bench");

const langfuseExporter = new InMemorySpanExporter();
setLangfuseTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(langfuseExporter)] }));

// One tracer for all runs, emptied before each (as the OTel exporters are reset).
const tracer = new Tracer({ onError: (e) => { throw e; } });
function record() {
  tracer.clear();
  const trace = tracer.trace({ name: "bench", input });
  for (let i = 0; i < N; i++) trace.span({ name: "step", input }).complete({ output });
  trace.complete({ output });
  return tracer;
}

let pending = false;
const runs = {
  async "prompttrace (recording)"() {
    record();
    pending = true; // applied after the timing, below
  },
  async "prompttrace (recording + core)"() {
    await record().flush();
  },
  async "@opentelemetry/sdk-trace-base"() {
    otelExporter.reset();
    const root = otelTracer.startSpan("bench", { attributes: { input: JSON.stringify(input) } });
    const parent = otelTrace.setSpan(context.active(), root);
    for (let i = 0; i < N; i++) {
      const span = otelTracer.startSpan("step", { attributes: { input: JSON.stringify(input) } }, parent);
      span.setAttribute("output", JSON.stringify(output));
      span.end();
    }
    root.end();
  },
  async "@langfuse/tracing"() {
    langfuseExporter.reset();
    const root = startObservation("bench", { input });
    for (let i = 0; i < N; i++) root.startObservation("step", { input }).update({ output }).end();
    root.end();
  },
};

const samples = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
for (const run of Object.values(runs)) await run(); // warm up every JIT path once
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no library always runs first (or after a GC-heavy neighbour).
  const names = Object.keys(runs);
  const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
  for (const name of order) {
    const started = process.hrtime.bigint();
    await runs[name]();
    samples[name].push(Number(process.hrtime.bigint() - started) / N);
    if (pending) await tracer.flush();
    pending = false;
  }
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const recording = median(samples["prompttrace (recording)"]);
const whole = median(samples["prompttrace (recording + core)"]);
console.log(`ns per observation (start + complete, small input/output, inside one trace), median of ${ROUNDS} interleaved runs of ${N}, prompttrace on ${recordOnly ? "the record-only core a browser app starts on" : "the full core (Node's)"}:`);
console.log("  (recording: the app's own calls, queued; recording + core: and applied in the wasm core, nothing left pending;");
console.log("   the peers: the same calls through BasicTracerProvider, SimpleSpanProcessor and an in-memory exporter)");
for (const [name, values] of Object.entries(samples)) {
  const ns = median(values);
  const ratio = name.startsWith("prompttrace")
    ? ""
    : `  ratio to prompttrace: ${(ns / recording).toFixed(1)}x (recording), ${(ns / whole).toFixed(1)}x (recording + core); target ≥ 3x with the core, 5x the goal`;
  console.log(`  ${name.padEnd(32)} ${ns.toFixed(0).padStart(7)} ns${ratio}`);
}

if (recordOnly) process.exit(0); // the sizes are printed by the full core's run
// The record-only core a browser app starts on is inlined (one char a byte); the full core is its own file.
const gz = (bytes) => `${(bytes.length / 1024).toFixed(0)} KB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KB gzipped`;
const lean = readFileSync(new URL("./node_modules/prompttrace/wasm/inline.mjs", import.meta.url));
const full = readFileSync(new URL("./node_modules/prompttrace/wasm-full/prompttrace_full_bg.wasm", import.meta.url));
console.log(`\nrecord-only core, inlined (wasm/inline.mjs): ${gz(lean)}; the whole start-up budget is 150 KB gzipped (size.test.mjs measures it in a Vite build)`);
console.log(`full core (wasm-full/prompttrace_full_bg.wasm), loaded on first use in browsers: ${gz(full)}`);
if (process.env.PROMPTTRACE_TARBALL) {
  console.log(`packed tarball: ${(statSync(process.env.PROMPTTRACE_TARBALL).size / 1024).toFixed(0)} KB`);
}

