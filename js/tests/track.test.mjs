// tracer.track: the seed's LlmCallService.track in JS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tracer, nodes } from "./helpers.mjs";

test("track renders the template, times the call and records the generation", async () => {
  const { tracer: t, problems } = tracer();
  const trace = t.trace("greeting");
  const { responseText, generation } = await t.track(
    { promptName: "greeting", template: "Hello {{name}}", variables: { name: "John" }, provider: "openai", model: "gpt-4", trace },
    async (prompt) => {
      assert.equal(prompt, "Hello John");
      return { text: "Hi John!", usage: { input: 3, output: 4 }, cost: { total: 0.01 } };
    },
  );
  trace.complete({ output: responseText });
  assert.equal(responseText, "Hi John!");
  const file = JSON.parse(t.export());
  const g = file.observations.find((o) => o.id === generation.id);
  assert.equal(g.type, "generation");
  assert.equal(g.input, "Hello John");
  assert.equal(g.output, "Hi John!");
  assert.equal(g.template, "Hello {{name}}");
  assert.deepEqual(g.variables, { name: "John" });
  assert.equal(g.prompt_name, "greeting");
  assert.deepEqual(g.usage, { input: 3, output: 4 });
  assert.equal(t.summary().traces[0].cost.total, 0.01);
  assert.deepEqual(problems, []);
});

test("track works with a synchronous function returning a string", () => {
  const { tracer: t } = tracer();
  const result = t.track({ promptName: "p", template: "x" }, (prompt) => `${prompt}!`);
  assert.equal(result.responseText, "x!");
  assert.equal(t.summary().generations_without_trace, 1);
});

test("track records the error and throws it again, sync and async", async () => {
  const { tracer: t } = tracer();
  const trace = t.trace("errors");
  const boom = new Error("rate limited (429)");
  await assert.rejects(t.track({ promptName: "a", template: "x", trace }, async () => { throw boom; }), (e) => e === boom);
  assert.throws(() => t.track({ promptName: "b", template: "x", trace }, () => { throw boom; }), (e) => e === boom);
  trace.complete();
  const tree = t.summary().traces[0].tree;
  assert.deepEqual(tree.map((n) => n.status), ["error", "error"]);
  const file = JSON.parse(t.export());
  assert.ok(file.observations.every((o) => o.status_message === "rate limited (429)"));
});

test("track nests under a span when given one", async () => {
  const { tracer: t } = tracer();
  const trace = t.trace("rag");
  const span = trace.span("generate_answer");
  await t.track({ promptName: "answer", template: "q", trace, span }, async () => "a");
  span.complete();
  trace.complete();
  const [root] = t.summary().traces[0].tree;
  assert.equal(root.name, "generate_answer");
  assert.equal(root.children[0].name, "answer");
});
