// tracer.observe: automatic nesting through AsyncLocalStorage in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tracer, nodes, sleep } from "./helpers.mjs";

test("observed calls nest across awaits, and a top-level call starts a trace", async () => {
  const { tracer: t, problems } = tracer();
  const retrieve = t.observe(async function retrieve(q) {
    await sleep(2);
    return [`doc for ${q}`];
  }, { type: "retriever" });
  const answer = t.observe(async function answer(q) {
    const docs = await retrieve(q);
    const { responseText } = await t.track({ promptName: "answer", template: "{{docs}}", variables: { docs }, model: "gpt-4o" }, async (p) => `A: ${p}`);
    return responseText;
  }, { type: "chain" });

  const out = await answer("refunds?");
  assert.equal(out, 'A: ["doc for refunds?"]');
  const [trace] = t.summary().traces;
  assert.equal(trace.name, "answer");
  assert.equal(trace.status, "completed");
  const [root] = trace.tree;
  assert.equal(root.type, "chain");
  assert.deepEqual(root.children.map((n) => [n.name, n.type]), [["retrieve", "retriever"], ["answer", "generation"]]);
  assert.deepEqual(problems, []);
});

test("Promise.all of 1,000 observed calls gives each its own right parent", async () => {
  const { tracer: t, problems } = tracer();
  const leaf = t.observe(async function leaf(i) {
    await sleep(i % 7);
    return i;
  });
  const branch = t.observe(async function branch(i) {
    await sleep(i % 5);
    return leaf(i);
  });
  const root = t.observe(async function root() {
    return Promise.all(Array.from({ length: 1000 }, (_, i) => branch(i)));
  });
  const results = await root();
  assert.equal(results.length, 1000);
  const [trace] = t.summary().traces;
  const [top] = trace.tree;
  assert.equal(top.name, "root");
  assert.equal(top.children.length, 1000);
  assert.ok(top.children.every((b) => b.name === "branch" && b.children.length === 1 && b.children[0].name === "leaf"));
  // Each leaf's input is its branch's input: the parent is the right one.
  const file = JSON.parse(t.export());
  const byId = new Map(file.observations.map((o) => [o.id, o]));
  for (const o of file.observations.filter((o) => o.name === "leaf")) {
    assert.equal(byId.get(o.parent_id).input, o.input);
  }
  assert.deepEqual(problems, []);
});

test("an observed function's error is recorded and thrown again", async () => {
  const { tracer: t } = tracer();
  const failing = t.observe(async function failing() {
    throw new TypeError("bad input");
  });
  await assert.rejects(failing(), TypeError);
  const [trace] = t.summary().traces;
  assert.equal(trace.status, "error");
  assert.equal(trace.tree[0].status, "error");
});

test("observe keeps this, arguments and sync results", () => {
  const { tracer: t } = tracer();
  const obj = { factor: 3, times: t.observe(function times(a) { return this.factor * a; }) };
  assert.equal(obj.times(4), 12);
  assert.equal(t.summary().traces[0].tree[0].name, "times");
});
