// The smallest real use of the package in a browser app, built by Vite: it
// records a trace with spans and generations and persists it to IndexedDB.
// What this page loads at start is what the size test weighs
// (size.test.mjs); lazy-core.test.mjs runs it in Chromium:
//   ?phase=record  records and flushes; `window.result` is the native
//                  export, and `window.summarize()` the summary (which
//                  loads the full core)
//   ?phase=reload  Tracer.load (reading stored records: the full core's
//                  first use); the summary and the native export, then
//                  `window.lazy()` asks for OTLP and imports it into a new
//                  tracer
//   ?phase=send    an OTLP exporter to this server, then a trace recorded
//                  and the exporter shut down: what it sent
import { Tracer } from "prompttrace";

const problems = [];
const onError = (error) => problems.push(error.message);

async function record() {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  const trace = tracer.trace({ name: "support_chat", sessionId: "tab-1", input: "Where is my order?" });
  const search = trace.span({ name: "search_orders", type: "retriever", input: { query: "order 42" } });
  search.complete({ output: [{ id: 42, status: "shipped" }] });
  const answer = trace.generation({ name: "answer", model: "gpt-4o-mini", input: [{ role: "user", content: "Where is my order?" }] });
  answer.complete({ output: "It shipped yesterday.", usage: { input: 12, output: 5 } });
  const { responseText } = await tracer.track(
    { promptName: "follow_up", template: "Anything else, {{name}}?", variables: { name: "Ada" }, model: "gpt-4o-mini", trace },
    async (prompt) => ({ text: prompt, usage: { input: 6, output: 4 } }),
  );
  trace.complete({ output: responseText });
  await tracer.flush();
  window.summarize = async () => ({ summary: await tracer.summary(), problems });
  return { exported: JSON.parse(tracer.export()) };
}

async function reload() {
  const tracer = await Tracer.load({ storage: "indexedDB", onError });
  window.lazy = async () => {
    const otlp = await tracer.exportOtlp();
    const copy = new Tracer({ onError });
    const report = await copy.import(otlp, "from-otlp.json");
    return { spans: JSON.parse(otlp).resourceSpans[0].scopeSpans[0].spans.length, report, names: (await copy.summary()).traces.map((t) => t.name), problems };
  };
  return { summary: await tracer.summary(), exported: JSON.parse(tracer.export()) };
}

/** exportTo in a browser: its batches wait for the full core, then go out. */
async function send() {
  const tracer = new Tracer({ onError });
  const exporter = tracer.exportTo(new URL("/v1/traces", location.href).href, { protocol: "http/json" });
  tracer.trace({ name: "sent_trace" }).complete({ output: "ok" });
  return { sent: await exporter.shutdown() };
}

const phases = { record, reload, send };
phases[new URLSearchParams(location.search).get("phase") ?? "record"]().then(
  (found) => {
    window.result = { ...found, problems };
    document.getElementById("out").textContent = JSON.stringify(window.result, null, 2);
  },
  (error) => {
    window.result = { error: String(error?.stack ?? error), problems };
  },
);
