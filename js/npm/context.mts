// What code runs "inside": the current observation (`observe`, `track`, an
// OpenTelemetry span started active) and the attributes `withAttributes`
// propagates. AsyncLocalStorage in Node (set by the Node entry), the call
// stack elsewhere.

import type { Observation } from "./handles.mjs";
import type { PropagatedAttributes } from "./types.mjs";

/** Everything a scope carries. */
export interface Scope {
  observation?: Observation | undefined;
  attributes?: Propagated | undefined;
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
export const currentObservation = (): Observation | undefined => context.current()?.observation;

/** The attributes `withAttributes` propagates here, if any. */
export const currentAttributes = (): Propagated | undefined => context.current()?.attributes;

/** Runs `fn` with `value` as the current observation. */
export function runIn<T>(value: Observation, fn: () => T): T {
  return context.run({ ...context.current(), observation: value }, fn);
}

/** Runs `fn` with `attributes` added to those propagated already. */
export function runWith<T>(attributes: PropagatedAttributes, fn: () => T): T {
  const outer = context.current();
  return context.run({ ...outer, attributes: merged(outer?.attributes, attributes) }, fn);
}

function merged(outer: Propagated | undefined, inner: PropagatedAttributes): Propagated {
  const pick = (key: "sessionId" | "userId" | "traceName"): string | undefined =>
    typeof inner[key] === "string" ? inner[key] : outer?.[key];
  const tags = [...(outer?.tags ?? []), ...(Array.isArray(inner.tags) ? inner.tags.map(String) : [])];
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
