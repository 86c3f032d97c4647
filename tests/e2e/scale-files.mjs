// Large OTLP/JSON files for the storage bench, made from real SDK output:
// the traces of tests/fixtures/interop/otel-js-genai.json (OpenTelemetry JS
// SDK) copied until the file holds N spans, each copy with fresh trace and
// span ids, its own session, and its times shifted; plus one trace of 200
// spans (BIG_TRACE) for the cold-open figure. A size ending in "-long"
// (say "1m-long") puts LONG_RUNS copies in a row into one trace (an agent's
// long run: ~100 spans a trace, as in issue 12's files) instead of one
// trace per copy (~5.5 spans a trace, the SDK file's own runs). Written to
// target/bench/scale-<size>.json, streamed (a 1M-span file is over 1 GB),
// and reused while its .meta.json says it is complete.
//
//   node scale-files.mjs 50k 200k 1m
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./viewer-page.mjs";

/** The 200-span trace's id. */
export const BIG_TRACE = "5ca1e2005ca1e2005ca1e2005ca1e200";
const BIG_SPANS = 200;
/** Seconds between one copy of the fixture and the next. */
const COPY_EVERY = 10;
/** Bump when the files' content changes, so stale files are made again. */
const VERSION = 3;
/** Copies of the fixture's runs in one trace, for the "-long" sizes. */
export const LONG_RUNS = 18;

export const SIZES = { "50k": 50_000, "200k": 200_000, "1m": 1_000_000 };

/** The sizes PROMPTTRACE_SCALE names (default: each size, then 1m-long),
 * as [label, spans, runs a trace]. */
export function sizesFromEnv(value = process.env.PROMPTTRACE_SCALE) {
  const labels = (value ?? "50k,200k,1m,1m-long").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  return labels.map((label) => {
    const size = label.replace(/-long$/, "");
    if (!(size in SIZES)) {
      throw new Error(`PROMPTTRACE_SCALE: unknown size ${label} (sizes: ${Object.keys(SIZES).join(", ")}, each also as SIZE-long)`);
    }
    return [label, SIZES[size], label.endsWith("-long") ? LONG_RUNS : 1];
  });
}

const fixture = JSON.parse(readFileSync(join(repo, "tests/fixtures/interop/otel-js-genai.json"), "utf8"));
const resource = fixture.resourceSpans[0].resource;
/** The fixture's scopes, each with its spans (one resource in this file). */
const scopes = fixture.resourceSpans.flatMap((r) => r.scopeSpans);
const allSpans = scopes.flatMap((s) => s.spans);
const SESSION = "sess-7f3a9c";

/** A bijective 64-bit mix (splitmix64's finaliser): distinct counters give
 * distinct, random-looking ids, as an SDK's random ids are. */
function mix(n) {
  let z = BigInt.asUintN(64, BigInt(n) * 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return (z ^ (z >> 31n)).toString(16).padStart(16, "0");
}

/** A span as a template: its JSON with the ids, times and session as
 * holes, filled per copy by `render`. */
function template(span) {
  const times = [];
  const hole = (kind, value) => `@@${kind}${value}@@`;
  const copy = structuredClone(span);
  copy.traceId = hole("T", "");
  copy.spanId = hole("S", span.spanId);
  if (copy.parentSpanId) copy.parentSpanId = hole("S", span.parentSpanId);
  const time = (t) => hole("t", times.push(t) - 1);
  copy.startTimeUnixNano = time(span.startTimeUnixNano);
  copy.endTimeUnixNano = time(span.endTimeUnixNano);
  for (const event of copy.events ?? []) event.timeUnixNano = time(event.timeUnixNano);
  for (const attribute of copy.attributes) {
    if (attribute.value.stringValue === SESSION) attribute.value.stringValue = hole("s", "");
  }
  const parts = JSON.stringify(copy).split(/@@(\w*?)@@/);
  return { span, times, parts };
}

/** One span of a copy: `ids` maps the fixture's span ids to this copy's,
 * `shift` is in whole seconds (times are decimal nanoseconds). */
function render({ times, parts }, { traceId, ids, shift, session }) {
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const hole = parts[i];
    const kind = hole[0];
    const value = hole.slice(1);
    if (kind === "T") out += traceId;
    else if (kind === "S") out += ids.get(value);
    else if (kind === "s") out += session;
    else {
      const t = times[Number(value)];
      out += `${Number(t.slice(0, -9)) + shift}${t.slice(-9)}`;
    }
    out += parts[i + 1];
  }
  return out;
}

/** How many copies of each fixture trace make `spans` with the big trace:
 * [[trace id, copies], …]; copies differ by at most a few. */
function plan(spans) {
  const traces = [...new Set(allSpans.map((s) => s.traceId))];
  const sizes = traces.map((id) => allSpans.filter((s) => s.traceId === id).length);
  if (sizes.length !== 2) throw new Error("the fixture changed: expected 2 traces");
  const [a, b] = sizes;
  const rest = spans - BIG_SPANS;
  let copiesA = Math.floor(rest / (a + b));
  let left = rest - copiesA * (a + b);
  // One copy fewer of both leaves a + b more spans to make of copies of the second.
  while (left % b !== 0) {
    copiesA -= 1;
    left += a + b;
  }
  return [[traces[0], copiesA], [traces[1], copiesA + left / b]];
}

/** Span ids: copy k's span i of the fixture is number k·n + i; the big
 * trace's blocks count from BIG_IDS. Each pass over a scope gives a span
 * the same id, so a parent in one scope and its child in another match. */
const BIG_IDS = 2 ** 40;
/** Trace ids count from here, so none shares its first half with a span id. */
const TRACE_IDS = 2 ** 41;
function idsOf(first) {
  return new Map(allSpans.map((s, i) => [s.spanId, mix(first + i + 1)]));
}

