// OpenTelemetry spans made in this process, as the OTLP/JSON request lines
// the core reads (`Core.ingestSpans`): the same reading as a file's, so a
// span recorded live gives the record the same span gives from a file.
// Conversion only: which attribute means what is the core's.

import type { Propagated } from "./context.mjs";
import { safeText, text } from "./values.mjs";

/** OTLP/JSON's `AnyValue`. */
type AnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: AnyValue[] } }
  | Record<string, never>;

interface KeyValue {
  key: string;
  value: AnyValue;
}

/** A span as the OTel API and SDK describe it, read loosely (any field may be odd). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** The API's `SpanKind` (INTERNAL 0 … CONSUMER 4). */
  kind: number;
  /** Nanoseconds since the epoch, as decimal text. */
  start: string;
  end: string | undefined;
  attributes: unknown;
  events: { name: string; time: string; attributes: unknown }[];
  /** The API's status: code UNSET 0, OK 1, ERROR 2. */
  status: { code: number; message?: string | undefined } | undefined;
  scope: { name: string; version?: string | undefined };
  resource: unknown;
}

/**
 * `withAttributes`' attributes on a span, as the Langfuse attributes the
 * core reads for the trace (session, user, tags, name) and the
 * observation's metadata.
 */
export function propagatedAttributes(scope: Propagated | undefined): Record<string, string | string[]> {
  if (!scope) return {};
  const out: Record<string, string | string[]> = {};
  if (scope.sessionId !== undefined) out["langfuse.session.id"] = scope.sessionId;
  if (scope.userId !== undefined) out["langfuse.user.id"] = scope.userId;
  if (scope.tags) out["langfuse.trace.tags"] = scope.tags;
  if (scope.traceName !== undefined) out["langfuse.trace.name"] = scope.traceName;
  for (const [key, value] of Object.entries(scope.metadata ?? {})) {
    out[`langfuse.observation.metadata.${key}`] = typeof value === "string" ? value : safeJson(value);
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? safeText(value);
  } catch {
    return safeText(value);
  }
}

/** One OTLP/JSON request holding one span, on one line. */
export function requestLine(span: SpanRecord): string {
  const otlpSpan: Record<string, unknown> = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: text(span.name) ?? "span",
    kind: Number.isInteger(span.kind) && span.kind >= 0 && span.kind <= 4 ? span.kind + 1 : 1,
    startTimeUnixNano: span.start,
    attributes: attributes(span.attributes),
  };
  if (span.parentSpanId) otlpSpan.parentSpanId = span.parentSpanId;
  if (span.end !== undefined) otlpSpan.endTimeUnixNano = span.end;
  if (span.events.length > 0) {
    otlpSpan.events = span.events.map((e) => ({
      name: text(e.name) ?? "event",
      timeUnixNano: e.time,
      attributes: attributes(e.attributes),
    }));
  }
  const code = span.status?.code;
  if (code === 1 || code === 2) {
    otlpSpan.status = { code, ...(span.status?.message ? { message: text(span.status.message) } : {}) };
  }
  const scope: Record<string, string> = { name: text(span.scope.name) ?? "" };
  if (span.scope.version) scope.version = text(span.scope.version) ?? "";
  const request = {
    resourceSpans: [{ resource: { attributes: attributes(span.resource) }, scopeSpans: [{ scope, spans: [otlpSpan] }] }],
  };
  return JSON.stringify(request);
}

/**
 * An attribute record as OTLP key-values. Values an OTel attribute cannot
 * hold (objects, arrays of mixed types) are left out, as the OTel SDK does,
 * so a span recorded live reads as the SDK would have written it; text is
 * made well-formed (a string cut inside an emoji would make the line
 * unreadable).
 */
function attributes(record: unknown): KeyValue[] {
  if (!record || typeof record !== "object") return [];
  const out: KeyValue[] = [];
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    if (value === undefined || value === null || !isAttributeValue(value)) continue;
    out.push({ key: text(key) ?? "", value: anyValue(value) });
  }
  return out;
}

/** What the OTel SDK keeps: a primitive, or an array of one primitive type (with gaps). */
export function isAttributeValue(value: unknown): boolean {
  if (!Array.isArray(value)) return isPrimitive(value);
  let type: string | undefined;
  for (const element of value) {
    if (element === null || element === undefined) continue;
    if (!isPrimitive(element) || (type !== undefined && typeof element !== type)) return false;
    type = typeof element;
  }
  return true;
}

const isPrimitive = (value: unknown): boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

function anyValue(value: unknown): AnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: text(value) ?? "" };
    case "boolean":
      return { boolValue: value };
    case "number":
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      // JSON has no NaN or Infinity; OTLP/JSON writes them as text.
      return Number.isFinite(value) ? { doubleValue: value } : ({ doubleValue: String(value) } as unknown as AnyValue);
    case "bigint":
      return { intValue: value.toString() };
    default:
      if (Array.isArray(value)) {
        return { arrayValue: { values: value.map((v) => (v === null || v === undefined ? {} : anyValue(v))) } };
      }
      return { stringValue: safeText(value) };
  }
}

/** OTel's `HrTime` ([seconds, nanoseconds]) as decimal nanoseconds. */
export function hrTimeNanos(time: unknown): string | undefined {
  if (!Array.isArray(time) || time.length !== 2) return undefined;
  const [seconds, nanos] = time as [unknown, unknown];
  if (typeof seconds !== "number" || typeof nanos !== "number") return undefined;
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return undefined;
  if (seconds <= 0 && nanos <= 0) return undefined;
  return (BigInt(Math.trunc(seconds)) * 1_000_000_000n + BigInt(Math.trunc(nanos))).toString();
}

/** Milliseconds since the epoch as decimal nanoseconds, kept to the microsecond. */
export function millisNanos(ms: number): string {
  if (!Number.isFinite(ms)) ms = Date.now();
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return (BigInt(whole) * 1_000_000n + BigInt(micros) * 1_000n).toString();
}
