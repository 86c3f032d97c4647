// `tracer.otelTracer()`: an OpenTelemetry API `Tracer` that records straight
// into prompttrace, with no OpenTelemetry SDK: what the Vercel AI SDK (≤ 6,
// `experimental_telemetry: { tracer }`) and AI SDK 7's `@ai-sdk/otel` take.
// Each span is sent to the core as OTLP (`otlp-json.mts`) when it starts
// (running) and when it ends, so the core's one OTLP mapping reads it.
//
// Nesting: a span's parent is the span in the context passed to it, else the
// span active in a context manager the app registered with
// `@opentelemetry/api`, else the current span or `observe` observation of
// this package (AsyncLocalStorage in Node), else — where there is no
// AsyncLocalStorage (browsers) — the innermost span still open that was
// started active by this tracer.

import { contextFollowsAsync, currentAttributes, currentObservation, runIn } from "./context.mjs";
import { Observation } from "./handles.mjs";
import { now, randomHex } from "./ids.mjs";
import { hrTimeNanos, millisNanos, propagatedAttributes, requestLine, type SpanRecord } from "./otlp-json.mjs";
import type { Tracer } from "./tracer.mjs";
import type {
  OtelAttributes,
  OtelAttributeValue,
  OtelContext,
  OtelException,
  OtelLink,
  OtelSpan,
  OtelSpanContext,
  OtelSpanOptions,
  OtelSpanStatus,
  OtelTimeInput,
  OtelTracer,
} from "./types.mjs";
import { errorText, text } from "./values.mjs";

/** `@opentelemetry/api`'s context key for the active span. */
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
/** `@opentelemetry/api` keeps its registered globals under this symbol (v1). */
const API_GLOBAL = Symbol.for("opentelemetry.js.api.1");

const HEX_32 = /^[0-9a-f]{32}$/;
const HEX_16 = /^[0-9a-f]{16}$/;

interface ContextManager {
  active(): OtelContext;
  with<T>(context: OtelContext, fn: () => T): T;
}

/** The context manager the app registered with `@opentelemetry/api`, if any. */
function registeredContextManager(): ContextManager | undefined {
  const api = (globalThis as Record<symbol, unknown>)[API_GLOBAL] as { context?: unknown } | undefined;
  const manager = api?.context as Partial<ContextManager> | undefined;
  return typeof manager?.active === "function" && typeof manager.with === "function"
    ? (manager as ContextManager)
    : undefined;
}

/** The span a context holds, as a trace id and span id. */
function spanIn(context: unknown): { traceId: string; spanId: string } | undefined {
  try {
    const span = (context as OtelContext | undefined)?.getValue?.(SPAN_KEY) as { spanContext?: () => OtelSpanContext } | undefined;
    const ids = span?.spanContext?.();
    return ids && HEX_32.test(ids.traceId) && HEX_16.test(ids.spanId) ? ids : undefined;
  } catch {
    return undefined;
  }
}

export class PromptTracer implements OtelTracer {
  readonly #tracer: Tracer;
  readonly #scope: { name: string; version?: string };
  /** Spans started active and still open, innermost last (browsers' fallback). */
  readonly #open: RecordingSpan[] = [];

  constructor(tracer: Tracer, name: string, version: string | undefined) {
    this.#tracer = tracer;
    this.#scope = version ? { name, version } : { name };
  }

  startSpan(name: string, options: OtelSpanOptions = {}, context?: OtelContext): OtelSpan {
    try {
      const parent = options?.root ? undefined : this.#parent(context);
      return new RecordingSpan(this.#tracer, this.#scope, String(name), options ?? {}, parent, this.#close);
    } catch (error) {
      this.#tracer._report(error);
      return new RecordingSpan(this.#tracer, this.#scope, "span", {}, undefined, this.#close);
    }
  }

  startActiveSpan<F extends (span: OtelSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: OtelSpan) => unknown>(name: string, options: OtelSpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: OtelSpan) => unknown>(
    name: string,
    options: OtelSpanOptions,
    context: OtelContext,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan(name: string, ...rest: unknown[]): unknown {
    const fn = rest[rest.length - 1] as (span: OtelSpan) => unknown;
    const options = (rest.length >= 2 ? rest[0] : {}) as OtelSpanOptions;
    const context = (rest.length >= 3 ? rest[1] : undefined) as OtelContext | undefined;
    const span = this.startSpan(name, options, context) as RecordingSpan;
    this.#open.push(span);
    const run = (): unknown => runIn(span.handle, () => fn(span));
    const manager = registeredContextManager();
    if (!manager) return run();
    let active: OtelContext | undefined;
    try {
      active = (context ?? manager.active()).setValue(SPAN_KEY, span);
    } catch {
      return run();
    }
    return manager.with(active, run);
  }

  /** Forgets an open span once it ends. */
  readonly #close = (span: RecordingSpan): void => {
    const at = this.#open.lastIndexOf(span);
    if (at >= 0) this.#open.splice(at, 1);
  };


  #parent(context: OtelContext | undefined): { traceId: string; spanId: string } | undefined {
    const explicit = context === undefined ? undefined : spanIn(context);
    if (explicit) return explicit;
    const manager = registeredContextManager();
    const active = manager ? spanIn(manager.active()) : undefined;
    if (active) return active;
    const current = currentObservation();
    if (current && HEX_16.test(current.id) && current._traceId && HEX_32.test(current._traceId)) {
      return { traceId: current._traceId, spanId: current.id };
    }
    if (current || contextFollowsAsync()) return undefined;
    const open = this.#open[this.#open.length - 1];
    return open ? open.ids : undefined;
  }
}

/** A live span: recorded when it starts and again when it ends. */
class RecordingSpan implements OtelSpan {
  readonly #tracer: Tracer;
  readonly #record: SpanRecord;
  readonly #closed: (span: RecordingSpan) => void;
  #ended = false;
  /** Its observation, for `observe` and `track` nesting under it. */
  readonly handle: Observation;

