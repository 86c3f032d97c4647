// The wasm heap (`heap/`, prompttrace-heap) grows the memory in large
// steps: V8 in Node 20 pays a garbage collection for many a `memory.grow`,
// and a first 268 MB import spent two thirds of its time on thousands of
// 64 KB grows before. Each step is an eighth of the memory at least, and
// 1 MB at least.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tracer } from "prompttrace";
import { Core } from "./node_modules/prompttrace/wasm-full/prompttrace_full.js";

test("the wasm memory grows by an eighth of itself at least, never 64 KB at a time", () => {
  const problems = [];
  const tracer = new Tracer({ onError: (e) => problems.push(e) });
  const input = { question: "How do I rotate an API key?", context: "x".repeat(400) };
  const sizes = [Core.memoryBytes()];
  // ~40 MB of stored observations, applied a trace at a time, the memory's
  // size noted after each.
  for (let t = 0; t < 200; t++) {
    const trace = tracer.trace({ name: `t${t}` });
    for (let i = 0; i < 100; i++) trace.span({ name: "step", input }).complete({ output: input });
    trace.complete();
    tracer.summary(); // applies what is queued
    const size = Core.memoryBytes();
    if (size !== sizes.at(-1)) sizes.push(size);
  }
  assert.deepEqual(problems, []);
  assert.ok(sizes.at(-1) - sizes[0] > 30e6, `the memory grew: ${sizes[0]} → ${sizes.at(-1)}`);
  for (let at = 1; at < sizes.length; at++) {
    const [before, after] = [sizes[at - 1], sizes[at]];
    assert.ok(after - before >= Math.max(before / 8, 1 << 20) - 65536,
      `a step of ${after - before} bytes from ${before} (every size seen: ${sizes.join(", ")})`);
  }
});
