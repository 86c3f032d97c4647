// Page phases for a full core that cannot be loaded (core-failure.test.mjs
// aborts the request for its chunk, then lets it through):
//   load-fails      a span waits for the full core, then a trace with a
//                   tracked call; the load fails: one report (naming the
//                   dropped span), the rest recorded and saved to
//                   IndexedDB; a later span (and what follows it) waits,
//                   with no new load or report; `window.retry()` flushes,
//                   which loads it again; `window.namesNow()` and
//                   `window.state()` show the retry the tracer makes by
//                   itself 5 s later
//   load-hangs      a trace, then a span, while the chunk's request hangs:
//                   flush() saves the trace before it waits for the core
//   exporter-fails  an OTLP exporter taking every 20 ms while the load
//                   fails reports once; `window.resume()` shuts it down,
//                   whose take loads the core again and sends
//   exporter-fails-evicts  the same with IndexedDB and `maxTracesInMemory:
//                   2`: traces still leave memory while the core cannot load
//   exporter-waits  `include: "new"` and `maxTracesInMemory: 0`: a trace
//                   ends and is saved while the full core still loads;
//                   `window.resume()` shuts the exporter down once it is
//                   loaded
//   openai-load-fails  an OpenAI client's call (a client shaped like the
//                   `openai` package's) waits for the full core, whose
//                   load fails: the app gets its reply, and the call is
//                   recorded and saved without what it sent and answered;
//                   `window.retry()` flushes (which lets the next call
//                   load the full core again) and makes a second call,
//                   read by the full core
//   summary-load-fails  two summaries while the load fails: each tries
//                   the load, both are empty, one report; `window.retry()`
//                   reads the summary once the chunk is let through
import { Tracer, observeOpenAI } from "prompttrace";

export const failurePhases = {
  "load-fails": loadFails,
  "load-hangs": loadHangs,
  "exporter-fails": exporterFails,
  "exporter-fails-evicts": exporterFailsEvicts,
  "exporter-waits": exporterWaits,
  "openai-load-fails": openaiLoadFails,
  "summary-load-fails": summaryLoadFails,
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * What a tracer holds, from its native export: `summary()` needs the full
 * core, which these phases keep from loading.
 */
const recorded = (tracer) => JSON.parse(tracer.export());
const names = (tracer) => recorded(tracer).traces.map((trace) => trace.name).sort();
/** A trace's root observations, as `[name, type, status, model]`. */
function roots(tracer, trace) {
  return recorded(tracer)
    .observations.filter((o) => o.trace_id === trace.id && o.parent_id == null)
    .map((o) => [o.name, o.type, o.status, o.model ?? null]);
}

/**
 * The names of the traces stored in IndexedDB, read from the layout's
 * index rows: `Tracer.load` would need the full core, which these phases
 * keep from loading.
 */
async function storedNames() {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("prompttrace");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    if (!db.objectStoreNames.contains("index")) return []; // nothing saved yet (this open made an empty database)
    const rows = await new Promise((resolve, reject) => {
      const read = db.transaction("index", "readonly").objectStore("index").getAll();
      read.onsuccess = () => resolve(read.result);
      read.onerror = () => reject(read.error);
    });
    return rows.map((row) => row.name).sort();
  } finally {
    db.close();
  }
}

