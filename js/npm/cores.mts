// Which wasm core a tracer runs on. Node loads the full core at once. A
// browser app starts on the record-only core (recording, track, the native
// files, storage), inlined so that `new Tracer()` stays synchronous, and
// loads the full core (the OTLP and Langfuse readers, the summary, live
// OpenTelemetry spans, the OTLP exporter's batches) on first use: a dynamic
// import of its own inline module, which bundlers emit as a chunk of its
// own that is fetched only then. A tracer then moves its records to a full
// core (`Tracer`'s upgrade) and stays on it.

import type { Core as LeanCore } from "./wasm/prompttrace_js.js";
import type { Core as FullCore } from "./wasm-full/prompttrace_full.js";

export type { FullCore, LeanCore };

type Make<T> = new () => T;

let start: Make<LeanCore> | undefined;
let full: Make<FullCore> | undefined;
let load: (() => Promise<Make<FullCore>>) | undefined;
let loading: Promise<Make<FullCore>> | undefined;

/**
 * Called once by the entry: the core tracers start on, and the full core
 * (loaded already) or how to load it.
 */
export function useCores(lean: Make<LeanCore>, fullCore: Make<FullCore> | (() => Promise<Make<FullCore>>)): void {
  start = lean;
  if (isClass(fullCore)) full = fullCore;
  else load = fullCore;
}

/** A new core of the kind tracers start on (scratch cores for storage too). */
export function newCore(): LeanCore {
  if (!start) throw new Error("prompttrace: import the package (its entry loads the wasm core)");
  return new start();
}

/**
 * A new full core of its own (scratch work: reading stored records, which
 * only the full core can); loads it first in browsers. Rejects when it
 * cannot be loaded.
 */
export async function newFullCore(): Promise<FullCore> {
  const Full = await loadFull();
  return new Full();
}

/** Whether `core` is a full core (it has what the lean one lacks). */
export function isFull(core: LeanCore): core is FullCore {
  return typeof (core as Partial<FullCore>).ingestSpans === "function";
}

/** The full core's class if it is loaded (always in Node). */
export function loadedFull(): Make<FullCore> | undefined {
  return full;
}

/** Whether the full core loads on first use (browsers) rather than at once (Node). */
export function loadsLater(): boolean {
  return load !== undefined;
}

/** The full core's class, loaded on the first call; rejects when it cannot be loaded. */
export function loadFull(): Promise<Make<FullCore>> {
  if (full) return Promise.resolve(full);
  loading ??= (load ?? (() => Promise.reject(new Error("no full core to load"))))().then(
    (loaded) => (full = loaded),
    (error: unknown) => {
      loading = undefined; // a later call tries again (a chunk that failed to download)
      throw error;
    },
  );
  return loading;
}

function isClass<T>(value: Make<T> | (() => Promise<Make<T>>)): value is Make<T> {
  return typeof value === "function" && value.prototype !== undefined && "free" in value.prototype;
}
