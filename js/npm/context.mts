// What code runs "inside": the current observation (`observe`, `track`, an
// OpenTelemetry span started active) and the attributes `withAttributes`
// propagates. AsyncLocalStorage in Node (set by the Node entry), the call
// stack elsewhere.

import type { Observation } from "./handles.mjs";
import type { PropagatedAttributes } from "./types.mjs";
import { tagList, text } from "./values.mjs";

/** Everything a scope carries. */
export interface Scope {
  observation?: Observation | undefined;
  attributes?: Propagated | undefined;
  /**
   * The span OpenTelemetry's context manager held when `observation` was
   * entered: if another is active now, it was entered later and is the
   * innermost (see otel-tracer.mts).
   */
  otelSpan?: unknown;
}

/** Propagated attributes, and the traces already given them. */
export interface Propagated extends PropagatedAttributes {
  /** Traces started outside this scope that were updated with it. */
  readonly updated: Set<string>;
}

/** Where the current scope is kept while code runs inside it. */
export interface Context {
  current(): Scope | undefined;
  run<T>(scope: Scope, fn: () => T): T;
}

const stack: Scope[] = [];
let context: Context = {
  current: () => stack[stack.length - 1],
  run(scope, fn) {
    stack.push(scope);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  },
};
let followsAsync = false;

/** @internal Called by the Node entry to use AsyncLocalStorage. */
export function useContext(next: Context): void {
  context = next;
  followsAsync = true;
}

/** Whether the current scope follows async calls (AsyncLocalStorage). */
export const contextFollowsAsync = (): boolean => followsAsync;

/** The observation observed code is running in, if any. */
export const currentObservation = (): Observation | undefined => {
  const scope = context.current();
  // An OpenTelemetry span of this package made active (in a registered
  // context manager) after the scope opened is the innermost: AI SDK 7 runs
  // a tool inside its span's context without calling startActiveSpan.
  const active = otel.active();
  if (active !== undefined && active !== scope?.otelSpan) {
    const handle = otel.handleOf(active);
    if (handle) return handle;
  }
  return scope?.observation;
};

/** Whether `withAttributes` ran at all: until then, starting an observation reads no context for it. */
let propagating = false;

/** The attributes `withAttributes` propagates here, if any. */
export const currentAttributes = (): Propagated | undefined =>
  propagating ? context.current()?.attributes : undefined;

/** What the OpenTelemetry tracer tells about OTel's own context (nothing until it loads). */
export interface OtelContextReader {
  /** The span active in a context manager the app registered, if any. */
  active(): unknown;
  /** That span's observation, when it is one of this package's spans. */
  handleOf(span: unknown): Observation | undefined;
}

let otel: OtelContextReader = { active: () => undefined, handleOf: () => undefined };

/** @internal Set by the OpenTelemetry tracer. */
export function readOtelContextWith(reader: OtelContextReader): void {
  otel = reader;
}

/** The OpenTelemetry span that was active when the current observation was entered. */
export const otelSpanAtEntry = (): unknown => context.current()?.otelSpan;

/** Runs `fn` with `value` as the current observation. */
export function runIn<T>(value: Observation, fn: () => T): T {
  return context.run({ ...context.current(), observation: value, otelSpan: otel.active() }, fn);
}

/** `attributes` added to those propagated here (may throw on hostile input: the caller reports). */
export function propagated(attributes: PropagatedAttributes): Propagated {
  return merged(currentAttributes(), attributes && typeof attributes === "object" ? attributes : {});
}

/** Runs `fn` with `attributes` (from `propagated`) as those propagated. */
export function runWith<T>(attributes: Propagated, fn: () => T): T {
  propagating = true;
  return context.run({ ...context.current(), attributes }, fn);
}

function merged(outer: Propagated | undefined, inner: PropagatedAttributes): Propagated {
  const pick = (key: "sessionId" | "userId" | "traceName"): string | undefined => {
    const value = inner[key];
    return typeof value === "string" ? (text(value) ?? value) : outer?.[key];
  };
  const given = tagList(inner.tags);
  const tags = [...(outer?.tags ?? []), ...given];
  const metadata = inner.metadata && typeof inner.metadata === "object" ? inner.metadata : undefined;
  const result: Propagated = { updated: new Set() };
  const sessionId = pick("sessionId");
  const userId = pick("userId");
  const traceName = pick("traceName");
  if (sessionId !== undefined) result.sessionId = sessionId;
  if (userId !== undefined) result.userId = userId;
  if (traceName !== undefined) result.traceName = traceName;
  if (tags.length > 0) result.tags = [...new Set(tags)];
  if (outer?.metadata || metadata) result.metadata = { ...outer?.metadata, ...metadata };
  return result;
}

/** `value` with the propagated metadata under it (a value that is not an object is kept as it is). */
export function withMetadata(value: unknown, attributes: Propagated | undefined): unknown {
  if (!attributes?.metadata) return value;
  if (value === undefined) return attributes.metadata;
  if (value && typeof value === "object" && !Array.isArray(value)) return { ...attributes.metadata, ...value };
  return value;
}
