// A page that uses the package as an app would, built by Vite. `?phase=record`
// records into IndexedDB; `?phase=read` restores it after a reload; the
// storage phases are in storage-phases.mjs, the move to the full core in
// move-phases.mjs, a full core that cannot be loaded in failure-phases.mjs. The test reads `window.result`.
import OpenAI from "openai";
import { Tracer, observeOpenAI } from "prompttrace";
import { storagePhase } from "./storage-phases.mjs";
import { movePhases } from "./move-phases.mjs";
import { failurePhases } from "./failure-phases.mjs";

const params = new URLSearchParams(location.search);
const phase = params.get("phase");

// The framework examples, bundled as an app bundles them; each hands its
// file to `globalThis.prompttraceFiles` (see examples/fake-llm.mjs).
const examples = {
  "ai-sdk": () => import("../examples/ai-sdk.mjs"),
  langchain: () => import("../examples/langchain.mjs"),
  otel: () => import("../examples/otel.mjs"),
  openai: () => import("../examples/openai.mjs"),
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
  await askOpenAI(tracer);
  await tracer.flush();
  return await tracer.summary();
}

/**
 * Records into IndexedDB, then opens the viewer in #viewer with openViewer,
 * loaded only now; `window.recordMore(name)` records and flushes another
 * trace, which the open viewer shows.
 */
async function viewerPhase() {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace({ name: "embedded-first", sessionId: "app-session" }).complete({ output: "first" });
  await tracer.flush();
  const loadedBefore = performance.getEntriesByType("resource").map((entry) => entry.name);
  const { openViewer } = await import("prompttrace/viewer");
  const element = document.getElementById("viewer");
  element.style.height = "640px"; // the page's CSP has no inline styles
  const viewer = await openViewer({ element });
  window.recordMore = async (name) => {
    tracer.trace({ name, sessionId: "app-session" }).complete({ output: name });
    await tracer.flush();
  };
  return { loadedBefore, viewerUrl: viewer.window.location.href };
}

/**
 * Records into IndexedDB, then shows a button that opens the viewer in a
 * new window (browsers allow it from a click only).
 */
async function viewerWindowPhase() {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace({ name: "window-first", sessionId: "app-session" }).complete({ output: "first" });
  await tracer.flush();
  const { openViewer } = await import("prompttrace/viewer");
  window.recordMore = async (name) => {
    tracer.trace({ name, sessionId: "app-session" }).complete({ output: name });
    await tracer.flush();
  };
  const button = document.createElement("button");
  button.id = "open-viewer";
  button.textContent = "Open the viewer";
  button.addEventListener("click", () => {
    openViewer().then(
      (viewer) => (window.opened = viewer.window.location.href),
      (error) => (window.opened = `error: ${error.message}`),
    );
  });
  document.body.append(button);
  return { ready: true };
}

/** One wrapped chat completion, plain and streamed, on a canned fetch. */
async function askOpenAI(tracer) {
  const model = "gpt-4o-mini-2024-07-18";
  const usage = { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 };
  const chunk = (delta, extra) => ({ object: "chat.completion.chunk", model, choices: [{ index: 0, delta }], ...extra });
  const fetch = async (url, init) => {
    if (!JSON.parse(init.body).stream) {
      return Response.json({ object: "chat.completion", model, choices: [{ index: 0, message: { role: "assistant", content: "Hi Ada" } }], usage });
    }
    const events = [chunk({ role: "assistant", content: "Hi" }), chunk({ content: " Ada" }), chunk({}, { choices: [], usage })];
    const body = events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  };
  const trace = tracer.trace({ name: "browser_openai" });
  const client = new OpenAI({ apiKey: "sk-test", fetch, maxRetries: 0, dangerouslyAllowBrowser: true });
  const openai = observeOpenAI(client, { tracer, parent: trace });
  const messages = [{ role: "user", content: "Greet Ada" }];
  const reply = await openai.chat.completions.create({ model: "gpt-4o-mini", messages });
  await new Promise((resolve) => setTimeout(resolve, 2));
  let streamed = "";
  const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } });
  for await (const part of stream) streamed += part.choices[0]?.delta.content ?? "";
  trace.complete({ output: [reply.choices[0].message.content, streamed] });
}

async function read() {
  const tracer = await Tracer.load({ storage: "indexedDB", onError });
  return await tracer.summary();
}

if (["tracer", "resume", "priced", "two-flushes", "seed-v1", "layout", "force-close", "blocked"].includes(phase)) {
  storagePhase(phase, params, onError).then(
    (found) => {
      window.result = { found, problems };
    },
    (error) => {
      window.result = { error: String(error?.stack ?? error), problems };
    },
  );
} else if (phase in movePhases || phase in failurePhases) {
  (movePhases[phase] ?? failurePhases[phase])(onError, problems).then(
    (found) => {
      window.result = { found, problems };
    },
    (error) => {
      window.result = { error: String(error?.stack ?? error), problems };
    },
  );
} else if (phase === "viewer") {
  viewerPhase().then(
    (found) => {
      window.result = { ...found, problems };
    },
    (error) => {
      window.result = { error: String(error?.stack ?? error), problems };
    },
  );
} else if (phase === "viewer-window") {
  viewerWindowPhase().then(
    (found) => {
      window.result = { ...found, problems };
    },
    (error) => {
      window.result = { error: String(error?.stack ?? error), problems };
    },
  );
} else if (phase === "example") {
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
