// The JS face of prompttrace: the `Tracer`. Every rule (status, durations,
// nesting, rollups, prices, the file format) runs in the wasm core; this
// class only records calls (queue.mts), reads the core's results, and never
// lets an error reach the host app: every public method catches and routes
// to onError. In browsers it starts on the record-only core and moves to
// the full one on first use of what only that has (cores.mts): `import`,
// `exportOtlp`, `summary`, `exportTo`, OpenTelemetry spans.

import { TracerCore } from "./tracer-core.mjs";
import { type CoreReport, importFile, storedBytes } from "./tracer-import.mjs";
import { currentAttributes, currentObservation, type Propagated, propagated, runWith, withMetadata } from "./context.mjs";
import { exportTo } from "./export-to.mjs";
import { Observation, Trace } from "./handles.mjs";
import { now, randomHex } from "./ids.mjs";
import { observe } from "./observe.mjs";
import { PromptSpanProcessor } from "./otel-processor.mjs";
import { PromptTracer } from "./otel-tracer.mjs";
import { type Loose, observationUpdate, traceUpdate } from "./change-calls.mjs";
import { queueEnd, queueStart } from "./record-calls.mjs";
import { type ChangeCall, Queue, type Step, toJson, type TrackEnd, type TrackStart } from "./queue.mjs";
import type { Batch } from "./queue.mjs";
import { newCore } from "./cores.mjs";
import { Keeping } from "./keeping.mjs";
import { SpanLoad } from "./span-load.mjs";
import type { Stored } from "./storage.mjs";
import { track } from "./track.mjs";
import type {
  CompleteOptions,
  GenerationOptions,
  ImportReport,
  Lazy,
  ObserveOptions,
  OtelSpanProcessor,
  OtelTracer,
  OtlpExporter,
  OtlpExportOptions,
  Prices,
  PropagatedAttributes,
  Summary,
  TraceOptions,
  Tracked,
  TracerOptions,
  TrackOptions,
  TrackResult,
  TraceUpdateOptions,
  UpdateOptions,
} from "./types.mjs";
import { tagList, text } from "./values.mjs";

/** Records traces. Calls are queued and applied by the core in batches. */
export class Tracer {
  /** The record-only core, or the full one (Node; a browser after first use of it). */
  readonly #cores: TracerCore;
  readonly #queue: Queue;
  readonly #onError: (error: Error) => void;
  /** Storage and the memory bound. */
  readonly #keeping: Keeping;
  /** Exporters running (see `exportTo`). */
  #exporters = 0;
  /** The full core's load that held OpenTelemetry spans and OpenAI calls wait for, and its retries. */
  readonly #spanLoad: SpanLoad;
  /** Why the last `summary()` was empty (its core could not be loaded), reported once until one succeeds. */
  #summaryFailed: string | undefined;

