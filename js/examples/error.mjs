// An LLM call that fails: the error is recorded on the generation and the
// trace, and the app still sees (and handles) its own error.
import { Tracer } from "prompttrace";
import { save } from "./fake-llm.mjs";

const tracer = new Tracer();
const trace = tracer.trace({ name: "summarize", sessionId: "batch_1", input: "long text…" });
try {
  await tracer.track({ promptName: "summarize", template: "Summarize: {{text}}", variables: { text: "long text…" }, provider: "openai", model: "gpt-4o", trace },
    async () => {
      throw new Error("429 Too Many Requests: rate limit reached");
    });
} catch (error) {
  trace.fail(error);
  console.log(`the app handled: ${error.message}`);
}
await save(tracer, "error");
