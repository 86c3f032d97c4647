// The browser entry (record-only core, full core loaded on first use), run
// in Node: while OpenTelemetry spans wait for the full core, the calls that
// go to the core directly (`track`, `clear`) keep their place after what
// was queued before them; an OpenAI client's calls wait for it too.
import { test } from "node:test";
import assert from "node:assert/strict";

const { Tracer, observeOpenAI } = await import(new URL("./node_modules/prompttrace/browser.mjs", import.meta.url));

function tracer() {
  const problems = [];
  return { tracer: new Tracer({ onError: (error) => problems.push(error.message) }), problems };
}

const tree = async (tracer) => (await tracer.summary()).traces.map((trace) => [trace.name, trace.tree.map((node) => node.name)]);

test("track() while spans wait for the full core: its generation lands in a trace started before it", async () => {
  const { tracer: app, problems } = tracer();
  app.otelTracer("app").startSpan("otel-span").end();
  const trace = app.trace({ name: "app-trace" });
  const tracked = await app.track(
    { promptName: "p", template: "Hi {{who}}", variables: { who: "Ada" }, provider: "openai", model: "gpt-4o", trace },
    async (prompt) => ({ text: `${prompt}!`, usage: { input: 2, output: 3 } }),
  );
  assert.equal(tracked.responseText, "Hi Ada!", "the prompt and the response's text come back at once");
  const sync = app.track({ name: "sync", template: "x", trace }, () => ({ text: "y" }));
  assert.equal(sync.responseText, "y");
  trace.complete({ output: "done" });
  await app.flush();
  assert.deepEqual(problems, []);
  assert.deepEqual((await tree(app)).sort(), [["app-trace", ["p", "sync"]], ["otel-span", ["otel-span"]]]);
  const [generation] = JSON.parse(app.export()).observations.filter((o) => o.name === "p");
  assert.equal(generation.output, "Hi Ada!");
  assert.equal(generation.status, "completed", "the tracked call's end was applied after its start");
});

test("clear() while spans wait for the full core: what was recorded before it does not come back", async () => {
  const { tracer: app, problems } = tracer();
  app.otelTracer().startSpan("span before clear").end();
  app.trace({ name: "before clear" }).complete();
  app.clear();
  assert.deepEqual(JSON.parse(app.export()).traces, [], "memory is empty at once");
  app.trace({ name: "after clear" }).complete();
  await app.flush();
  assert.deepEqual(problems, []);
  assert.deepEqual(await tree(app), [["after clear", []]]);
});

test("an OpenAI client's call on the record-only core waits for the full core, which reads what it sent and answered", async () => {
  const { tracer: app, problems } = tracer();
  const answer = {
    object: "chat.completion",
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello, Ada" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  };
  const openai = observeOpenAI({ chat: { completions: { create: async () => answer } } }, { tracer: app });
  app.trace({ name: "before the call" }).complete();
  const reply = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Greet Ada" }] });
  assert.equal(reply, answer, "the app gets the client's own answer");
  await app.flush();
  assert.deepEqual(problems, []);
  const [call] = (await app.summary()).traces.filter((trace) => trace.name === "OpenAI.chat");
  assert.deepEqual(call?.tree.map((node) => [node.type, node.status, node.model]), [["generation", "completed", "gpt-4o-mini-2024-07-18"]]);
  assert.deepEqual(call.tokens, { input: 5, output: 3, total: 8 });
  assert.deepEqual((await tree(app)).map(([name]) => name).sort(), ["OpenAI.chat", "before the call"]);
});