  constructor(options: TracerOptions = {}) {
    const opts: TracerOptions = options && typeof options === "object" ? options : {};
    this.#onError = typeof opts.onError === "function" ? opts.onError : defaultOnError;
    this.#cores = new TracerCore(() => this.#keeping.watches);
    this.#queue = new Queue(
      () => this.#cores.now,
      (error) => this._report(error),
      () => this.#keeping.written(),
      // Spans wait (held, in order) until the full core is here.
      () => void this.#spanLoad.load(),
      () => this.#spanLoad.retryLater(),
    );
    this.#spanLoad = new SpanLoad(this.#cores, this.#queue, () => this._applyQueue(), (error) => this._report(error));
    if (opts.prices !== undefined) this.setPrices(opts.prices);
    this.#keeping = new Keeping(() => this.#cores.now, () => this.#cores.prices, opts, (error) => this._report(error));
  }

  /**
   * A new Tracer holding what is stored in `options.storage` (history read
   * back). Recording into it adds to what is stored, as with `new Tracer`.
   * A stored record that cannot be read goes to onError and is left as it
   * is. Never rejects.
   */
  static async load(options: TracerOptions = {}): Promise<Tracer> {
    const tracer = new Tracer(options);
    try {
      const stored = await tracer.#keeping.read();
      // Only the full core reads stored records (browsers load it now).
      if (stored.length > 0) await tracer.#cores.load();
      for (const record of stored) tracer.#importStored(record);
    } catch (error) {
      tracer._report(error);
    }
    // What was just read is stored already.
    tracer.#read(() => tracer.#cores.now.markSaved(), undefined);
    return tracer;
  }

  /**
   * A tracer holding one trace file (ours, OTLP/JSON or Langfuse's): a
   * `File`/`Blob` in browsers, a path in Node. A refused file goes to
   * onError and leaves the tracer empty. Never rejects.
   */
  static async fromFile(file: Blob | string | URL, options: TracerOptions = {}): Promise<Tracer> {
    const tracer = new Tracer(options);
    try {
      // Imported here: a browser app that never reads a file does not ship it.
      const { readFile } = await import("./files.mjs");
      const [bytes, name] = await readFile(file);
      await tracer.import(bytes, name);
    } catch (error) {
      tracer._report(error);
    }
    return tracer;
  }

  /** Starts a trace. `options` may be just its name. */
  trace(options: TraceOptions | string = {}): Trace {
    const opts: TraceOptions =
      typeof options === "string" ? { name: options } : options && typeof options === "object" ? options : {};
    const id = text(opts.id) ?? randomHex(16);
    const scope = currentAttributes();
    const sessionId = text(opts.sessionId ?? scope?.sessionId);
    try {
      const tags = [...(scope?.tags ?? []), ...tagList(opts.tags)];
      this.#queue.push("traces", {
        id,
        at: now(),
        name: text(opts.name ?? scope?.traceName) ?? "trace",
        session_id: sessionId,
        user_id: text(opts.userId ?? scope?.userId),
        input: opts.input,
        metadata: withMetadata(opts.metadata, scope),
        tags: tags.length > 0 ? [...new Set(tags)] : undefined,
        environment: text(opts.environment),
        release: text(opts.release),
      });
      scope?.updated.add(id);
    } catch (error) {
      this._report(error);
    }
    return new Trace(this, id, sessionId);
  }

  /**
   * Runs `fn` so that everything recorded inside — traces, observations,
   * `observe`, `track`, and the OpenTelemetry and OpenAI integrations —
   * gets these attributes (like Langfuse's `propagateAttributes`): traces
   * started inside take the session, user, tags and name; traces started
   * outside that get a step inside take the session and user, and add the
   * tags; every trace's and observation's metadata takes the metadata.
   * Returns what `fn` returns (or its promise); `fn`'s own errors pass
   * through. In Node the attributes follow awaits (AsyncLocalStorage); in
   * browsers only `fn`'s synchronous part.
   */
  withAttributes<T>(attributes: PropagatedAttributes, fn: () => T): T {
    let scope: Propagated | undefined;
    try {
      scope = propagated(attributes);
    } catch (error) {
      this._report(error);
    }
    // `fn` runs once, outside any try: its errors are the app's.
    return scope ? runWith(scope, fn) : fn();
  }

  /** Starts an LLM call outside any trace (still counted in rollups). */
  generation(options: GenerationOptions | string = {}): Observation {
    return this._start(null, null, "generation", options);
  }

  /**
   * Renders the template, calls `fn(prompt)`, records the call as a generation
   * (input, output, usage, cost, duration) and returns `{ responseText, generation }`.
   * An error from `fn` is recorded and thrown again. Sync `fn` gives a sync result.
   */
  track<R extends TrackResult | Promise<TrackResult>>(
    options: TrackOptions,
    fn: (prompt: string) => R,
  ): R extends Promise<TrackResult> ? Promise<Tracked> : Tracked {
    return track(this, options, fn);
  }

  /**
   * Wraps `fn`: each call becomes an observation (input: the arguments, output:
   * the result) nested under the current one. In Node nesting follows async
   * calls (AsyncLocalStorage); in browsers only synchronous calls, so pass
   * `parent` for async work. A call with no current observation starts a trace.
   */
  observe<F extends (...args: never[]) => unknown>(fn: F, options: ObserveOptions = {}): F {
    return observe(this, fn, options);
  }

  /** The observation `observe` is currently inside, if any. */
  currentObservation(): Observation | undefined {
    return currentObservation();
  }

  /**
   * Traces, trees and sessions with their figures (the CLI's `summary
   * --json`): of what is in memory, and with file storage, of the whole
   * file (what left memory included), read again on each call.
   * In browsers a promise: the summary loads on first use. If it cannot
   * be loaded, the summary is empty; that is reported once, until a
   * summary is read again (each call tries the load again).
   */
  summary(): Lazy<Summary> {
    const none: Summary = { traces: [], sessions: [], generations_without_trace: 0 };
    const now = (): Summary => {
      this.#summaryFailed = undefined;
      return this.#read((): Summary => this.#keeping.summary() ?? JSON.parse(this.#cores.full().summaryJson()), none);
    };
    if (!this.#cores.lazy) return now();
    return this.#cores.load().then(now, (error: unknown) => {
      // An app may poll the summary: the same failure is not reported on every call.
      const why = (error as Error)?.message ?? String(error);
      if (why !== this.#summaryFailed) this._report(new Error(`the summary is empty: ${why}`));
      this.#summaryFailed = why;
      return none;
    });
  }

  /** The native trace file (JSON), readable by the CLI and the viewer. */
  export(): string {
    return this.#read(() => this.#cores.now.exportJson(), "");
  }

  /** The native trace file as JSON Lines. */
  exportLines(): string {
    return this.#read(() => this.#cores.now.exportLines(), "");
  }

  /**
   * Everything as OTLP/JSON (an OpenTelemetry `ExportTraceServiceRequest`) for any OTLP backend.
   * In browsers a promise: the OTLP writer loads on first use.
   */
  exportOtlp(): Lazy<string> {
    const now = (): string => this.#read(() => this.#cores.full().exportOtlp(), "");
    return this.#cores.lazy ? this.#cores.load().then(now, (error: unknown) => this.#fallback(error, "")) : now();
  }

  /**
   * Sends each trace, once it and its observations have ended, to an OTLP/HTTP endpoint such as
   * `http://localhost:6006/v1/traces`, batched and retried with back-off.
   * Traces already recorded (or imported, or loaded) when it starts are
   * sent too, unless `include: "new"`.
   * Failures go to onError; nothing throws.
   */
  exportTo(url: string, options: OtlpExportOptions = {}): OtlpExporter {
    return exportTo(
      {
        cores: this.#cores,
        read: (read, fallback) => this.#read(read, fallback),
        evict: () => this.#keeping.evict(),
        waits: (change) => this.#keeping.exporterWaits(change),
        report: this.#reportFn,
        running: (change) => (this.#exporters += change),
      },
      url,
      options,
    );
  }

  /**
   * Merges a trace file (all or nothing): ours (JSON or JSON Lines), OTLP/JSON
   * (one request or one per line) or Langfuse's trace download / API trace,
   * as text or as its UTF-8 bytes (faster for large files). Undefined if refused (the reason, with file:line:column, goes to onError).
   * In browsers a promise: the readers load on first use.
   */
  import(file: string | Uint8Array | ArrayBuffer, name: string = "import"): Lazy<ImportReport | undefined> {
    const now = (): ImportReport | undefined => {
      const report = this.#read(() => this.#importNow(file, name), undefined);
      this.#keeping.written();
      return report;
    };
    return this.#cores.lazy ? this.#cores.load().then(now, (error: unknown) => this.#fallback(error, undefined)) : now();
  }

  /** Imports into the full core; lines skipped go to onError. Throws when the file is refused. */
  #importNow(file: string | Uint8Array | ArrayBuffer, name: string): ImportReport {
    return this.#counts(importFile(this.#cores.full(), file, String(name)));
  }

  /** An import's counts; the lines it skipped go to onError. */
  #counts(report: CoreReport): ImportReport {
    const { warnings = [], ...counts } = report;
    this.#keeping.warnOnce(warnings);
    return counts;
  }

  /** One stored record or file (native JSON Lines, which any core reads), read back: refused ones go to onError. */
  #importStored({ name, data }: Stored): void {
    this.#read(() => this.#counts(this.#cores.full().importLines(String(name), storedBytes(data))), undefined);
  }

  /**
   * An OpenTelemetry API `Tracer` that records into this tracer, with no
   * OpenTelemetry SDK: pass it to the Vercel AI SDK ≤ 6 as
   * `experimental_telemetry: { isEnabled: true, tracer }`, or to AI SDK 7's
   * `new OpenTelemetry({ tracer })` from `@ai-sdk/otel`. Spans read exactly
   * as the same spans read from an OTLP file, and nest under the current
   * `observe` observation.
   */
  otelTracer(name: string = "prompttrace.otel", version?: string): OtelTracer {
    this.#cores.prefetch();
    return new PromptTracer(this, text(name) ?? "prompttrace.otel", text(version));
  }

  /**
   * An OpenTelemetry SDK `SpanProcessor` that records every span the app's
   * SDK makes into this tracer (`new BasicTracerProvider({ spanProcessors:
   * [tracer.spanProcessor()] })`, or `NodeSDK`): for AI SDK 7 with
   * `@ai-sdk/otel`, LangChain.js through OpenInference, OpenLLMetry JS, or
   * any instrumentation.
   */
  spanProcessor(): OtelSpanProcessor {
    this.#cores.prefetch();
    return new PromptSpanProcessor(this);
  }

  /** Overrides or extends model prices: `{ "my-model": { input, output } }` in USD per 1M tokens. */
  setPrices(prices: Prices): void {
    try {
      this.#cores.setPrices(JSON.stringify(prices));
    } catch (error) {
      this._report(error);
    }
  }

  /**
   * Forgets everything in memory. What was stored stays stored; only a
   * stored copy that could not be read (reported when saving) is replaced
   * by the next save.
   */
  clear(): void {
    this.#keeping.allowReplace();
    // Batches held for the full core are recorded before the clear, as queued calls are: it waits behind them.
    this.#inOrder((core) => core.clear(), () => this.#cores.now.clear());
  }

  /**
   * Applies queued calls and saves what changed since the last save to the
   * chosen storage, adding to what is stored there (a trace stored already
   * is merged by the core). Never rejects; what could not be saved stays in
   * memory and is saved by a later flush. With file storage, records are
   * appended as they are applied, so this only applies the queue.
   */
  async flush(): Promise<void> {
    // After a failed load, an explicit flush tries again.
    if (this.#queue.holding || this.#queue.stalled) this.#queue.retry();
    // Held calls (spans, OpenAI calls) wait for the full core: what was in
    // the core is saved first, so a load that hangs (a slow network at
    // pagehide) keeps nothing from storage; once it is there, the rest is
    // applied and saved too. The load is the one this first apply started,
    // taken before the save: the core may arrive (or fail) while it runs.
    const { waiting } = await this.#save(true);
    if (waiting === undefined) return;
    try {
      await waiting; // a failed load is reported there, and what waited applied
    } catch (error) {
      this._report(error);
    }
    await this.#save(false);
  }

  /**
   * Applies the queue and saves; never rejects. `waiting` (when `takeLoad`):
   * the full core's load that the calls held after the apply wait for,
   * which the apply started (never rejects). Only the first save takes it:
   * after a failed load, a later one would start another at once.
   */
  async #save(takeLoad: boolean): Promise<{ waiting: Promise<void> | undefined }> {
    try {
      this.#queue.apply();
    } catch (error) {
      this._report(error);
    }
    const waiting = takeLoad && this.#queue.holding ? this.#spanLoad.load() : undefined;
    try {
      await this.#keeping.flush();
    } catch (error) {
      this._report(error);
    }
    return { waiting };
  }

  /** @internal Queues an observation start; returns its handle. */
  _start(
    traceId: string | null,
    parentId: string | null,
    type: string,
    options: Loose<GenerationOptions> | string | undefined,
  ): Observation {
    const opts: Loose<GenerationOptions> =
      typeof options === "string" ? { name: options } : options && typeof options === "object" ? options : {};
    const id = text(opts.id) ?? randomHex(8);
    try {
      const metadata = this._scoped(traceId, opts.metadata);
      queueStart(this.#queue, id, traceId, parentId, text(opts.type) ?? type, opts, metadata);
    } catch (error) {
      this._report(error);
    }
    return new Observation(this, id, traceId);
  }

  /**
   * @internal What `withAttributes` gives an observation starting now in
   * `traceId`: its metadata under the propagated metadata, returned; and the
   * trace, if it started outside the scope, the session, user and tags (once).
   */
  _scoped(traceId: string | null | undefined, metadata: unknown): unknown {
    const scope = currentAttributes();
    if (!scope) return metadata;
    if (traceId && !scope.updated.has(traceId)) this.#propagateTo(traceId, scope);
    return withMetadata(metadata, scope);
  }

  /** Gives a trace started outside the current `withAttributes` its trace-level attributes, once. */
  #propagateTo(traceId: string, scope: Propagated): void {
    scope.updated.add(traceId);
    if (scope.sessionId === undefined && scope.userId === undefined && !scope.tags) return;
    const update: TraceUpdateOptions = {};
    if (scope.sessionId !== undefined) update.sessionId = scope.sessionId;
    if (scope.userId !== undefined) update.userId = scope.userId;
    if (scope.tags) update.tags = scope.tags;
    this._updateTrace(traceId, update);
  }

  /** @internal Queues a trace's end. */
  _endTrace(id: string, options: Loose<CompleteOptions> | undefined, error?: unknown): void {
    this.#end(id, true, options, error);
  }

  /** @internal Queues an observation's end. */
  _endObservation(id: string, options: Loose<CompleteOptions> | undefined, error?: unknown): void {
    this.#end(id, false, options, error);
  }

  #end(id: string, trace: boolean, options: Loose<CompleteOptions> | undefined, error: unknown): void {
    // Not through #change: an end is the hot path, and its closure (and
    // its call object) showed in the profile.
    try {
      queueEnd(this.#queue, id, trace, options, error);
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal Queues an observation's update. */
  _updateObservation(id: string, options: Loose<UpdateOptions> | undefined): void {
    this.#change(() => observationUpdate(id, options));
  }

  /** @internal Queues a trace's update. */
  _updateTrace(id: string, options: Loose<TraceUpdateOptions> | undefined): void {
    this.#change(() => traceUpdate(id, options));
  }

  /** Queues an end or an update; a failure goes to onError. */
  #change(call: () => ChangeCall): void {
    try {
      this.#queue.push("changes", call());
    } catch (err) {
      this._report(err);
    }
  }

  /**
   * @internal Applies the queue, then starts a tracked call in the core,
   * which renders the prompt and records the generation; returns the prompt.
   */
  _trackStart(call: TrackStart): string {
    return this.#tracked(toJson(call, [call], this.#reportFn), (core, json) => JSON.parse(core.trackStart(json)) as [string, string[]]);
  }

  /** @internal Ends a tracked call with what the function returned; returns the response's text. */
  _trackEnd(call: TrackEnd): string {
    return this.#tracked(toJson(call, [call], this.#reportFn), (core, json) => JSON.parse(core.trackEnd(json)) as [string, string[]]);
  }

  /**
   * A tracked call's start or end, in the core after what is queued; its
   * answer (the prompt, the response's text) now. While batches wait for the
   * full core, the call waits behind them and a scratch core gives the answer
   * (it reads only the call).
   */
  #tracked(json: string, call: (core: ReturnType<typeof newCore>, json: string) => [string, string[]]): string {
    let answer = "";
    this.#inOrder(
      (core) => this.#problems(call(core, json)[1]),
      () => {
        const [text, problems] = call(this.#cores.now, json);
        answer = text;
        this.#problems(problems);
      },
      () => {
        const scratch = newCore();
        try {
          answer = call(scratch, json)[0];
        } finally {
          scratch.free();
        }
      },
    );
    this.#keeping.written();
    return answer;
  }

  /**
   * Runs a direct call in the core after what is queued: `now` at once, or,
   * while batches wait for the full core, `held` on the core behind them
   * (after `meanwhile`). Failures go to onError.
   */
  #inOrder(held: Step, now: () => void, meanwhile: () => void = now): void {
    try {
      if (this.#queue.inOrder(held)) meanwhile();
      else now();
    } catch (error) {
      this._report(error);
    }
  }

  /** @internal Queues a call built by a wrapper (`observeOpenAI`; OpenTelemetry spans as OTLP/JSON lines). */
  _push<K extends keyof Batch>(kind: K, call: Batch[K][number]): void {
    try {
      this.#queue.push(kind, call);
    } catch (error) {
      this._report(error);
    }
  }

  /** @internal Starts loading the full core in browsers: an API that records what only it reads was set up. */
  _prefetchFull(): void {
    this.#cores.prefetch();
  }

  /** @internal Applies every queued call now. */
  _applyQueue(): void {
    this.#read(() => undefined, undefined);
  }

  /** @internal Hands an error to onError, which must not throw either. */
  _report(error: unknown): void {
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The host's handler failed; tracing still must not.
    }
  }

  readonly #reportFn = (error: unknown): void => this._report(error);

  /** A lazy API's result when the full core could not be loaded: reported. */
  #fallback<T>(error: unknown, fallback: T): T {
    this._report(error);
    return fallback;
  }

  #problems(problems: string[]): void {
    for (const problem of problems) this._report(new Error(problem));
  }

  /** Applies queued calls, then reads; a failure goes to onError and gives `fallback`. */
  #read<T>(read: () => T, fallback: T): T {
    try {
      this.#queue.apply();
      return read();
    } catch (error) {
      this._report(error);
      return fallback;
    }
  }
}

let warned = 0;
function defaultOnError(error: Error): void {
  // One console.warn per problem, capped so a loop of misuse cannot flood the console.
  if (warned++ < 100) console.warn(`prompttrace: ${error.message}`);
}
