// The seed's simplest case: one trace, one tracked LLM call.
import { Tracer } from "prompttrace";
import { fakeLlm, save } from "./fake-llm.mjs";

const tracer = new Tracer();
const trace = tracer.trace({ name: "greeting", sessionId: "chat_123", input: "Hi" });
const { responseText } = await tracer.track(
  { promptName: "greeting", template: "Hello {{name}}!", variables: { name: "John" }, provider: "openai", model: "gpt-4", trace },
  (prompt) => fakeLlm(prompt, "Hello John! How can I help?"),
);
trace.complete({ output: responseText });
await save(tracer, "simple");
