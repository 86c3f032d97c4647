// The framework integrations' cost, in one process, interleaved as in
// bench.mjs (rotated order, median of rounds), figures only:
//
// 1. observeOpenAI: µs per call of the real `openai` client whose `fetch`
//    answers at once with a canned completion (JSON, or a short SSE stream
//    with usage), plain against wrapped with `observeOpenAI(client, {
//    tracer })`, and the difference: what the wrapper adds to each call.
// 2. otelTracer: ns per span (a root with children, each started, given a
//    few gen_ai.* attributes and ended) through `tracer.otelTracer()`,
//    through the OTel SDK's own tracer (BasicTracerProvider + in-memory
//    exporter), and through the OTel SDK feeding `tracer.spanProcessor()`.
//
// prompttrace is measured twice each time, as in bench.mjs: the app's own
// cost (the calls are queued; the core applies them when the app is idle)
// and that plus applying them in the core (a flush), so nothing is left
// pending.
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { Tracer, observeOpenAI } from "prompttrace";
import { context, trace as otelTrace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

const ROUNDS = 15; // the machine is shared and noisy: more rounds than bench.mjs, whose runs are longer
const CALLS = 1_000; // per run, for each openai run
const SPANS = 10_000; // children per root, for each span run

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
const version = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), "utf8")).version;

// One tracer for all runs, emptied before each (as the OTel exporter is reset).
const tracer = new Tracer({ onError: (e) => { throw e; } });

/**
 * Runs each of `runs` once to warm up, then `ROUNDS` times in rotated order;
 * returns each run's per-item times (elapsed / `per`) in ns, round by round. A run that
 * returns "pending" left prompttrace calls queued: they are applied after
 * its timing.
 */
async function measure(runs, per) {
  const samples = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  for (const run of Object.values(runs)) {
    await run();
    await tracer.flush();
  }
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(runs);
    const order = names.slice(round % names.length).concat(names.slice(0, round % names.length));
    for (const name of order) {
      const started = process.hrtime.bigint();
      const pending = await runs[name]();
      samples[name].push(Number(process.hrtime.bigint() - started) / per);
      if (pending === "pending") await tracer.flush();
    }
  }
  return samples;
}
const medians = (samples) => Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
/** What `name` adds to `base`: the median of their differences in each round (which cancels the machine's slower and faster spells). */
const added = (samples, name, base) => median(samples[name].map((ns, round) => ns - samples[base][round]));

// ---------------------------------------------------------------- observeOpenAI

const model = "gpt-4o-mini-2024-07-18";
const usage = { prompt_tokens: 42, completion_tokens: 12, total_tokens: 54, prompt_tokens_details: { cached_tokens: 0 } };
const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1767225600,
  model,
  choices: [{ index: 0, message: { role: "assistant", content: "A trace records one request, step by step." }, finish_reason: "stop" }],
  usage,
});
const chunk = (delta, rest = {}) => ({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1767225600, model, choices: [{ index: 0, delta, finish_reason: null }], ...rest });
const events =
  [
    chunk({ role: "assistant", content: "" }),
    chunk({ content: "A trace records " }),
    chunk({ content: "one request, " }),
    chunk({ content: "step by step." }),
    chunk({}, { choices: [], usage }),
  ]
    .map((c) => `data: ${JSON.stringify(c)}\n\n`)
    .join("") + "data: [DONE]\n\n";

// The API, answering at once: the same bytes for the plain and the wrapped client.
const jsonApi = async () => new Response(completion, { headers: { "content-type": "application/json" } });
const sseApi = async () => new Response(events, { headers: { "content-type": "text/event-stream" } });
const plain = new OpenAI({ apiKey: "sk-bench", fetch: jsonApi, maxRetries: 0 });
const plainStreaming = new OpenAI({ apiKey: "sk-bench", fetch: sseApi, maxRetries: 0 });
const wrapped = observeOpenAI(plain, { tracer });
const wrappedStreaming = observeOpenAI(plainStreaming, { tracer });

const messages = [
  { role: "system", content: "You answer in one sentence." },
  { role: "user", content: "What is a trace?" },
];
const request = { model: "gpt-4o-mini", messages, temperature: 0.3 };
const streamRequest = { ...request, stream: true, stream_options: { include_usage: true } };

async function chat(client) {
  for (let i = 0; i < CALLS; i++) {
    const reply = await client.chat.completions.create(request);
    if (reply.choices[0].message.content.length === 0) throw new Error("no reply");
  }
}
async function streamed(client) {
  for (let i = 0; i < CALLS; i++) {
    const stream = await client.chat.completions.create(streamRequest);
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    if (text.length === 0) throw new Error("no reply");
  }
}

