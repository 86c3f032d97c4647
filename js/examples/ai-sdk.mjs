// The Vercel AI SDK, recorded in one line: its OpenTelemetry integration
// (`@ai-sdk/otel`) with prompttrace's tracer; no OpenTelemetry SDK needed.
// AI SDK ≤ 6 takes the same tracer directly:
//   generateText({ ..., experimental_telemetry: { isEnabled: true, tracer: tracer.otelTracer() } })
// The model here is the AI SDK's own mock: no network, no keys.
import { generateText, registerTelemetry, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { OpenTelemetry } from "@ai-sdk/otel";
import { z } from "zod";
import { Tracer } from "prompttrace";
import { save } from "./fake-llm.mjs";

const tracer = new Tracer();
registerTelemetry(new OpenTelemetry({ tracer: tracer.otelTracer("ai"), runtimeContext: true }));

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
const replies = [
  {
    content: [{ type: "tool-call", toolCallId: "call_1", toolName: "lookupOrder", input: '{"orderId":"A-1042"}' }],
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage: usage(120, 18),
    response: { id: "r1", modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date() },
    warnings: [],
  },
  {
    content: [{ type: "text", text: "Your order A-1042 is on its way with DHL." }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: usage(160, 12),
    response: { id: "r2", modelId: "gpt-4o-mini-2024-07-18", timestamp: new Date() },
    warnings: [],
  },
];
const model = new MockLanguageModelV4({
  provider: "openai.chat",
  modelId: "gpt-4o-mini",
  doGenerate: async () => replies.shift(),
});

const { text } = await generateText({
  model,
  instructions: "You are the Acme support agent.",
  prompt: "Where is my order A-1042?",
  tools: {
    lookupOrder: tool({
      description: "Look an order up",
      inputSchema: z.object({ orderId: z.string() }),
      execute: async ({ orderId }) => ({ orderId, carrier: "DHL", status: "in_transit" }),
    }),
  },
  stopWhen: stepCountIs(3),
  telemetry: { isEnabled: true, functionId: "support", includeRuntimeContext: { sessionId: true, userId: true } },
  runtimeContext: { sessionId: "chat-42", userId: "user-7" },
});
console.log(text);
await save(tracer, "ai-sdk");
