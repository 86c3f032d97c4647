// Bytes per stored observation in the npm package's wasm core: a fresh
// process records 1,000,000 observations (1,000 traces of 1,000 spans, each
// with a small input and output, as bench.mjs records them), applies them,
// and reads how much the wasm memory and the JS heap grew. Wasm memory
// only grows, so the figure includes what the allocator keeps free: it is
// what the process pays.
import { Tracer } from "prompttrace";
import { Core } from "./node_modules/prompttrace/wasm-full/prompttrace_full.js";

const TRACES = 1000;
const SPANS = 1000;
const input = { question: "How do I rotate an API key?", k: 3 };
const output = { answer: "Open Settings, then API keys.", sources: ["doc-12"] };

const problems = [];
const tracer = new Tracer({ onError: (e) => problems.push(e) });
global.gc?.();
const wasmBefore = Core.memoryBytes();
const heapBefore = process.memoryUsage().heapUsed;
for (let t = 0; t < TRACES; t++) {
  const trace = tracer.trace({ name: "bench", input });
  for (let i = 0; i < SPANS; i++) trace.span({ name: "step", input }).complete({ output });
  trace.complete({ output });
  await tracer.flush(); // as an app's idle time would, so the queue never holds more than a trace
}
global.gc?.();
const observations = TRACES * SPANS;
const wasm = (Core.memoryBytes() - wasmBefore) / observations;
const heap = (process.memoryUsage().heapUsed - heapBefore) / observations;
console.log(`memory per stored observation (${observations.toLocaleString("en")} spans with a small input and output, in ${TRACES} traces):`);
console.log(`  wasm memory grown: ${wasm.toFixed(0)} B per observation (the core's store, with what its allocator keeps free and up to an eighth of the memory grown ahead, untouched: prompttrace-heap)`);
console.log(`  JS heap grown:     ${heap.toFixed(0)} B per observation (nothing is kept on the JS side once applied)`);
if (problems.length > 0) throw new Error(`recording reported ${problems.length} problems, the first: ${problems[0]}`);