/** The spans of the file, scope by scope, as JSON strings: the copies,
 * with the big trace in the middle of the first fixture trace's copies. */
function* spansOf(spans, scopeIndex, runs) {
  const [[sourceA, copiesA], [, copiesB]] = plan(spans);
  const templates = scopes[scopeIndex].spans.map(template);
  for (let k = 0; k < Math.max(copiesA, copiesB); k++) {
    // Copies k of one run of `runs` share their trace (and session).
    const run = Math.floor(k / runs);
    const copy = { ids: idsOf(k * allSpans.length), shift: k * COPY_EVERY, session: `${SESSION}-${run}` };
    for (const t of templates) {
      const source = t.span.traceId;
      if (source === sourceA ? k >= copiesA : k >= copiesB) continue;
      const traceId = mix(TRACE_IDS + 2 * run + (source === sourceA ? 0 : 1)) + mix(run + 1);
      if (traceId === BIG_TRACE) throw new Error("a copy drew the big trace's id");
      yield render(t, { ...copy, traceId });
    }
    if (k === Math.floor(copiesA / 2)) {
      const big = { ...copy, ids: idsOf(BIG_IDS), session: `${SESSION}-big`, traceId: BIG_TRACE };
      yield* bigTrace(templates.filter((t) => t.span.traceId === sourceA), big);
    }
  }
}

/** The trace of 200 spans: the source trace's root once, and its children
 * (with their own children) again and again under it with fresh ids, one
 * block after the other; the root ends with the last block. */
function* bigTrace(mine, copy) {
  if (mine.length === 0) return; // the other scope holds none of it
  const root = mine.find((t) => !t.span.parentSpanId);
  const children = mine.filter((t) => t !== root);
  const seconds = (time) => Number(time.slice(0, -9));
  const first = Math.min(...children.map((t) => seconds(t.span.startTimeUnixNano)));
  const last = Math.max(...children.map((t) => seconds(t.span.endTimeUnixNano)));
  const block = last - first + 1;
  const blocks = Math.ceil((BIG_SPANS - 1) / children.length);
  let written = 1;
  for (let b = 0; b < blocks; b++) {
    const ids = idsOf(BIG_IDS + (b + 1) * allSpans.length);
    ids.set(root.span.spanId, copy.ids.get(root.span.spanId));
    for (const t of children.slice(0, BIG_SPANS - written)) {
      yield render(t, { ...copy, ids, shift: copy.shift + b * block });
      written += 1;
    }
  }
  // The root's times are [start, end, …events]: its end moves by the blocks added.
  const [start, end, ...events] = root.times;
  const moved = `${seconds(end) + (blocks - 1) * block}${end.slice(-9)}`;
  yield render({ ...root, times: [start, moved, ...events] }, copy);
}

/** Writes the file for `spans` (streamed, through a temporary name) and
 * returns what the bench needs to know of it. */
function write(path, spans, runs) {
  const temporary = `${path}.partial`;
  const fd = openSync(temporary, "w");
  let buffer = [];
  let buffered = 0;
  let bytes = 0;
  const out = (text) => {
    buffer.push(text);
    buffered += text.length;
    if (buffered > 4_000_000) flush();
  };
  const flush = () => {
    const chunk = Buffer.from(buffer.join(""), "utf8");
    writeSync(fd, chunk);
    bytes += chunk.length;
    buffer = [];
    buffered = 0;
  };
  let count = 0;
  out(`{"resourceSpans":[{"resource":${JSON.stringify(resource)},"scopeSpans":[`);
  scopes.forEach((scope, i) => {
    out(`${i ? "," : ""}{"scope":${JSON.stringify(scope.scope)},${scope.schemaUrl ? `"schemaUrl":${JSON.stringify(scope.schemaUrl)},` : ""}"spans":[`);
    let first = true;
    for (const span of spansOf(spans, i, runs)) {
      out(first ? span : `,${span}`);
      first = false;
      count += 1;
    }
    out("]}");
  });
  out("]}]}");
  flush();
  closeSync(fd);
  if (count !== spans) throw new Error(`wrote ${count} spans, meant ${spans}`);
  renameSync(temporary, path);
  return bytes;
}

/** The file of `spans` spans, `runs` copies of the fixture's runs a
 * trace (made unless a complete one is there):
 * { path, spans, bytes, traces, bigTrace }. */
export function scaleFile(label, spans, runs = 1) {
  const dir = join(repo, "target/bench");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `scale-${label}.json`);
  const metaPath = join(dir, `scale-${label}.meta.json`);
  const [[, a], [, b]] = plan(spans);
  const traces = Math.ceil(a / runs) + Math.ceil(b / runs) + 1;
  const wanted = { version: VERSION, spans, runs, traces, bigTrace: BIG_TRACE };
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, "utf8"));
    const same = Object.entries(wanted).every(([key, value]) => meta[key] === value);
    if (same && statSync(path).size === meta.bytes) return { path, ...meta };
  }
  const bytes = write(path, spans, runs);
  const meta = { ...wanted, bytes };
  writeFileSync(metaPath, `${JSON.stringify(meta)}\n`);
  return { path, ...meta };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [label, spans, runs] of process.argv.length > 2 ? sizesFromEnv(process.argv.slice(2).join(",")) : sizesFromEnv()) {
    const started = Date.now();
    const file = scaleFile(label, spans, runs);
    console.log(`${file.path}: ${file.spans} spans, ${file.traces} traces, ${(file.bytes / 1e6).toFixed(0)} MB (${Date.now() - started} ms)`);
  }
}
