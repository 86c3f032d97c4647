// observeOpenAI: one line records every call of the official OpenAI client
// (chat, streamed chat, embeddings), each as a generation in its own trace
// of the session. A canned fetch stands in for the API: no network, no key.
import OpenAI from "openai";
import { Tracer, observeOpenAI } from "prompttrace";
import { save } from "./fake-llm.mjs";

const tracer = new Tracer();
// (dangerouslyAllowBrowser: the tests run this in a browser too; a real web
// app keeps its key on its server.)
const client = new OpenAI({ apiKey: "sk-demo", fetch: cannedApi, dangerouslyAllowBrowser: true });
const openai = observeOpenAI(client, { tracer, sessionId: "chat_42", userId: "user_42" });

const messages = [{ role: "system", content: "You answer in one sentence." }, { role: "user", content: "What is a trace?" }];
const reply = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, temperature: 0.3 });
console.log(reply.choices[0].message.content);

messages.push(reply.choices[0].message, { role: "user", content: "And a session?" });
const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } });
let streamed = "";
for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
console.log(streamed);

const { data } = await openai.embeddings.create({ model: "text-embedding-3-small", input: "What is a trace?" });
console.log(`embedding of ${data[0].embedding.length} numbers`);
await save(tracer, "openai");

/** Answers like OpenAI's API: JSON, or server-sent events when streaming. */
async function cannedApi(url, init) {
  const request = JSON.parse(init.body);
  const model = "gpt-4o-mini-2024-07-18";
  const usage = { prompt_tokens: 42, completion_tokens: 12, total_tokens: 54, prompt_tokens_details: { cached_tokens: 0 } };
  if (String(url).endsWith("/embeddings")) {
    const embedding = btoa(String.fromCharCode(...new Uint8Array(new Float32Array([0.1, 0.2, 0.3]).buffer)));
    return Response.json({ object: "list", model: "text-embedding-3-small", data: [{ object: "embedding", index: 0, embedding }], usage: { prompt_tokens: 5, total_tokens: 5 } });
  }
  if (!request.stream) {
    const message = { role: "assistant", content: "A trace records one request, step by step." };
    return Response.json({ object: "chat.completion", model, choices: [{ index: 0, message, finish_reason: "stop" }], usage });
  }
  const chunk = (delta, rest = {}) => ({ object: "chat.completion.chunk", model, choices: [{ index: 0, delta, finish_reason: null }], ...rest });
  const chunks = [chunk({ role: "assistant", content: "" }), chunk({ content: "A session groups " }), chunk({ content: "the traces of one chat." }), chunk({}, { choices: [], usage })];
  const body = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}