  constructor(
    tracer: Tracer,
    scope: { name: string; version?: string },
    name: string,
    options: OtelSpanOptions,
    parent: { traceId: string; spanId: string } | undefined,
    closed: (span: RecordingSpan) => void,
  ) {
    this.#tracer = tracer;
    this.#closed = closed;
    const traceId = parent?.traceId ?? randomHex(16);
    const spanId = randomHex(8);
    this.#record = {
      traceId,
      spanId,
      parentSpanId: parent?.spanId,
      name,
      kind: typeof options.kind === "number" ? options.kind : 0,
      start: nanos(options.startTime) ?? millisNanos(now()),
      end: undefined,
      attributes: { ...propagatedAttributes(currentAttributes()), ...(options.attributes ?? {}) },
      events: [],
      status: undefined,
      scope,
      resource: {},
    };
    this.handle = new Observation(tracer, spanId, traceId);
    this.#send();
  }

  get ids(): { traceId: string; spanId: string } {
    return { traceId: this.#record.traceId, spanId: this.#record.spanId };
  }

  spanContext(): OtelSpanContext {
    return { traceId: this.#record.traceId, spanId: this.#record.spanId, traceFlags: 1 };
  }

  setAttribute(key: string, value: OtelAttributeValue): this {
    if (!this.#ended && value !== undefined) (this.#record.attributes as OtelAttributes)[String(key)] = value;
    return this;
  }

  setAttributes(attributes: OtelAttributes): this {
    if (!this.#ended && attributes && typeof attributes === "object") {
      for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value as OtelAttributeValue);
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: OtelAttributes | OtelTimeInput, time?: OtelTimeInput): this {
    if (this.#ended) return this;
    const isTime = typeof attributesOrTime === "number" || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    const at = nanos(isTime ? (attributesOrTime as OtelTimeInput) : time) ?? millisNanos(now());
    this.#record.events.push({ name: String(name), time: at, attributes: isTime ? {} : (attributesOrTime ?? {}) });
    return this;
  }

  addLink(_link: OtelLink): this {
    return this;
  }

  addLinks(_links: OtelLink[]): this {
    return this;
  }

  setStatus(status: OtelSpanStatus): this {
    if (!this.#ended && status && typeof status === "object") {
      this.#record.status = { code: Number(status.code), message: text(status.message) };
    }
    return this;
  }

  updateName(name: string): this {
    if (!this.#ended) this.#record.name = String(name);
    return this;
  }

  end(endTime?: OtelTimeInput): void {
    if (this.#ended) return; // OTel ignores a second end
    this.#ended = true;
    this.#record.end = nanos(endTime) ?? millisNanos(now());
    this.#closed(this);
    this.#send();
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  recordException(exception: OtelException, time?: OtelTimeInput): void {
    const attributes: OtelAttributes = { "exception.message": errorText(exception) };
    if (exception instanceof Error) {
      attributes["exception.type"] = exception.name;
      if (exception.stack) attributes["exception.stacktrace"] = exception.stack;
    }
    this.addEvent("exception", attributes, time);
  }

  #send(): void {
    try {
      this.#tracer._push("spans", requestLine(this.#record));
    } catch (error) {
      this.#tracer._report(error);
    }
  }
}

/** An OTel `TimeInput` as decimal nanoseconds (numbers below the time origin are `performance.now()` values). */
function nanos(time: OtelTimeInput | undefined): string | undefined {
  if (time === undefined || time === null) return undefined;
  if (time instanceof Date) return Number.isFinite(time.getTime()) ? millisNanos(time.getTime()) : undefined;
  if (Array.isArray(time)) return hrTimeNanos(time);
  if (typeof time === "number" && Number.isFinite(time) && time >= 0) {
    return millisNanos(time < performance.timeOrigin ? performance.timeOrigin + time : time);
  }
  return undefined;
}
