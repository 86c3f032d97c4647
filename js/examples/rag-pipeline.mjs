// A RAG pipeline with automatic nesting: observe() wraps each step, and the
// steps nest under the pipeline through AsyncLocalStorage.
import { Tracer } from "prompttrace";
import { fakeLlm, save } from "./fake-llm.mjs";

const tracer = new Tracer();
const embed = tracer.observe(async function embed(text) {
  return tracer.track({ name: "embed_query", promptName: "embed", template: "{{text}}", variables: { text }, model: "text-embedding-3-small" },
    (prompt) => fakeLlm(prompt, "[0.12, 0.83, …]", 5)).then((r) => r.responseText);
}, { type: "embedding" });
const retrieve = tracer.observe(async function retrieve(query) {
  await embed(query);
  return [{ id: "doc-12", score: 0.91 }, { id: "doc-3", score: 0.84 }];
}, { type: "retriever" });
const answer = tracer.observe(async function answer(question) {
  const docs = await retrieve(question);
  const { responseText } = await tracer.track(
    { promptName: "rag_answer", template: "Docs: {{docs}}\nQ: {{question}}", variables: { docs: docs.map((d) => d.id), question }, provider: "openai", model: "gpt-4o-mini" },
    (prompt) => fakeLlm(prompt, "Open Settings → API keys, create a key, revoke the old one."),
  );
  return responseText;
}, { name: "rag_question_answering", type: "chain", sessionId: "support_7" });

await answer("How do I rotate an API key?");
await save(tracer, "rag-pipeline");
