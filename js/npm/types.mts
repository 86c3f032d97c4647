// The public types of the `prompttrace` package other than its classes:
// options, results and the summary's shape. Types only; nothing here runs.

import type { Observation, Trace } from "./handles.mjs";

/** Langfuse's observation types. Other strings (e.g. "retrieval") are mapped to the nearest type and kept as given. */
export type ObservationType =
  | "span"
  | "generation"
  | "event"
  | "agent"
  | "tool"
  | "chain"
  | "retriever"
  | "embedding"
  | "evaluator"
  | "guardrail";

export type Level = "debug" | "default" | "warning" | "error";
export type Status = "running" | "completed" | "error";

/** Token counts. Other keys (e.g. `cache_read_input_tokens`, `reasoning_tokens`) are kept as details. */
export interface Usage {
  input?: number;
  output?: number;
  total?: number;
  [detail: string]: number | undefined;
}

/** Cost in USD. Without it, cost is inferred from usage and the model price table. */
export interface Cost {
  input?: number;
  output?: number;
  total?: number;
}

/** Prices in USD per 1M tokens, by model name (`gpt-4o` also prices `gpt-4o-2024-08-06`). */
export type Prices = Record<string, { input: number; output: number }>;

/**
 * The result of an API whose part of the core loads on first use in
 * browsers (`import`, `exportOtlp`, `summary`): a `T` in Node, a
 * `Promise<T>` in browsers, which reads what is recorded by the time it
 * resolves. `await` it to be right in both.
 */
export type Lazy<T> = T | Promise<T>;

/**
 * Node file storage: a native JSON Lines file that each record is appended
 * to as it starts and as it ends (one append-mode write per batch of
 * records, so processes sharing the file do not mix their lines). A process
 * killed mid-write loses the record it was writing; the others lose nothing:
 * the cut line is skipped when read. The CLI and the viewer read it.
 */
export interface FileStorage {
  /** The file, created (with its folder) if missing; e.g. "traces.jsonl". */
  file: string | URL;
}

export interface TracerOptions {
  /**
   * Where traces are kept beyond memory, and where `Tracer.load()` reads
   * them back. Saving always adds to what is stored; a trace stored
   * already is merged with this tracer's copy (the core's merge rule).
   * - "memory" (default): nothing is kept.
   * - "localStorage": `flush()` merges what changed into one JSON Lines
   *   file under `storageKey`.
   * - "indexedDB": `flush()` writes what changed to the database
   *   `prompttrace` in the viewer's layout (one record and one summary row
   *   per trace), so a viewer served from the app's origin shows it. The
   *   layout of earlier versions is migrated on first use.
   * - `{ file: "traces.jsonl" }` (Node): records are appended as they
   *   start and end; `flush()` has nothing left to do.
   * - "file" (Node): `{ file: ".prompttrace/traces.jsonl" }`, the file
   *   `npx prompttrace view` shows, live, when given none.
   */
  storage?: "memory" | "localStorage" | "indexedDB" | "file" | FileStorage;
  /** The localStorage key. Default "prompttrace". (IndexedDB has one database, shared with the viewer.) */
  storageKey?: string;
  /**
   * Traces kept in memory (default 1,000). Beyond it, the oldest traces
   * that have ended — with every observation in them — leave memory once
   * storage has saved them and a running exporter (`exportTo`) has sent
   * them; with neither, nothing leaves. LLM calls without a trace are
   * capped by the same number, alike. A trace that never ends never leaves.
   * `export()` holds what is in memory: at most the newest N ended traces
   * (plus those still running). `Infinity` keeps everything.
   *
   * A trace that left memory takes no more records: a later `update()`,
   * end or new observation for it is not recorded and goes to `onError`
   * naming this option. A late OpenTelemetry span for it starts a new
   * trace under the same id, whose record (name, times) replaces the
   * stored one when saved. Set this above the number of traces that may
   * still get records.
   */
  maxTracesInMemory?: number;
  /** Overrides or extends the built-in model prices. */
  prices?: Prices;
  /** Receives every tracing problem (misuse, storage failure). Default: one console.warn each. */
  onError?: (error: Error) => void;
}

export interface TraceOptions {
  /** Your own id; default a random 32-hex id. */
  id?: string;
  name?: string;
  /** Groups traces into a session (a chat thread). */
  sessionId?: string;
  userId?: string;
  input?: unknown;
  metadata?: unknown;
  tags?: string[];
  environment?: string;
  release?: string;
}

export interface ObservationOptions {
  /** Your own id; default a random 16-hex id. */
  id?: string;
  name?: string;
  /** One of the ten types, or your own word (kept as given, mapped to the nearest type). */
  type?: ObservationType | (string & {});
  input?: unknown;
  metadata?: unknown;
  level?: Level;
}

