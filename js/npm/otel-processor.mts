// `tracer.spanProcessor()`: an OpenTelemetry SDK `SpanProcessor` for apps
// that already run an OTel SDK (AI SDK 7 with `@ai-sdk/otel`, LangChain.js
// through OpenInference, OpenLLMetry JS, any instrumentation). Each span is
// recorded when it starts (running) and when it ends, through the core's
// one OTLP mapping. Spans are read loosely: SDK 1.x and 2.x name the parent
// and the scope differently, and a broken span is reported, never thrown.

import { currentAttributes } from "./context.mjs";
import { hrTimeNanos, propagatedAttributes, requestLine, type SpanRecord } from "./otlp-json.mjs";
import type { Tracer } from "./tracer.mjs";
import type { OtelSpanProcessor } from "./types.mjs";

/** What the processor reads of an SDK span (`ReadableSpan`, 1.x or 2.x). */
interface SdkSpan {
  name?: unknown;
  kind?: unknown;
  spanContext?: () => { traceId?: unknown; spanId?: unknown };
  parentSpanContext?: { spanId?: unknown };
  parentSpanId?: unknown;
  startTime?: unknown;
  endTime?: unknown;
  ended?: unknown;
  attributes?: unknown;
  events?: { name?: unknown; time?: unknown; attributes?: unknown }[];
  status?: { code?: unknown; message?: unknown };
  instrumentationScope?: { name?: unknown; version?: unknown };
  instrumentationLibrary?: { name?: unknown; version?: unknown };
  resource?: { attributes?: unknown };
}

export class PromptSpanProcessor implements OtelSpanProcessor {
  readonly #tracer: Tracer;
  /** `withAttributes`' attributes where each span started (it may end elsewhere). */
  readonly #scopes = new WeakMap<object, Record<string, unknown>>();

  constructor(tracer: Tracer) {
    this.#tracer = tracer;
  }

  onStart(span: unknown, _parentContext?: unknown): void {
    const propagated = propagatedAttributes(currentAttributes());
    if (span && typeof span === "object" && Object.keys(propagated).length > 0) this.#scopes.set(span, propagated);
    this.#record(span as SdkSpan, false);
  }

  onEnd(span: unknown): void {
    this.#record(span as SdkSpan, true);
  }

  /** Applies what was recorded. */
  async forceFlush(): Promise<void> {
    this.#tracer._applyQueue();
  }

  async shutdown(): Promise<void> {
    this.#tracer._applyQueue();
  }

  #record(span: SdkSpan, ended: boolean): void {
    try {
      const ids = span.spanContext?.() ?? {};
      const scope = span.instrumentationScope ?? span.instrumentationLibrary ?? {};
      const parent = span.parentSpanContext?.spanId ?? span.parentSpanId;
      const start = hrTimeNanos(span.startTime);
      if (start === undefined) throw new Error(`span "${String(span.name)}" has no start time; it is not recorded`);
      const record: SpanRecord = {
        traceId: String(ids.traceId ?? ""),
        spanId: String(ids.spanId ?? ""),
        parentSpanId: typeof parent === "string" && parent ? parent : undefined,
        name: String(span.name ?? "span"),
        kind: typeof span.kind === "number" ? span.kind : 0,
        start,
        end: ended ? hrTimeNanos(span.endTime) ?? start : undefined,
        attributes: { ...(span && this.#scopes.get(span)), ...(span.attributes as object | undefined) },
        events: (Array.isArray(span.events) ? span.events : []).map((event) => ({
          name: String(event?.name ?? "event"),
          time: hrTimeNanos(event?.time) ?? start,
          attributes: event?.attributes,
        })),
        status:
          span.status && typeof span.status.code === "number"
            ? { code: span.status.code, message: typeof span.status.message === "string" ? span.status.message : undefined }
            : undefined,
        scope: {
          name: String(scope.name ?? ""),
          version: typeof scope.version === "string" ? scope.version : undefined,
        },
        resource: span.resource?.attributes,
      };
      this.#tracer._push("spans", requestLine(record));
    } catch (error) {
      this.#tracer._report(error);
    }
  }
}
