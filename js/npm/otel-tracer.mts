// `tracer.otelTracer()`: an OpenTelemetry API `Tracer` that records straight
// into prompttrace, with no OpenTelemetry SDK: what the Vercel AI SDK (≤ 6,
// `experimental_telemetry: { tracer }`) and AI SDK 7's `@ai-sdk/otel` take.
// Each span is sent to the core as OTLP (`otlp-json.mts`) when it starts
// (running) and when it ends, so the core's one OTLP mapping reads it.
//
// Nesting: a span's parent is the span in the context passed to it, else the
// innermost of the span active in a context manager the app registered with
// `@opentelemetry/api` and the current span or `observe` observation of
// this package (AsyncLocalStorage in Node), else — where there is no
// AsyncLocalStorage (browsers) — the innermost span still open that was
// started active by this tracer. A context passed without a span does not
// make a root (AI SDK 7 passes its own); `{ root: true }` does.

import {
  contextFollowsAsync,
  currentAttributes,
  currentObservation,
  otelSpanAtEntry,
  readOtelContextWith,
  runIn,
} from "./context.mjs";
import { Observation } from "./handles.mjs";
import { now, randomHex } from "./ids.mjs";
import { hrTimeNanos, isAttributeValue, millisNanos, propagatedAttributes, requestLine, type SpanRecord } from "./otlp-json.mjs";
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
import { text } from "./values.mjs";

/** `@opentelemetry/api`'s context key for the active span. */
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");
/** `@opentelemetry/api` keeps its registered globals under this symbol (v1). */
const API_GLOBAL = Symbol.for("opentelemetry.js.api.1");

const HEX_32 = /^[0-9a-f]{32}$/;
const HEX_16 = /^[0-9a-f]{16}$/;
/** Our own attribute for a trace id that is not OTLP's (the core reads it as the trace's id). */
const OUR_TRACE_ID = "prompttrace.trace.id";

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

/** The span object a context holds, if any. */
function spanObjectIn(context: unknown): unknown {
  try {
    return (context as OtelContext | undefined)?.getValue?.(SPAN_KEY);
  } catch {
    return undefined;
  }
}

/** The span active in the registered context manager, if any. */
function activeSpanObject(): unknown {
  try {
    return spanObjectIn(registeredContextManager()?.active());
  } catch {
    return undefined;
  }
}
readOtelContextWith({
  active: activeSpanObject,
  handleOf: (span) => (span instanceof RecordingSpan ? span.handle : undefined),
});

/** Where a new span goes: its trace (and parent span), as OTLP ids. */
interface Parent {
  traceId: string;
  spanId?: string | undefined;
  /** The trace's own id when it is not 32 hex digits (a trace started with `{ id }`). */
  ourTraceId?: string | undefined;
}

/** A span object's ids, when they are valid OTel ids. */
function idsOf(span: unknown): Parent | undefined {
  if (span instanceof RecordingSpan) return span.parent;
  try {
    const ids = (span as { spanContext?: () => OtelSpanContext } | undefined)?.spanContext?.();
    return ids && HEX_32.test(ids.traceId) && HEX_16.test(ids.spanId) ? { traceId: ids.traceId, spanId: ids.spanId } : undefined;
  } catch {
    return undefined;
  }
}

/** An observation of ours as a parent; a trace id that is not OTLP's kept beside a stand-in. */
function observationParent(observation: Observation): Parent | undefined {
  const traceId = observation._traceId;
  if (traceId === undefined || traceId === null) return undefined;
  const spanId = HEX_16.test(observation.id) ? observation.id : undefined;
  return HEX_32.test(traceId) ? { traceId, spanId } : { traceId: standInTraceId(traceId), spanId, ourTraceId: traceId };
}

/**
 * The same 32 hex digits for the same trace id, every time: spans of one
 * batch find their parent by OTLP trace id and span id, so every span of
 * a trace whose id is not OTLP's must carry the same stand-in (two FNV-1a
 * 64-bit hashes; the core files them under `prompttrace.trace.id`).
 */
function standInTraceId(id: string): string {
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let a = 0xcbf29ce484222325n;
  let b = 0x84222325cbf29ce4n;
  for (let i = 0; i < id.length; i++) {
    const unit = BigInt(id.charCodeAt(i));
    a = ((a ^ unit) * prime) & mask;
    b = ((b ^ (unit + 0x9en)) * prime) & mask;
  }
  return a.toString(16).padStart(16, "0") + b.toString(16).padStart(16, "0");
}