export interface GenerationOptions extends ObservationOptions {
  provider?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  promptName?: string;
  promptVersion?: number;
  template?: string;
  variables?: Record<string, unknown>;
}

/** How a trace ends: a trace has an output, but no usage or cost of its own (those roll up from its generations). */
export interface TraceCompleteOptions {
  output?: unknown;
}

/** How an observation ends. */
export interface CompleteOptions {
  output?: unknown;
  /** For generations: token counts. */
  usage?: Usage;
  /** For generations: cost in USD. */
  cost?: Cost;
  /** For generations: when the first token arrived (a Date, or ms since the epoch). */
  completionStartTime?: Date | number;
}

/** What `observation.update()` sets; what it leaves out stays as it was. Never ends it. */
export interface UpdateOptions {
  output?: unknown;
  metadata?: unknown;
  level?: Level;
  statusMessage?: string;
  /** For generations: the model that answered (e.g. the response's dated model name). */
  model?: string;
  modelParameters?: Record<string, unknown>;
  usage?: Usage;
  cost?: Cost;
  /** When the first token arrived (a Date, or ms since the epoch). */
  completionStartTime?: Date | number;
}

/** What `trace.update()` sets; what it leaves out stays as it was. Never ends it. */
export interface TraceUpdateOptions {
  name?: string;
  sessionId?: string;
  userId?: string;
  tags?: string[];
  input?: unknown;
  output?: unknown;
  metadata?: unknown;
}

export interface TrackOptions {
  promptName?: string;
  promptVersion?: number;
  /** A prompt template: `{{name}}` is replaced by `variables.name`. */
  template?: string;
  variables?: Record<string, unknown>;
  provider?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  /** The generation's name; default the prompt name. */
  name?: string;
  /** The trace the call belongs to. Without trace or span (and outside `observe`), it is recorded without a trace. */
  trace?: Trace;
  /** The span the call nests under (takes precedence over `trace`). */
  span?: Observation;
}

/** What the tracked function may return: the text, or the text with usage and cost. */
export type TrackResult = string | { text: string; usage?: Usage; cost?: Cost };

export interface Tracked {
  responseText: string;
  generation: Observation;
}

export interface ObserveOptions {
  name?: string;
  type?: ObservationType | (string & {});
  metadata?: unknown;
  /** Explicit parent (needed in browsers for async code). */
  parent?: Trace | Observation;
  /** For the trace a top-level call starts. */
  sessionId?: string;
  userId?: string;
}

/** Counts of what an import merged. */
export interface ImportReport {
  traces: number;
  observations: number;
  unchanged: number;
  /** OTLP spans whose parent span is not in the file: kept at the top of their trace. */
  orphans: number;
}

/** How `exportTo` sends traces. */
export interface OtlpExportOptions {
  /** Extra request headers, e.g. `{ authorization: "Basic …" }` (any `HeadersInit`). */
  headers?: HeadersInit;
  /** "http/protobuf" (default; what Phoenix accepts) or "http/json". */
  protocol?: "http/protobuf" | "http/json";
  /** How often ended traces are sent (default 1000 ms). */
  intervalMs?: number;
  /** Tries per batch before it is dropped and reported (default 5). */
  maxAttempts?: number;
  /** First back-off after a failed try, doubled each time up to 30 s (default 1000 ms). */
  initialBackoffMs?: number;
  /** Per-request timeout (default 10000 ms). */
  timeoutMs?: number;
  /** Traces per request (default 256). */
  maxTracesPerBatch?: number;
  /**
   * "all" (default): every trace the tracer holds is sent once it ends,
   * also those recorded, imported or loaded before. "new": only traces that
   * end from now on, e.g. after `Tracer.load` on each page load, so the
   * stored history is not sent again.
   */
  include?: "all" | "new";
}

/** What an exporter has done so far. */
export interface OtlpExportResult {
  /** Requests made (each one batch of traces). */
  batches: number;
  /** Batches given up after their retries, or refused (see onError). */
  failed: number;
}

/** A running OTLP/HTTP export; see `Tracer.exportTo`. */
export interface OtlpExporter {
  /** Sends every trace not sent yet that has ended with all its observations. Never rejects. */
  flush(): Promise<OtlpExportResult>;
  /** A last flush that also sends ended traces whose observations still run, then stops. Never rejects. */
  shutdown(): Promise<OtlpExportResult>;
}

export interface Tokens {
  input: number;
  output: number;
  total: number;
}

export interface CostTotals {
  input: number | null;
  output: number | null;
  total: number | null;
}

