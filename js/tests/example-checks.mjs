// What each framework example must have recorded, checked on the file it
// writes: the same checks whether it ran in Node (frameworks.test.mjs) or
// in headless Chromium (browser.test.mjs).
import assert from "node:assert/strict";
import { Tracer } from "prompttrace";

/** The observations of a file by name: [type, status]. */
const kinds = (file) => Object.fromEntries(file.observations.map((o) => [o.name, [o.type, o.status]]));

export const exampleChecks = {
  "ai-sdk"(file) {
    assert.equal(file.traces.length, 1, "one trace: the agent and its steps nest");
    assert.deepEqual([file.traces[0].session_id, file.traces[0].user_id], ["chat-42", "user-7"]);
    const byName = kinds(file);
    assert.deepEqual(byName["invoke_agent gpt-4o-mini"], ["agent", "completed"]);
    assert.deepEqual(byName["chat gpt-4o-mini"], ["generation", "completed"]);
    assert.deepEqual(byName.lookupOrder, ["tool", "completed"]);
    const chats = file.observations.filter((o) => o.name === "chat gpt-4o-mini");
    assert.equal(chats.length, 2);
    assert.equal(chats[0].input[0].role, "system", "the instructions lead the messages");
    assert.ok(JSON.stringify(chats[1].output).includes("on its way with DHL"), JSON.stringify(chats[1].output));
    assert.equal(chats.reduce((n, o) => n + o.usage.total, 0), 310);
  },
  langchain(file) {
    assert.equal(file.traces.length, 1);
    const [trace] = file.traces;
    assert.deepEqual([trace.name, trace.session_id], ["support_answer", "chat-lc"]);
    const llm = file.observations.find((o) => o.type === "generation");
    assert.equal(llm.name, "FakeListChatModel");
    assert.ok(llm.parent_id, "the model call nests in the chain");
    assert.ok(JSON.stringify(llm.input).includes("When do orders ship?"), JSON.stringify(llm.input));
    assert.ok(JSON.stringify(llm.output).includes("Orders ship within two days."));
  },
  otel(file) {
    assert.equal(file.traces.length, 1);
    assert.equal(file.traces[0].session_id, "chat-otel");
    const byName = kinds(file);
    assert.deepEqual(byName["invoke_agent support"], ["agent", "completed"]);
    assert.deepEqual(byName["chat gpt-4o-mini"], ["generation", "completed"]);
    assert.deepEqual(byName.refund, ["tool", "error"], "a tool is named by gen_ai.tool.name");
    const chat = file.observations.find((o) => o.name === "chat gpt-4o-mini");
    assert.deepEqual([chat.model, chat.usage.input, chat.usage.output], ["gpt-4o-mini-2024-07-18", 42, 9]);
    assert.equal(chat.input[0].role, "user");
    const agent = file.observations.find((o) => o.name === "invoke_agent support");
    assert.equal(chat.parent_id, agent.id);
  },  openai(file) {
    assert.equal(file.traces.length, 3, "each call of the client is a trace of its own");
    for (const trace of file.traces) assert.deepEqual([trace.session_id, trace.user_id], ["chat_42", "user_42"]);
    const calls = file.observations.map((o) => [o.name, o.type, o.status, o.model]);
    assert.deepEqual(calls, [
      ["OpenAI.chat", "generation", "completed", "gpt-4o-mini-2024-07-18"],
      ["OpenAI.chat", "generation", "completed", "gpt-4o-mini-2024-07-18"],
      ["OpenAI.embeddings", "embedding", "completed", "text-embedding-3-small"],
    ]);
    const [plain, streamed] = file.observations;
    assert.equal(plain.input.at(-1).content, "What is a trace?");
    assert.equal(plain.output.content, "A trace records one request, step by step.");
    assert.equal(streamed.output.content, "A session groups the traces of one chat.", "the streamed text is assembled");
    assert.ok(streamed.completion_start_time, "a stream has its time to first token");
    assert.equal(file.observations.reduce((n, o) => n + o.usage.total, 0), 54 + 54 + 5);
    // Files keep what was recorded; cost comes from the price table on reading.
    const reader = new Tracer();
    assert.ok(reader.import(JSON.stringify(file), "openai.json"));
    assert.ok(reader.summary().traces.every((trace) => trace.cost.total > 0), "every call is priced");
  },
};