export class PromptTracer implements OtelTracer {
  readonly #tracer: Tracer;
  readonly #scope: { name: string; version?: string };
  /** Spans started active and still open, innermost last (the fallback where there is no AsyncLocalStorage). */
  readonly #open: RecordingSpan[] = [];

  constructor(tracer: Tracer, name: string, version: string | undefined) {
    this.#tracer = tracer;
    this.#scope = version ? { name, version } : { name };
  }

  startSpan(name: string, options: OtelSpanOptions = {}, context?: OtelContext): OtelSpan {
    try {
      const parent = options?.root ? undefined : this.#parent(context);
      return new RecordingSpan(this.#tracer, this.#scope, text(name) ?? "span", options ?? {}, parent, this.#close);
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
    const fn = rest[rest.length - 1];
    if (typeof fn !== "function") {
      // The OTel API's own tracers return undefined here too.
      this.#tracer._report(new Error(`startActiveSpan("${text(name)}") needs a function to run; no span started`));
      return undefined;
    }
    let span: RecordingSpan | undefined;
    let active: OtelContext | undefined;
    const manager = registeredContextManager();
    try {
      const options = (rest.length >= 2 ? rest[0] : {}) as OtelSpanOptions;
      const context = (rest.length >= 3 ? rest[1] : undefined) as OtelContext | undefined;
      span = this.startSpan(name, options, context) as RecordingSpan;
      if (!contextFollowsAsync()) this.#open.push(span);
      if (manager) active = (context ?? manager.active()).setValue(SPAN_KEY, span);
    } catch (error) {
      this.#tracer._report(error);
    }
    const current = span ?? new RecordingSpan(this.#tracer, this.#scope, "span", {}, undefined, this.#close);
    const run = (): unknown => runIn(current.handle, () => fn(current));
    // The app's function runs once, outside any try: its errors are its own.
    return manager && active ? manager.with(active, run) : run();
  }

  /** Forgets an open span once it ends. */
  readonly #close = (span: RecordingSpan): void => {
    const at = this.#open.lastIndexOf(span);
    if (at >= 0) this.#open.splice(at, 1);
  };

  #parent(context: OtelContext | undefined): Parent | undefined {
    const explicit = context === undefined ? undefined : idsOf(spanObjectIn(context));
    if (explicit) return explicit;
    // The innermost wins: another SDK's span made active after the current
    // scope opened, else the current observation (ours, or one of our spans
    // made active, which `currentObservation` already picks).
    const active = activeSpanObject();
    if (active !== undefined && !(active instanceof RecordingSpan) && active !== otelSpanAtEntry()) {
      const ids = idsOf(active);
      if (ids) return ids;
    }
    const current = currentObservation();
    if (current) return observationParent(current);
    if (contextFollowsAsync()) return undefined;
    // No async context (browsers): the innermost span still open. Right for
    // one chain of calls at a time; concurrent chains may nest under each
    // other (register a context manager, or pass contexts, to avoid it).
    const open = this.#open[this.#open.length - 1];
    return open ? open.parent : undefined;
  }
}

/** A live span: recorded when it starts and again when it ends. Never throws. */
class RecordingSpan implements OtelSpan {
  readonly #tracer: Tracer;
  readonly #record: SpanRecord;
  readonly #closed: (span: RecordingSpan) => void;
  readonly #ourTraceId: string | undefined;
  #ended = false;
  /** Its observation, for `observe` and `track` nesting under it. */
  readonly handle: Observation;

