/**
 * The `prompttrace` package: record LLM traces (sessions, traces, spans,
 * generations) in Node and browsers. Every rule runs in a Rust core compiled
 * to wasm; no method throws into your app.
 *
 * This module is the public API both entries (node.mts, browser.mts) export
 * once they have loaded the wasm core; it is not an entry itself.
 *
 * @packageDocumentation
 */

export { Tracer } from "./tracer.mjs";
export { Trace, Observation } from "./handles.mjs";
export { observeOpenAI, type ObserveOpenAIOptions } from "./openai.mjs";
export type {
  CompleteOptions,
  Cost,
  CostTotals,
  FileStorage,
  GenerationOptions,
  ImportReport,
  Lazy,
  Level,
  ObservationOptions,
  ObservationType,
  ObserveOptions,
  OtelSpan,
  OtelSpanProcessor,
  OtelTracer,
  OtlpExporter,
  OtlpExportOptions,
  OtlpExportResult,
  Prices,
  PropagatedAttributes,
  SessionSummary,
  Status,
  Summary,
  SummaryNode,
  TraceCompleteOptions,
  TraceOptions,
  TraceSummary,
  TraceUpdateOptions,
  Tokens,
  TrackOptions,
  TrackResult,
  Tracked,
  TracerOptions,
  UpdateOptions,
  Usage,
} from "./types.mjs";