const openaiSamples = await measure(
  {
    "plain client": () => chat(plain),
    "observeOpenAI (recording)": async () => {
      tracer.clear();
      await chat(wrapped);
      return "pending";
    },
    "observeOpenAI (recording + core)": async () => {
      tracer.clear();
      await chat(wrapped);
      await tracer.flush();
    },
    "streamed, plain client": () => streamed(plainStreaming),
    "streamed, observeOpenAI (recording)": async () => {
      tracer.clear();
      await streamed(wrappedStreaming);
      return "pending";
    },
    "streamed, observeOpenAI (recording + core)": async () => {
      tracer.clear();
      await streamed(wrappedStreaming);
      await tracer.flush();
    },
  },
  CALLS,
);
// What the wrapped client recorded, to show the runs measured real recording.
tracer.clear();
await chat(wrapped);
await streamed(wrappedStreaming);
await tracer.flush();
const recorded = tracer.summary().traces;
const openai = medians(openaiSamples);
tracer.clear();

console.log(
  `observeOpenAI: µs per chat.completions.create call of openai ${version("openai")} on a canned fetch (answers at once), ` +
    `awaited one after another, median of ${ROUNDS} interleaved runs of ${CALLS} ` +
    `(what the wrapper adds: the median of its difference to the plain client in each round):`,
);
for (const [name, ns] of Object.entries(openai)) {
  const base = name.startsWith("streamed") ? "streamed, plain client" : "plain client";
  const adds = added(openaiSamples, name, base);
  const note = name.includes("observeOpenAI") ? `  adds ${(adds / 1000).toFixed(1).padStart(5)} µs per call (+${((adds / openai[base]) * 100).toFixed(0)}%)` : "";
  console.log(`  ${name.padEnd(44)} ${(ns / 1000).toFixed(1).padStart(7)} µs${note}`);
}
const tokens = recorded.reduce((sum, t) => sum + (t.tokens?.total ?? 0), 0);
console.log(`  (one wrapped run of each recorded ${recorded.length} traces, ${tokens} tokens)`);

// ---------------------------------------------------------------- otelTracer

const sdkExporter = new InMemorySpanExporter();
const sdkTracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(sdkExporter)] }).getTracer("bench");
const feedingTracer = new BasicTracerProvider({ spanProcessors: [tracer.spanProcessor()] }).getTracer("bench");
const ourTracer = tracer.otelTracer("bench");

const attributes = (i) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.system": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "gen_ai.response.model": model,
  "gen_ai.usage.input_tokens": 42 + (i & 7),
  "gen_ai.usage.output_tokens": 12,
});

/** The workload: a root span with `SPANS` children, each with a few gen_ai.* attributes. */
function spans(otel) {
  const root = otel.startSpan("invoke_agent bench", { attributes: { "gen_ai.operation.name": "invoke_agent" } });
  const parent = otelTrace.setSpan(context.active(), root);
  for (let i = 0; i < SPANS; i++) {
    const span = otel.startSpan("chat gpt-4o-mini", {}, parent);
    span.setAttributes(attributes(i));
    span.end();
  }
  root.end();
}

const otelSamples = await measure(
  {
    "tracer.otelTracer() (recording)": async () => {
      tracer.clear();
      spans(ourTracer);
      return "pending";
    },
    "tracer.otelTracer() (recording + core)": async () => {
      tracer.clear();
      spans(ourTracer);
      await tracer.flush();
    },
    "OTel SDK, in-memory exporter": async () => {
      sdkExporter.reset();
      spans(sdkTracer);
    },
    "OTel SDK + tracer.spanProcessor() (recording)": async () => {
      tracer.clear();
      spans(feedingTracer);
      return "pending";
    },
    "OTel SDK + tracer.spanProcessor() (recording + core)": async () => {
      tracer.clear();
      spans(feedingTracer);
      await tracer.flush();
    },
  },
  SPANS,
);
const otel = medians(otelSamples);
tracer.clear();
sdkExporter.reset();

const sdk = "OTel SDK, in-memory exporter";
/** `name`'s time over the SDK's: the median of their ratios in each round. */
const ratio = (name) => median(otelSamples[name].map((ns, round) => ns / otelSamples[sdk][round]));
console.log(
  `\notelTracer: ns per span (start, 6 gen_ai.* attributes, end; ${SPANS} children of one root), ` +
    `@opentelemetry/sdk-trace-base ${version("@opentelemetry/sdk-trace-base")}, median of ${ROUNDS} interleaved runs ` +
    `(ratio: the median of the ratios in each round):`,
);
for (const [name, ns] of Object.entries(otel)) {
  const note = name === sdk ? "" : `  ${ratio(name).toFixed(2)}x the OTel SDK's`;
  console.log(`  ${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns${note}`);
}