  constructor(
    tracer: Tracer,
    scope: { name: string; version?: string },
    name: string,
    options: OtelSpanOptions,
    parent: Parent | undefined,
    closed: (span: RecordingSpan) => void,
  ) {
    this.#tracer = tracer;
    this.#closed = closed;
    const traceId = parent?.traceId ?? randomHex(16);
    const spanId = randomHex(8);
    this.#ourTraceId = parent?.ourTraceId;
    const attributes: OtelAttributes = { ...propagatedAttributes(currentAttributes()) };
    if (this.#ourTraceId !== undefined) attributes[OUR_TRACE_ID] = this.#ourTraceId;
    this.#record = {
      traceId,
      spanId,
      parentSpanId: parent?.spanId,
      name,
      kind: typeof options.kind === "number" ? options.kind : 0,
      start: nanos(options.startTime) ?? millisNanos(now()),
      end: undefined,
      attributes,
      events: [],
      status: undefined,
      scope,
      resource: {},
    };
    this.handle = new Observation(tracer, spanId, this.#ourTraceId ?? traceId);
    this.#guard(() => this.setAttributes(options.attributes ?? {}));
    this.#send();
  }

  /** Where its children go. */
  get parent(): Parent {
    return { traceId: this.#record.traceId, spanId: this.#record.spanId, ourTraceId: this.#ourTraceId };
  }

  spanContext(): OtelSpanContext {
    return { traceId: this.#record.traceId, spanId: this.#record.spanId, traceFlags: 1 };
  }

  /** As the OTel SDK does: an empty key, null or a value OTel cannot hold is ignored; a list is copied. */
  setAttribute(key: string, value: OtelAttributeValue): this {
    return this.#guard(() => {
      const name = text(key);
      if (this.#ended || !name || value === undefined || value === null || !isAttributeValue(value)) return;
      (this.#record.attributes as OtelAttributes)[name] = Array.isArray(value) ? ([...value] as OtelAttributeValue) : value;
    });
  }

  setAttributes(attributes: OtelAttributes): this {
    return this.#guard(() => {
      if (this.#ended || !attributes || typeof attributes !== "object") return;
      for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value as OtelAttributeValue);
    });
  }

  addEvent(name: string, attributesOrTime?: OtelAttributes | OtelTimeInput, time?: OtelTimeInput): this {
    return this.#guard(() => {
      if (this.#ended) return;
      const isTime = typeof attributesOrTime === "number" || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
      const at = nanos(isTime ? (attributesOrTime as OtelTimeInput) : time) ?? millisNanos(now());
      const attributes: OtelAttributes =
        isTime || !attributesOrTime || typeof attributesOrTime !== "object" ? {} : { ...(attributesOrTime as OtelAttributes) };
      this.#record.events.push({ name: text(name) ?? "event", time: at, attributes });
    });
  }

  addLink(_link: OtelLink): this {
    return this;
  }

  addLinks(_links: OtelLink[]): this {
    return this;
  }

  /** As the OTel SDK does: UNSET is ignored, OK is final, a message belongs to ERROR only. */
  setStatus(status: OtelSpanStatus): this {
    return this.#guard(() => {
      if (this.#ended || !status || typeof status !== "object") return;
      const code = status.code;
      if ((code !== 1 && code !== 2) || this.#record.status?.code === 1) return;
      this.#record.status = code === 2 && typeof status.message === "string" ? { code, message: status.message } : { code };
    });
  }

  updateName(name: string): this {
    return this.#guard(() => {
      if (!this.#ended) this.#record.name = text(name) ?? this.#record.name;
    });
  }

  end(endTime?: OtelTimeInput): void {
    this.#guard(() => {
      if (this.#ended) return; // OTel ignores a second end
      this.#ended = true;
      const end = nanos(endTime) ?? millisNanos(now());
      // An end before the start is the start, as the OTel SDK clamps it.
      this.#record.end = BigInt(end) < BigInt(this.#record.start) ? this.#record.start : end;
      this.#closed(this);
      this.#send();
    });
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  /**
   * As the OTel SDK reads an exception: a string is the message; of an
   * object, a truthy `code` (else `name`) is the type, and a truthy
   * `message` and `stack` are kept. Nothing is recorded without a type or a
   * message.
   */
  recordException(exception: OtelException, time?: OtelTimeInput): void {
    this.#guard(() => {
      const attributes: OtelAttributes = {};
      if (typeof exception === "string") {
        attributes["exception.message"] = exception;
      } else if (exception && typeof exception === "object") {
        const { code, name, message, stack } = exception as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
        if (code) attributes["exception.type"] = text(code) ?? "";
        else if (name) attributes["exception.type"] = name as OtelAttributeValue;
        if (message) attributes["exception.message"] = message as OtelAttributeValue;
        if (stack) attributes["exception.stacktrace"] = stack as OtelAttributeValue;
      }
      if (attributes["exception.type"] || attributes["exception.message"]) this.addEvent("exception", attributes, time);
    });
  }

  /** Runs a span method's body; what goes wrong is reported, never thrown. */
  #guard(body: () => void): this {
    try {
      body();
    } catch (error) {
      this.#tracer._report(error);
    }
    return this;
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
