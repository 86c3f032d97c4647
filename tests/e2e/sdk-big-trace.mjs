// A big agent trace made by the OpenTelemetry JS SDK itself, for the flame
// graph's e2e and bench: `sdkBigTrace(20_000)` runs the SDK's tracer
// (BasicTracerProvider, an in-memory exporter) over a nested agent run,
// turns of steps of LLM and tool calls, each call with HTTP spans under it,
// GenAI attributes on the calls (model, tokens) and a failing tool call
// every so often, the HTTP spans of a call running in parallel (a fan-out:
// the flame graph gives each a lane of its own), and returns the OTLP/JSON bytes of the SDK's own
// serializer, as an app exporting to a file would write them.
//
// Times are given to the SDK (startTime/endTime), so the file is the same
// on every run; ids come from a counter.
import { context, trace, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";

const BASE_MS = Date.UTC(2025, 2, 14, 9, 26, 53, 0);

class CountingIds {
  n = 0;
  /** Run 1 gets trace and span ids of its own (the compare bench's "B"
   * run). */
  constructor(run) {
    this.run = run;
    this.prefix = (0xb16 + run).toString(16);
  }
  next(len) {
    this.n += 1;
    return this.n.toString(16).padStart(len, "0");
  }
  generateTraceId() {
    return `${this.prefix.padEnd(24, "0")}${this.next(8)}`;
  }
  generateSpanId() {
    // Span ids are unique across runs too: one store holds both (an
    // observation id belongs to one trace).
    return this.run ? `${this.run.toString(16)}${this.next(15)}` : this.next(16);
  }
}

/** Fan-out per level under the root: turns, steps per turn, calls per
 * step, HTTP spans per call. */
const FAN_OUT = [40, 10, 5, 9];
/** The level whose spans all start together (the HTTP calls). */
const PARALLEL = 3;

/** The OTLP/JSON text of one trace of `count` spans, and its trace id.
 * `run` 1 is a second run of the same agent (the compare bench's "B"):
 * other ids, and other calls fail and use other token counts. */
export function sdkBigTrace(count, run = 0) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ idGenerator: new CountingIds(run), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer("flame-bench", "1.0.0");
  let made = 0;
  const at = (ms) => new Date(BASE_MS + ms);

  // Starts a span at `start` under `parent`, lets `body` add children from
  // `start + 1`, and ends it 1 ms after its last child (or 3 ms after it
  // starts). Returns its end.
  function span(name, start, parent, { failing, ...attributes }, body) {
    made += 1;
    const options = { startTime: at(start), attributes, kind: attributes["gen_ai.operation.name"] ? SpanKind.CLIENT : SpanKind.INTERNAL };
    const s = tracer.startSpan(name, options, parent ? trace.setSpan(context.active(), parent) : undefined);
    const end = body ? body(s, start + 1) + 1 : start + 3;
    if (failing) {
      s.setStatus({ code: SpanStatusCode.ERROR, message: "Upstream booking API returned 503 Service Unavailable" });
    }
    s.end(at(end));
    return end;
  }

  const children = (level, name, attributes) => (parent, start) => {
    let t = start;
    for (let i = 0; i < FAN_OUT[level] && made < count; i++) {
      const [childName, childAttributes] = [name(i), attributes(i)];
      const body = level + 1 < FAN_OUT.length ? children(level + 1, ...LEVELS[level + 1]) : undefined;
      const end = span(childName, level === PARALLEL ? start : t, parent, childAttributes, body);
      t = level === PARALLEL ? Math.max(t, end + 1) : end + 1;
    }
    return t;
  };
  let call = 0;
  const LEVELS = [
    [(i) => `turn ${i}`, () => ({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner" })],
    [(i) => `step ${i}`, () => ({})],
    [(i) => (i % 2 === 0 ? "chat gpt-4o-mini" : "execute_tool search_flights"), (i) => {
      call += 1;
      return i % 2 === 0
        ? { "gen_ai.operation.name": "chat", "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o-mini",
          "gen_ai.response.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 420 + run * (call % 7), "gen_ai.usage.output_tokens": 60 }
        : { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_flights", failing: call % (97 - run * 8) === 0 };
    }],
    [(i) => `HTTP GET /v1/part/${i}`, () => ({ "http.request.method": "GET" })],
  ];
  span("invoke_agent big-run", 0, undefined, { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "big-run" },
    children(0, ...LEVELS[0]));
  const spans = exporter.getFinishedSpans();
  const text = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
  return { text, traceId: spans[0].spanContext().traceId, spans: spans.length };
}