export interface SummaryNode {
  id: string;
  name: string;
  type: ObservationType;
  status: Status;
  level: Level;
  model: string | null;
  /** null while running. */
  duration_ms: number | null;
  /** This node and everything below it. */
  tokens: Tokens;
  cost: CostTotals;
  children: SummaryNode[];
}

export interface TraceSummary {
  id: string;
  name: string;
  session_id: string | null;
  user_id: string | null;
  status: Status;
  started_at: string;
  duration_ms: number | null;
  observation_count: number;
  error_count: number;
  tokens: Tokens;
  cost: CostTotals;
  tree: SummaryNode[];
}

export interface SessionSummary {
  id: string;
  trace_count: number;
  duration_ms: number | null;
  tokens: Tokens;
  cost: CostTotals;
  error_count: number;
}

/** Exactly what `prompttrace summary --json` prints. */
export interface Summary {
  traces: TraceSummary[];
  sessions: SessionSummary[];
  generations_without_trace: number;
}

// --- OpenTelemetry (`otelTracer`, `spanProcessor`) ---------------------------
// Structural copies of the `@opentelemetry/api` types these implement, so
// the package needs no OpenTelemetry dependency; they are assignable to the
// API's `Tracer` and the SDK's `SpanProcessor`.

export type OtelAttributeValue =
  | string
  | number
  | boolean
  | Array<null | undefined | string>
  | Array<null | undefined | number>
  | Array<null | undefined | boolean>;

export interface OtelAttributes {
  [attributeKey: string]: OtelAttributeValue | undefined;
}

/** `[seconds, nanoseconds]`, ms since the epoch (or `performance.now()`), or a Date. */
export type OtelTimeInput = [number, number] | number | Date;

export interface OtelTraceState {
  set(key: string, value: string): OtelTraceState;
  unset(key: string): OtelTraceState;
  get(key: string): string | undefined;
  serialize(): string;
}

export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  isRemote?: boolean;
  traceFlags: number;
  traceState?: OtelTraceState;
}

export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
  deleteValue(key: symbol): OtelContext;
}

export interface OtelLink {
  context: OtelSpanContext;
  attributes?: OtelAttributes;
  droppedAttributesCount?: number;
}

export interface OtelSpanOptions {
  /** The API's `SpanKind`: INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4. */
  kind?: number;
  attributes?: OtelAttributes;
  links?: OtelLink[];
  startTime?: OtelTimeInput;
  root?: boolean;
}

export interface OtelSpanStatus {
  /** UNSET 0, OK 1, ERROR 2. */
  code: number;
  message?: string;
}

export type OtelException =
  | { code: string | number; name?: string; message?: string; stack?: string }
  | { code?: string | number; message: string; name?: string; stack?: string }
  | { code?: string | number; message?: string; name: string; stack?: string }
  | string;

/** An OpenTelemetry API `Span` recorded into prompttrace. */
export interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttribute(key: string, value: OtelAttributeValue): this;
  setAttributes(attributes: OtelAttributes): this;
  addEvent(name: string, attributesOrStartTime?: OtelAttributes | OtelTimeInput, startTime?: OtelTimeInput): this;
  addLink(link: OtelLink): this;
  addLinks(links: OtelLink[]): this;
  setStatus(status: OtelSpanStatus): this;
  updateName(name: string): this;
  end(endTime?: OtelTimeInput): void;
  isRecording(): boolean;
  recordException(exception: OtelException, time?: OtelTimeInput): void;
}

/** An OpenTelemetry API `Tracer` that records into prompttrace (see `Tracer.otelTracer`). */
export interface OtelTracer {
  startSpan(name: string, options?: OtelSpanOptions, context?: OtelContext): OtelSpan;
  startActiveSpan<F extends (span: OtelSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: OtelSpan) => unknown>(name: string, options: OtelSpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: OtelSpan) => unknown>(
    name: string,
    options: OtelSpanOptions,
    context: OtelContext,
    fn: F,
  ): ReturnType<F>;
}

/** An OpenTelemetry SDK `SpanProcessor` that records into prompttrace (see `Tracer.spanProcessor`). */
export interface OtelSpanProcessor {
  onStart(span: unknown, parentContext?: unknown): void;
  onEnd(span: unknown): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** What `tracer.withAttributes` gives everything recorded inside it. */
export interface PropagatedAttributes {
  /** The session of every trace recorded inside (and of traces that get steps inside). */
  sessionId?: string;
  userId?: string;
  /** Added to the traces' tags. */
  tags?: string[];
  /** Merged into every trace's and observation's metadata. */
  metadata?: Record<string, unknown>;
  /** The name of traces started inside. */
  traceName?: string;
}
