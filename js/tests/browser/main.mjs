// A page that uses the package as an app would, built by Vite. `?phase=record`
// records into IndexedDB; `?phase=read` restores it after a reload. The test
// reads `window.result`.
import { Tracer } from "prompttrace";

const params = new URLSearchParams(location.search);
const phase = params.get("phase");

// The framework examples, bundled as an app bundles them; each hands its
// file to `globalThis.prompttraceFiles` (see examples/fake-llm.mjs).
const examples = {
  "ai-sdk": () => import("../examples/ai-sdk.mjs"),
  langchain: () => import("../examples/langchain.mjs"),
  otel: () => import("../examples/otel.mjs"),
};

async function runExample(name) {
  await examples[name]();
  return globalThis.prompttraceFiles[name];
}
const problems = [];
const onError = (error) => problems.push(error.message);

async function record() {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  const trace = tracer.trace({ name: "browser_chat", sessionId: "tab-1", input: "Hi" });
  const search = trace.span({ name: "search", type: "retrieval" });
  search.complete({ output: ["doc"] });
  // Synchronous nesting follows the call stack in browsers. Names are given
  // because minifiers rename functions.
  const inner = tracer.observe(function inner() {
    return 2;
  }, { name: "inner" });
  const outer = tracer.observe(function outer() {
    return inner() * 21;
  }, { name: "outer", parent: trace });
  outer();
  // Children are shown in start order, ties by id; a browser's clock is
  // coarse (0.1 ms), so wait a moment for a start of its own.
  await new Promise((resolve) => setTimeout(resolve, 2));
  const { responseText } = await tracer.track(
    { promptName: "greet", template: "Hello {{name}}", variables: { name: "Ada" }, model: "gpt-4o-mini", trace },
    async (prompt) => ({ text: `${prompt}!`, usage: { input: 3, output: 2 } }),
  );
  trace.complete({ output: responseText });
  await tracer.flush();
  return tracer.summary();
}

async function read() {
  const tracer = await Tracer.load({ storage: "indexedDB", onError });
  return tracer.summary();
}

if (phase === "example") {
  runExample(params.get("name")).then(
    (file) => {
      window.result = { file };
    },
    (error) => {
      window.result = { error: String(error?.stack ?? error) };
    },
  );
} else {
  (phase === "read" ? read() : record()).then(
    (summary) => {
      window.result = { summary, problems };
      document.getElementById("out").textContent = JSON.stringify(window.result, null, 2);
    },
    (error) => {
      window.result = { error: String(error), problems };
    },
  );
}
