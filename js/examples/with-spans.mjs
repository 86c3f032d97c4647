// The seed's "with spans": search, then generate, each a span.
import { Tracer } from "prompttrace";
import { fakeLlm, save } from "./fake-llm.mjs";

const tracer = new Tracer();
const question = "What is your refund policy?";
const trace = tracer.trace({ name: "rag_qa", sessionId: "chat_123", input: question });

const search = trace.span({ name: "search_kb", type: "retrieval", input: { query: question } });
const docs = ["refunds within 30 days", "store credit"];
search.complete({ output: `Found ${docs.length} docs` });

const generate = trace.span({ name: "generate_answer", type: "function" });
const { responseText } = await tracer.track(
  { promptName: "answer", template: "Context: {{context}}\nQ: {{question}}", variables: { context: docs, question },
    provider: "openai", model: "gpt-4o", trace, span: generate },
  (prompt) => fakeLlm(prompt, "Refunds are possible within 30 days."),
);
generate.complete({ output: responseText });
trace.complete({ output: responseText });
await save(tracer, "with-spans");