async function loadFails(onError, problems) {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  const otel = tracer.otelTracer("app");
  otel.startSpan("dropped span").end();
  const trace = tracer.trace({ name: "after the span" });
  const { responseText } = await tracer.track(
    { promptName: "greet", template: "Hello, {{who}}", variables: { who: "Ada" }, model: "gpt-4o-mini", trace },
    async (prompt) => ({ text: `${prompt}!`, usage: { input: 3, output: 4 } }),
  );
  trace.complete({ output: responseText });
  await tracer.flush();
  const afterFlush = [...problems];
  // After the failure: a span waits (no load starts by itself), the rest is recorded.
  otel.startSpan("waiting span").end();
  tracer.trace({ name: "later" }).complete();
  names(tracer);
  await sleep(50);
  const stored = await storedNames();
  const [afterSpan] = recorded(tracer).traces.filter((t) => t.name === "after the span");
  window.retry = async () => {
    await tracer.flush();
    return { names: names(tracer), problems };
  };
  window.namesNow = () => names(tracer);
  window.state = async () => ({ names: names(tracer), problems, stored: await storedNames() });
  return { afterFlush, names: names(tracer), steps: afterSpan ? roots(tracer, afterSpan).map(([name]) => name) : [], output: responseText, stored, problems: [...problems] };
}

async function loadHangs(onError, problems) {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace({ name: "before the span" }).complete({ output: "ok" });
  tracer.otelTracer("app").startSpan("waits").end();
  void tracer.flush(); // as a pagehide handler would, on a slow network
  await sleep(300);
  return { stored: await storedNames(), problems: [...problems] };
}

async function exporterFails(onError, problems) {
  const tracer = new Tracer({ onError });
  const exporter = tracer.exportTo(new URL("/v1/traces", location.href).href, { protocol: "http/json", intervalMs: 20 });
  tracer.trace({ name: "sent later" }).complete({ output: "ok" });
  await sleep(300);
  window.resume = async () => ({ sent: await exporter.shutdown(), problems });
  return { reports: [...problems] };
}

async function exporterFailsEvicts(onError, problems) {
  const tracer = new Tracer({ storage: "indexedDB", maxTracesInMemory: 2, onError });
  tracer.exportTo(new URL("/v1/traces", location.href).href, { protocol: "http/json", intervalMs: 20 });
  await sleep(300); // the load has failed
  for (let i = 0; i < 5; i++) tracer.trace({ name: `trace ${i}` }).complete({ output: "ok" });
  await tracer.flush();
  return { inMemory: names(tracer), reports: [...problems] };
}

async function exporterWaits(onError, problems) {
  const tracer = new Tracer({ storage: "indexedDB", maxTracesInMemory: 0, onError });
  tracer.trace({ name: "ended before" }).complete({ output: "ok" });
  await sleep(5); // a later millisecond: "new" counts from the exportTo call
  const exporter = tracer.exportTo(new URL("/v1/traces", location.href).href, { protocol: "http/json", intervalMs: 20, include: "new" });
  tracer.trace({ name: "ended while loading" }).complete({ output: "ok" });
  await tracer.flush(); // saved, so it could leave memory before the exporter saw it
  window.resume = async () => ({ sent: await exporter.shutdown(), problems });
  return { problems: [...problems] };
}

async function openaiLoadFails(onError, problems) {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  const answer = {
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello, Ada" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  };
  const client = { chat: { completions: { create: async () => answer } } };
  const openai = observeOpenAI(client, { tracer, sessionId: "tab-1" });
  const reply = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Greet Ada" }] });
  await tracer.flush();
  const [trace] = recorded(tracer).traces;
  window.retry = async () => {
    await tracer.flush();
    await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Again" }] });
    await tracer.flush();
    const models = recorded(tracer).observations.map((o) => o.model ?? null);
    return { models, stored: await storedNames(), problems: [...problems] };
  };
  return {
    reply: reply === answer,
    trace: trace && { name: trace.name, status: trace.status, tree: roots(tracer, trace) },
    stored: await storedNames(),
    problems: [...problems],
  };
}

async function summaryLoadFails(onError, problems) {
  const tracer = new Tracer({ onError });
  tracer.trace({ name: "summarized" }).complete({ output: "ok" });
  const first = await tracer.summary();
  const second = await tracer.summary();
  window.retry = async () => {
    const summary = await tracer.summary();
    return { names: summary.traces.map((t) => t.name), problems: [...problems] };
  };
  return { first, second, recorded: names(tracer), problems: [...problems] };
}
