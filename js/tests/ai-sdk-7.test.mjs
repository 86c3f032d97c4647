// AI SDK 7 through @ai-sdk/otel in an app that registered an OpenTelemetry
// context manager (as NodeSDK does): the SDK runs a tool's `execute` in its
// span's context without calling startActiveSpan, and what the tool records
// with observe() must still nest under the tool, also when calls overlap.
// (Its own file: registerTelemetry and the context manager are global.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OpenTelemetry } from "@ai-sdk/otel";
import { generateText, registerTelemetry, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { z } from "zod";
import { nodes, tracer } from "./helpers.mjs";

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

function model() {
  const replies = [
    { content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookupOrder", input: '{"orderId":"A-1"}' }], finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage: usage(10, 2), response: { id: "r1", modelId: "gpt-4o-mini", timestamp: new Date() }, warnings: [] },
    { content: [{ type: "text", text: "A-1 ships today." }], finishReason: { unified: "stop", raw: "stop" }, usage: usage(20, 4), response: { id: "r2", modelId: "gpt-4o-mini", timestamp: new Date() }, warnings: [] },
  ];
  return new MockLanguageModelV4({ provider: "openai.chat", modelId: "gpt-4o-mini", doGenerate: async () => replies.shift() });
}

test("observe() inside an AI SDK 7 tool nests under the tool, with overlapping calls", async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const { tracer: t, problems } = tracer();
  registerTelemetry(new OpenTelemetry({ tracer: t.otelTracer("ai") }));
  const lookup = t.observe(async (orderId) => ({ orderId, carrier: "DHL" }), { name: "db.lookup" });
  const ask = (functionId) =>
    generateText({
      model: model(),
      prompt: "Where is A-1?",
      tools: { lookupOrder: tool({ inputSchema: z.object({ orderId: z.string() }), execute: ({ orderId }) => lookup(orderId) }) },
      stopWhen: stepCountIs(3),
      telemetry: { isEnabled: true, functionId },
    });
  await t.observe(async () => Promise.all([ask("a"), ask("b")]), { name: "handler" })();
  const [trace, ...others] = t.summary().traces;
  assert.deepEqual(others, [], "one trace: the handler's");
  const all = nodes(trace.tree);
  const tools = all.filter((n) => n.name === "lookupOrder");
  assert.equal(tools.length, 2);
  for (const toolNode of tools) assert.deepEqual(toolNode.children.map((n) => n.name), ["db.lookup"], "the lookup nests under its own tool");
  assert.equal(all.filter((n) => n.name === "db.lookup").length, 2);
  assert.deepEqual(problems, []);
});
