// OpenTelemetry and Langfuse interop: importing real SDK files, Tracer.fromFile,
// exportOtlp, and the OTLP/HTTP exporter against a local HTTP server
// (batches, retries with back-off, refusals, nothing thrown into the app).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tracer } from "prompttrace";
import { tracer } from "./helpers.mjs";

const fixtures = process.env.PROMPTTRACE_FIXTURES;
const fixture = (name) => join(fixtures, "interop", name);

function record(t, name = "chat") {
  const trace = t.trace({ name, sessionId: "s1", userId: "u1" });
  const gen = trace.generation({ name: "answer", model: "gpt-4o-mini" });
  gen.complete({ output: "hi", usage: { input: 10, output: 2 } });
  trace.complete({ output: "hi" });
  return trace;
}

/** A local OTLP endpoint answering with the given statuses in turn (then 200). */
async function endpoint(statuses = []) {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 503 ? { "retry-after": "0" } : {});
      res.end(status === 200 ? "{}" : "busy");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/v1/traces`;
  return { url, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("OTLP and Langfuse files from real SDKs import, and count like the CLI", () => {
  assert.ok(fixtures, "PROMPTTRACE_FIXTURES must name tests/fixtures (cargo xtask test sets it)");
  const { tracer: t, problems } = tracer();
  const report = t.import(readFileSync(fixture("otel-py-protojson.json"), "utf8"), "otel.json");
  assert.deepEqual(report, { traces: 1, observations: 10, unchanged: 0, orphans: 0 });
  const summary = t.summary();
  assert.equal(summary.traces[0].name, "POST /v1/chat");
  assert.equal(summary.traces[0].tokens.total, 2163);
  // The same file as bytes (what fromFile reads) gives the same records.
  const { tracer: u } = tracer();
  u.import(readFileSync(fixture("otel-py-protojson.json")), "otel.json");
  assert.equal(u.export(), t.export());
  assert.deepEqual(problems, []);
});

test("Tracer.fromFile reads a Langfuse download by path; a bad file goes to onError", async () => {
  const problems = [];
  const t = await Tracer.fromFile(fixture("langfuse-trace-download.json"), { onError: (e) => problems.push(e.message) });
  assert.equal(t.summary().traces[0].name, "support-request");
  assert.deepEqual(problems, []);
  const missing = await Tracer.fromFile(fixture("no-such-file.json"), { onError: (e) => problems.push(e.message) });
  assert.equal(missing.summary().traces.length, 0);
  assert.match(problems[0], /no-such-file\.json/);
});

test("exportOtlp writes OTLP/JSON that imports back to the same records", () => {
  const { tracer: a } = tracer();
  record(a);
  const otlp = JSON.parse(a.exportOtlp());
  const spans = otlp.resourceSpans[0].scopeSpans[0].spans;
  assert.deepEqual(spans.map((s) => s.name), ["chat", "answer"]);
  assert.match(spans[0].traceId, /^[0-9a-f]{32}$/);
  assert.match(spans[1].spanId, /^[0-9a-f]{16}$/);
  const tokens = spans[1].attributes.find((kv) => kv.key === "gen_ai.usage.input_tokens");
  assert.deepEqual(tokens.value, { intValue: "10" });
  const { tracer: b } = tracer();
  b.import(a.exportOtlp(), "a.otlp.json");
  assert.equal(b.export(), a.export());
});

test("exportTo sends ended traces once as OTLP/JSON, retrying a 503", async () => {
  const server = await endpoint([503]);
  const { tracer: t, problems } = tracer();
  const open = t.trace({ name: "still running" });
  record(t);
  const exporter = t.exportTo(server.url, { protocol: "http/json", headers: { "x-project-name": "p1" }, initialBackoffMs: 5, intervalMs: 60000 });
  assert.deepEqual(await exporter.flush(), { batches: 1, failed: 0 });
  assert.equal(server.requests.length, 2, "the 503 was retried");
  const [, sent] = server.requests;
  assert.equal(sent.headers["content-type"], "application/json");
  assert.equal(sent.headers["x-project-name"], "p1");
  const names = JSON.parse(sent.body).resourceSpans[0].scopeSpans[0].spans.map((s) => s.name);
  assert.deepEqual(names, ["chat", "answer"], "the running trace waits");
  // Nothing new: no request. The running trace is sent once it ends.
  await exporter.flush();
  assert.equal(server.requests.length, 2);
  open.complete();
  await exporter.shutdown();
  assert.equal(server.requests.length, 3);
  assert.deepEqual(JSON.parse(server.requests[2].body).resourceSpans[0].scopeSpans[0].spans.map((s) => s.name), ["still running"]);
  assert.deepEqual(problems, []);
  await server.close();
});

test("exportTo sends protobuf by default", async () => {
  const server = await endpoint();
  const { tracer: t, problems } = tracer();
  record(t, "protobuf-trace");
  const result = await t.exportTo(server.url, { intervalMs: 60000 }).shutdown();
  assert.deepEqual(result, { batches: 1, failed: 0 });
  const [sent] = server.requests;
  assert.equal(sent.headers["content-type"], "application/x-protobuf");
  assert.ok(sent.body.length > 100 && sent.body.includes(Buffer.from("protobuf-trace")), "the span name is in the request");
  assert.throws(() => JSON.parse(sent.body.toString("utf8")));
  assert.deepEqual(problems, []);
  await server.close();
});

test("a trace goes out once its observations have ended; shutdown sends the rest", async () => {
  const server = await endpoint();
  const { tracer: t, problems } = tracer();
  const trace = t.trace({ name: "job" });
  const slow = trace.span({ name: "slow-step" });
  trace.complete();
  const exporter = t.exportTo(server.url, { protocol: "http/json", intervalMs: 60000 });
  await exporter.flush();
  assert.equal(server.requests.length, 0, "a step still runs");
  slow.complete();
  await exporter.flush();
  const spans = JSON.parse(server.requests[0].body).resourceSpans[0].scopeSpans[0].spans;
  assert.deepEqual(spans.map((s) => [s.name, Boolean(s.endTimeUnixNano)]), [["job", true], ["slow-step", true]]);

  const other = t.trace({ name: "left-running" });
  other.span({ name: "never-ends" });
  other.complete();
  await exporter.shutdown();
  assert.equal(server.requests.length, 2, "shutdown sends it as it is");
  assert.deepEqual(problems, []);
  await server.close();
});

test('include: "new" does not send a loaded history again', async () => {
  const server = await endpoint();
  const { tracer: earlier } = tracer();
  record(earlier, "yesterday");
  const { tracer: t, problems } = tracer();
  t.import(earlier.export(), "stored.json");
  const exporter = t.exportTo(server.url, { protocol: "http/json", include: "new", intervalMs: 60000 });
  record(t, "today");
  await exporter.shutdown();
  const names = server.requests.flatMap((r) => JSON.parse(r.body).resourceSpans[0].scopeSpans[0].spans.map((s) => s.name));
  assert.deepEqual(names, ["today", "answer"]);
  assert.deepEqual(problems, []);
  await server.close();
});

test("a batch limit that is not a whole number still sends, in batches of its whole part", async () => {
  const server = await endpoint();
  const { tracer: t, problems } = tracer();
  for (const name of ["a", "b", "c"]) record(t, name);
  const result = await t.exportTo(server.url, { protocol: "http/json", maxTracesPerBatch: 2.5, intervalMs: 60000 }).shutdown();
  assert.deepEqual(result, { batches: 2, failed: 0 });
  const traces = server.requests.map((r) => JSON.parse(r.body).resourceSpans[0].scopeSpans[0].spans.filter((s) => !s.parentSpanId).length);
  assert.deepEqual(traces, [2, 1]);
  assert.deepEqual(problems, []);
  await server.close();
});

test("after the last exporter shuts down, a new one still sends each trace once", async () => {
  const server = await endpoint();
  const { tracer: t, problems } = tracer();
  record(t, "first");
  await t.exportTo(server.url, { protocol: "http/json", intervalMs: 60000 }).shutdown();
  record(t, "second");
  await t.exportTo(server.url, { protocol: "http/json", intervalMs: 60000 }).shutdown();
  const names = server.requests.map((r) => JSON.parse(r.body).resourceSpans[0].scopeSpans[0].spans[0].name);
  assert.deepEqual(names, ["first", "second"]);
  assert.deepEqual(problems, []);
  await server.close();
});

test("a bad URL, bad headers or a bad protocol are reported once and never throw", async () => {
  const { tracer: t, problems } = tracer();
  record(t);
  const exporter = t.exportTo("not a url", { protocol: Symbol("x"), headers: [["bad header name", "x"]] });
  assert.deepEqual(await exporter.shutdown(), { batches: 0, failed: 0 });
  assert.match(problems.join("\n"), /"not a url" is not a URL/);
  assert.match(problems.join("\n"), /protocol "Symbol\(x\)" is not supported/);
  assert.match(problems.join("\n"), /headers are not usable/);
});

test("a refused or unreachable endpoint goes to onError and never throws", async () => {
  const server = await endpoint([400]);
  const { tracer: t, problems } = tracer();
  record(t);
  assert.deepEqual(await t.exportTo(server.url, { intervalMs: 60000 }).shutdown(), { batches: 1, failed: 1 });
  assert.equal(server.requests.length, 1, "a 400 is not retried");
  assert.match(problems[0], /was refused \(HTTP 400: busy\); the batch is dropped$/);
  await server.close();

  const { tracer: u, problems: more } = tracer();
  record(u);
  const result = await u.exportTo(server.url, { maxAttempts: 2, initialBackoffMs: 5, timeoutMs: 1000, intervalMs: 60000 }).shutdown();
  assert.deepEqual(result, { batches: 1, failed: 1 });
  assert.match(more[0], /failed after 2 attempts/);
});

test("with maxTracesInMemory, traces the exporter sent leave memory, and each is sent once", async () => {
  const server = await endpoint();
  const { tracer: t, problems } = tracer({ maxTracesInMemory: 3 });
  const exporter = t.exportTo(server.url, { protocol: "http/json", intervalMs: 60000, maxTracesPerBatch: 4 });
  const open = t.trace({ name: "still running" });
  for (let i = 0; i < 10; i++) record(t, `first-${i}`);
  await exporter.flush();
  const kept = () => t.summary().traces.map((x) => x.name);
  assert.deepEqual(kept(), ["still running", "first-8", "first-9"]);
  for (let i = 0; i < 5; i++) record(t, `second-${i}`);
  open.complete();
  await exporter.shutdown();
  const sent = server.requests.flatMap((r) =>
    JSON.parse(r.body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.filter((s) => !s.parentSpanId).map((s) => s.name))),
  );
  assert.equal(sent.length, 16);
  assert.equal(new Set(sent).size, 16, "none twice");
  assert.equal(kept().length, 3);
  assert.deepEqual(problems, []);
  await server.close();
});
