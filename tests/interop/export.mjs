// Sends the seed scenarios to an OTLP/HTTP endpoint with the npm package,
// as an app would, and writes what was sent (from `exportOtlp()`, the same
// spans as OTLP/JSON) for the checker to compare with the backend's answer.
// Run by tests/interop/phoenix_roundtrip.py from a scratch project that has
// the packed package installed:
//
//   node export.mjs --url http://127.0.0.1:6006/v1/traces --fixtures DIR \
//     --project NAME --expected OUT.json
//
// Exits non-zero if the package reports any error or a batch failed.

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Tracer } from "prompttrace";

/** The seed scenarios, all in one tracer. */
const FIXTURES = ["chat-session.json", "rag-pipeline.json", "nested-multi-step.json"];

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    fixtures: { type: "string" },
    project: { type: "string" },
    expected: { type: "string" },
  },
});
for (const name of ["url", "fixtures", "project", "expected"]) {
  if (!args[name]) fail(`--${name} is required`);
}

const errors = [];
const onError = (error) => {
  errors.push(error);
  console.error(`prompttrace onError: ${error?.stack ?? error}`);
};

const [first, ...rest] = FIXTURES;
const tracer = await Tracer.fromFile(join(args.fixtures, first), { onError });
for (const file of rest) {
  const report = tracer.import(await readFile(join(args.fixtures, file), "utf8"), file);
  if (report === undefined) fail(`${file} was refused by Tracer.import (see onError above)`);
}
if (errors.length) fail(`${errors.length} error(s) while loading the fixtures`);

// What will be sent, before the exporter takes it.
const expected = spansOf(JSON.parse(tracer.exportOtlp()));
if (expected.length === 0) fail("exportOtlp() returned no spans");

const started = performance.now();
const exporter = tracer.exportTo(args.url, {
  protocol: "http/protobuf",
  headers: { "x-project-name": args.project },
  maxAttempts: 3,
  initialBackoffMs: 500,
  // Several requests, so a session's traces reach the backend separately.
  maxTracesPerBatch: 2,
});
const result = await exporter.shutdown();
const exportMs = performance.now() - started;

if (errors.length) fail(`${errors.length} error(s) while exporting (see onError above)`);
if (result.failed > 0) fail(`${result.failed} of ${result.batches} batch(es) failed`);
if (result.batches === 0) fail("the exporter sent nothing");

await writeFile(
  args.expected,
  JSON.stringify({ fixtures: FIXTURES, batches: result.batches, export_ms: exportMs, spans: expected }, null, 1),
);
console.log(
  `exported ${expected.length} spans from ${FIXTURES.length} fixtures in ${result.batches} batch(es), ${exportMs.toFixed(0)} ms`,
);

/** OTLP/JSON → [{trace_id, span_id, parent_id, name, attributes: {key: value}}]. */
function spansOf(request) {
  const spans = [];
  for (const resource of request.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          trace_id: span.traceId,
          span_id: span.spanId,
          parent_id: span.parentSpanId || null,
          name: span.name,
          attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
        });
      }
    }
  }
  return spans;
}

/** An OTLP AnyValue as plain JSON (int64 as a number: token counts fit). */
function valueOf(value = {}) {
  if ("stringValue" in value) return value.stringValue;
  if ("boolValue" in value) return value.boolValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return Number(value.doubleValue);
  if ("arrayValue" in value) return (value.arrayValue.values ?? []).map(valueOf);
  if ("kvlistValue" in value) {
    return Object.fromEntries((value.kvlistValue.values ?? []).map((a) => [a.key, valueOf(a.value)]));
  }
  return null;
}

function fail(message) {
  console.error(`export.mjs: ${message}`);
  process.exit(1);
}
