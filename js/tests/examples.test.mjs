// The examples run as a user runs them, and the CLI reads what they write.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const examples = new URL("./examples/", import.meta.url).pathname;
const cli = process.env.PROMPTTRACE_CLI;

const expected = {
  simple: { traces: 1, sessions: 1, errors: 0 },
  "with-spans": { traces: 1, sessions: 1, errors: 0 },
  "chatbot-session": { traces: 3, sessions: 1, errors: 0 },
  "rag-pipeline": { traces: 1, sessions: 1, errors: 0 },
  "nested-multi-step": { traces: 1, sessions: 0, errors: 0 },
  error: { traces: 1, sessions: 1, errors: 1 },
  "ai-sdk": { traces: 1, sessions: 1, errors: 0 },
  langchain: { traces: 1, sessions: 1, errors: 0 },
  otel: { traces: 1, sessions: 1, errors: 1 },
  openai: { traces: 3, sessions: 1, errors: 0 },
};

test("every example writes a trace file that the CLI summarises", () => {
  assert.ok(cli, "PROMPTTRACE_CLI must name the prompttrace binary (cargo xtask test sets it)");
  const out = mkdtempSync(join(tmpdir(), "prompttrace-examples-"));
  try {
    for (const [name, want] of Object.entries(expected)) {
      execFileSync(process.execPath, [join(examples, `${name}.mjs`), out], { stdio: "pipe" });
      const file = join(out, `${name}.json`);
      execFileSync(cli, ["validate", file], { stdio: "pipe" });
      const summary = JSON.parse(execFileSync(cli, ["summary", "--json", file], { encoding: "utf8" }));
      assert.equal(summary.traces.length, want.traces, name);
      assert.equal(summary.sessions.length, want.sessions, name);
      assert.equal(summary.traces.reduce((n, t) => n + t.error_count, 0), want.errors, name);
      assert.ok(summary.traces.every((t) => t.status !== "running"), `${name}: everything ended`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("the rag example nests its steps automatically", () => {
  assert.ok(cli, "PROMPTTRACE_CLI must name the prompttrace binary (cargo xtask test sets it)");
  const out = mkdtempSync(join(tmpdir(), "prompttrace-rag-"));
  try {
    execFileSync(process.execPath, [join(examples, "rag-pipeline.mjs"), out], { stdio: "pipe" });
    const summary = JSON.parse(execFileSync(cli, ["summary", "--json", join(out, "rag-pipeline.json")], { encoding: "utf8" }));
    const [root] = summary.traces[0].tree;
    assert.equal(root.name, "rag_question_answering");
    assert.deepEqual(root.children.map((n) => n.name), ["retrieve", "rag_answer"]);
    assert.deepEqual(root.children[0].children.map((n) => n.name), ["embed"]);
    assert.deepEqual(root.children[0].children[0].children.map((n) => n.name), ["embed_query"]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
