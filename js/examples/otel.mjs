// Any OpenTelemetry instrumentation: an app that already runs the OTel SDK
// adds prompttrace's span processor; spans with the GenAI semantic
// conventions' attributes become traces, generations and tools.
// Parents are passed explicitly, which works in Node and in browsers alike
// (a Node app may register a context manager instead).
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { Tracer } from "prompttrace";
import { save } from "./fake-llm.mjs";

const tracer = new Tracer();
const provider = new BasicTracerProvider({ spanProcessors: [tracer.spanProcessor()] });
const otel = provider.getTracer("support-app");

await otel.startActiveSpan("invoke_agent support", { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "chat-otel" } }, async (agent) => {
  const inAgent = trace.setSpan(context.active(), agent);
  await otel.startActiveSpan("chat gpt-4o-mini", { kind: 2 }, inAgent, async (chat) => {
    chat.setAttributes({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Where is A-1042?" }] }]),
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    chat.setAttributes({
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 42,
      "gen_ai.usage.output_tokens": 9,
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "It ships today." }] }]),
    });
    chat.end();
  });
  await otel.startActiveSpan("execute_tool refund", {}, inAgent, async (tool) => {
    tool.setAttributes({ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "refund" });
    tool.setStatus({ code: SpanStatusCode.ERROR, message: "refunds are closed" });
    tool.end();
  });
  agent.end();
});
await save(tracer, "otel");
