// A chat session of three traces sharing one session id.
import { Tracer } from "prompttrace";
import { fakeLlm, save } from "./fake-llm.mjs";

const tracer = new Tracer();
const sessionId = "chat_user42_conv7";
const turns = ["Hi!", "What is your refund policy?", "And for sale items?"];
for (const [i, message] of turns.entries()) {
  const trace = tracer.trace({ name: i === 0 ? "greeting" : `question_${i}`, sessionId, userId: "user_42", input: message });
  const { responseText } = await tracer.track(
    { promptName: "chat", template: "User: {{message}}", variables: { message }, provider: "anthropic", model: "claude-sonnet-4-20250514", trace },
    (prompt) => fakeLlm(prompt, `Answer ${i + 1}`),
  );
  trace.complete({ output: responseText });
}
await save(tracer, "chatbot-session");
