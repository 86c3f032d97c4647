// observeOpenAI with the real `openai` client (the current major and the
// last one that declares Node 20), on a fetch that answers with canned
// OpenAI HTTP responses (JSON, and SSE for streams): no network, no keys.
// Each call is made through a wrapped and an unwrapped client on the same
// fetch, and the app must get the same thing from both.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI6 from "openai";
import OpenAI7 from "openai-7";
import { Tracer, observeOpenAI } from "prompttrace";
import { nodes, sleep, tracer as makeTracer } from "./helpers.mjs";

const MODEL = "gpt-4o-mini-2024-07-18";
const chatUsage = {
  prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 64, audio_tokens: 0 },
};
const completion = {
  id: "chatcmpl-1", object: "chat.completion", created: 1, model: MODEL,
  choices: [{ index: 0, message: { role: "assistant", content: "Hello Ada!", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: chatUsage,
};
const chunk = (delta, extra = {}) => ({
  id: "chatcmpl-2", object: "chat.completion.chunk", created: 1, model: MODEL,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], ...extra,
});
const chatChunks = [
  chunk({ role: "assistant", content: "", refusal: null }),
  chunk({ content: "Hel" }),
  chunk({ content: "lo" }),
  chunk({ content: " Ada" }),
  { ...chunk({}), choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] },
  { ...chunk({}), choices: [], usage: chatUsage },
];
const responseUsage = {
  input_tokens: 500, input_tokens_details: { cached_tokens: 256 },
  output_tokens: 120, output_tokens_details: { reasoning_tokens: 80 }, total_tokens: 620,
};
const response = {
  id: "resp_1", object: "response", created_at: 1, status: "completed", model: "o4-mini-2025-04-16",
  output: [
    { id: "rs_1", type: "reasoning", summary: [] },
    { id: "msg_1", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Paris.", annotations: [] }] },
  ],
  usage: responseUsage,
};
const responseEvents = [
  { type: "response.created", sequence_number: 0, response: { ...response, status: "in_progress", output: [], usage: null } },
  { type: "response.output_item.added", sequence_number: 1, output_index: 1, item: { id: "msg_1", type: "message", role: "assistant", content: [] } },
  { type: "response.output_text.delta", sequence_number: 2, item_id: "msg_1", output_index: 1, content_index: 0, delta: "Par" },
  { type: "response.output_text.delta", sequence_number: 3, item_id: "msg_1", output_index: 1, content_index: 0, delta: "is." },
  { type: "response.completed", sequence_number: 4, response },
];
const embeddings = {
  object: "list", model: "text-embedding-3-small",
  data: [{ object: "embedding", index: 0, embedding: [0.1, -0.2, 0.3, 0.4] }, { object: "embedding", index: 1, embedding: [0.5, 0.6, -0.7, 0.8] }],
  usage: { prompt_tokens: 6, total_tokens: 6 },
};

/** Embeddings as the API sends them when the client asks for base64 (as openai 6 does by default). */
const base64 = (list) => ({
  ...list,
  data: list.data.map((d) => ({ ...d, embedding: Buffer.from(new Float32Array(d.embedding).buffer).toString("base64") })),
});

const headers = { "x-request-id": "req_123" };
const asJson = (body, status = 200) => Response.json(body, { status, headers });
const sse = (events, done) =>
  new Response(
    events.map((e) => `${e.type ? `event: ${e.type}\n` : ""}data: ${JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : ""),
    { headers: { ...headers, "content-type": "text/event-stream" } },
  );

/** A fetch answering OpenAI's endpoints; `override(path, body)` may answer first. */
function mockFetch(override = () => undefined) {
  const requests = [];
  const fetch = async (url, init) => {
    const path = new URL(String(url)).pathname;
    const body = init?.body ? JSON.parse(init.body) : undefined;
    requests.push({ path, body });
    const special = override(path, body);
    if (special) return special;
    if (path.endsWith("/chat/completions")) return body.stream ? sse(chatChunks, true) : asJson(completion);
    if (path.endsWith("/responses")) return body.stream ? sse(responseEvents, false) : asJson(response);
    if (path.endsWith("/embeddings")) return asJson(body.encoding_format === "base64" ? base64(embeddings) : embeddings);
    if (path.endsWith("/models")) return asJson({ object: "list", data: [{ id: "gpt-4o", object: "model", created: 1, owned_by: "openai" }] });
    return asJson({ error: { message: `no route ${path}` } }, 404);
  };
  return { fetch, requests };
}

const collect = async (stream) => {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
};

/** The recorded file's observations and traces. */
function recorded(tracer) {
  const file = JSON.parse(tracer.export());
  return { traces: file.traces, observations: file.observations, summary: tracer.summary() };
}

const messages = [{ role: "system", content: "Be brief." }, { role: "user", content: "Greet Ada" }];

for (const [version, OpenAI] of [["openai 6", OpenAI6], ["openai 7", OpenAI7]]) {
  const clients = (options = {}, override) => {
    const { fetch, requests } = mockFetch(override);
    const make = () => new OpenAI({ apiKey: "sk-test", fetch, maxRetries: 0, baseURL: "https://api.test/v1" });
    const { tracer, problems } = makeTracer();
    const plain = make();
    const wrapped = observeOpenAI(make(), { tracer, ...options });
    return { plain, wrapped, tracer, problems, requests };
  };

  describe(version, () => {
    test("a chat completion is recorded and the app gets the same response", async () => {
      const { plain, wrapped, tracer, problems, requests } = clients({ sessionId: "chat_1", userId: "ada" });
      const params = { model: "gpt-4o-mini", messages, temperature: 0.2, max_tokens: 50 };
      const promise = wrapped.chat.completions.create(params);
      assert.equal(promise.constructor.name, "APIPromise", "the client's own promise object");
      const got = await promise;
      assert.deepEqual(got, await plain.chat.completions.create(params));
      assert.equal(got._request_id, "req_123");
      assert.deepEqual(requests[0], requests[1], "the same request was sent");

      const { traces, observations, summary } = recorded(tracer);
      assert.deepEqual(problems, []);
      const [trace] = summary.traces;
      assert.equal(trace.name, "OpenAI.chat");
      assert.equal(trace.session_id, "chat_1");
      assert.equal(trace.user_id, "ada");
      assert.equal(trace.status, "completed");
      assert.deepEqual(trace.tree.map((n) => [n.name, n.type, n.status, n.model]), [["OpenAI.chat", "generation", "completed", MODEL]]);
      assert.deepEqual(trace.tokens, { input: 1200, output: 300, total: 1500 });
      assert.ok(trace.cost.total > 0, "priced from the table");
      const [generation] = observations;
      assert.equal(generation.provider, "openai");
      assert.deepEqual(generation.input, messages);
      assert.deepEqual(generation.output, completion.choices[0].message);
      assert.deepEqual(generation.model_parameters, { temperature: 0.2, max_tokens: 50 });
      assert.equal(generation.usage.details.input_cached_tokens, 1024);
      assert.equal(generation.usage.details.output_reasoning_tokens, 64);
      assert.deepEqual(traces[0].input, messages, "a trace of its own mirrors the call");
      assert.deepEqual(traces[0].output, completion.choices[0].message);
    });

    test("a client wrapped twice records each call once, with the newest options", async () => {
      const { wrapped, tracer, problems } = clients({ sessionId: "first" });
      const again = observeOpenAI(wrapped, { tracer, sessionId: "second" });
      await again.chat.completions.create({ model: "gpt-4o-mini", messages });
      const { summary } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.equal(summary.traces.length, 1);
      assert.equal(summary.traces[0].session_id, "second");
      assert.deepEqual(summary.traces[0].tokens, { input: 1200, output: 300, total: 1500 });
    });

    test("withAttributes gives the call its session and metadata", async () => {
      const { wrapped, tracer, problems } = clients({ metadata: { feature: "greet" } });
      const outside = tracer.trace("request");
      await tracer.withAttributes({ sessionId: "s-wa", metadata: { tenant: "acme" } }, async () => {
        await wrapped.chat.completions.create({ model: "gpt-4o-mini", messages });
        await observeOpenAI(wrapped, { tracer, parent: outside }).chat.completions.create({ model: "gpt-4o-mini", messages });
      });
      outside.end();
      const { traces, observations } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.deepEqual(traces.map((t) => t.session_id), ["s-wa", "s-wa"], "its own trace, and one started outside");
      const inside = observations.find((o) => o.trace_id !== outside.id);
      const underOutside = observations.find((o) => o.trace_id === outside.id);
      assert.deepEqual(inside.metadata, { tenant: "acme", feature: "greet" });
      assert.deepEqual(underOutside.metadata, { tenant: "acme" });
    });

    test("withResponse and asResponse still work, and record the call", async () => {
      const { wrapped, tracer, problems } = clients();
      const params = { model: "gpt-4o-mini", messages };
      const { data, response, request_id } = await wrapped.chat.completions.create(params).withResponse();
      assert.equal(request_id, "req_123");
      assert.equal(response.status, 200);
      assert.deepEqual(data, { ...completion });
      const raw = await wrapped.chat.completions.create(params).asResponse();
      assert.deepEqual(await raw.json(), completion, "the app reads the body itself");
      await sleep(5);
      const { observations } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.deepEqual(observations.map((o) => [o.status, o.model]), [["completed", MODEL], ["completed", MODEL]]);
      assert.deepEqual(observations[1].output, completion.choices[0].message, "read from a clone");
    });

    test("a streamed chat gives the same chunks and records the assembled answer", async () => {
      const { plain, wrapped, tracer, problems } = clients();
      const params = { model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } };
      const stream = await wrapped.chat.completions.create(params);
      assert.equal(stream.constructor.name, "Stream");
      assert.ok(stream.controller instanceof AbortController);
      const got = await collect(stream);
      assert.deepEqual(got, await collect(await plain.chat.completions.create(params)));
      assert.deepEqual(got, chatChunks);

      const { observations, summary } = recorded(tracer);
      assert.deepEqual(problems, []);
      const [generation] = observations;
      assert.equal(generation.status, "completed");
      assert.equal(generation.model, MODEL);
      assert.deepEqual(generation.output, { role: "assistant", content: "Hello Ada" });
      assert.equal(generation.model_parameters, undefined, "stream options are transport, not parameters");
      assert.ok(generation.completion_start_time, "time to first token");
      assert.ok(generation.completion_start_time >= generation.started_at && generation.completion_start_time <= generation.ended_at);
      assert.equal(generation.usage.details.input_cached_tokens, 1024);
      assert.ok(summary.traces[0].cost.total > 0);
    });

    test("tee() and toReadableStream() still work on a wrapped stream, and record it", async () => {
      const { wrapped, tracer, problems } = clients();
      const params = { model: "gpt-4o-mini", messages, stream: true };
      const [left, right] = (await wrapped.chat.completions.create(params)).tee();
      const [a, b] = await Promise.all([collect(left), collect(right)]);
      assert.deepEqual(a, chatChunks);
      assert.deepEqual(b, chatChunks);
      const readable = (await wrapped.chat.completions.create(params)).toReadableStream();
      const text = await new Response(readable).text();
      assert.deepEqual(text.trim().split("\n").map((line) => JSON.parse(line)), chatChunks);
      const { observations } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.deepEqual(observations.map((o) => o.output?.content), ["Hello Ada", "Hello Ada"]);
    });

    test("stopping a stream early still ends the generation with what was read", async () => {
      const { wrapped, tracer, problems } = clients();
      const stream = await wrapped.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true });
      const seen = [];
      for await (const c of stream) {
        seen.push(c);
        if (seen.length === 2) break;
      }
      assert.deepEqual(seen, chatChunks.slice(0, 2));
      const { observations, summary } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.equal(observations[0].status, "completed");
      assert.deepEqual(observations[0].output, { role: "assistant", content: "Hel" });
      assert.equal(summary.traces[0].status, "completed");
    });

    test("a stream that fails midway is recorded as an error and the app gets the same error", async () => {
      const failing = (path, body) => body?.stream && sse([chunk({ content: "Hi" }), { error: { message: "The server is overloaded", type: "server_error" } }], false);
      const { plain, wrapped, tracer } = clients({}, failing);
      const params = { model: "gpt-4o-mini", messages, stream: true };
      const outcome = async (client) => {
        const got = [];
        try {
          for await (const c of await client.chat.completions.create(params)) got.push(c);
        } catch (error) {
          return { got, error };
        }
        return { got };
      };
      const [mine, theirs] = [await outcome(wrapped), await outcome(plain)];
      assert.deepEqual(mine.got, theirs.got);
      assert.equal(mine.error.constructor, theirs.error.constructor);
      assert.equal(mine.error.message, theirs.error.message);
      const { observations } = recorded(tracer);
      assert.equal(observations[0].status, "error");
      assert.equal(observations[0].status_message, mine.error.message);
      assert.deepEqual(observations[0].output, { role: "assistant", content: "Hi" });
    });

    test("HTTP errors are recorded and thrown unchanged", async () => {
      const failing = (path, body) =>
        body?.model === "nope"
          ? asJson({ error: { message: "The model `nope` does not exist", type: "invalid_request_error", code: "model_not_found" } }, 400)
          : body?.model === "down" ? asJson({ error: { message: "Internal error" } }, 500) : undefined;
      const { plain, wrapped, tracer, problems } = clients({}, failing);
      for (const [model, kind] of [["nope", OpenAI.BadRequestError], ["down", OpenAI.InternalServerError]]) {
        const params = { model, messages };
        const theirs = await plain.chat.completions.create(params).catch((e) => e);
        const mine = await wrapped.chat.completions.create(params).catch((e) => e);
        assert.ok(mine instanceof kind, `${model}: ${mine}`);
        assert.equal(mine.constructor, theirs.constructor);
        assert.equal(mine.status, theirs.status);
        assert.equal(mine.message, theirs.message);
        const streamed = await wrapped.chat.completions.create({ ...params, stream: true }).catch((e) => e);
        assert.ok(streamed instanceof kind);
      }
      const { observations, summary } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.deepEqual(observations.map((o) => o.status), ["error", "error", "error", "error"]);
      assert.match(observations[0].status_message, /400.*does not exist/);
      assert.match(observations[2].status_message, /500/);
      assert.equal(observations[0].model, "nope", "the request's model stays");
      assert.ok(summary.traces.every((t) => t.status === "error"));
    });

    test("the Responses API is recorded, plain and streamed", async () => {
      const { plain, wrapped, tracer, problems } = clients({ name: "answer" });
      const params = { model: "o4-mini", instructions: "Answer in one word.", input: "Capital of France?", reasoning: { effort: "low" } };
      const got = await wrapped.responses.create(params);
      assert.deepEqual(got, await plain.responses.create(params));
      assert.equal(got.output_text, "Paris.", "the SDK's own helpers still apply");
      const events = await collect(await wrapped.responses.create({ ...params, stream: true }));
      assert.deepEqual(events, await collect(await plain.responses.create({ ...params, stream: true })));

      const { observations, summary } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.deepEqual(summary.traces.map((t) => t.name), ["answer", "answer"]);
      for (const generation of observations) {
        assert.equal(generation.name, "answer");
        assert.equal(generation.type, "generation");
        assert.equal(generation.model, "o4-mini-2025-04-16");
        assert.deepEqual(generation.input, [{ role: "system", content: "Answer in one word." }, { role: "user", content: "Capital of France?" }]);
        assert.deepEqual(generation.output, response.output);
        assert.deepEqual(generation.model_parameters, { reasoning: { effort: "low" } });
        assert.deepEqual(generation.usage, {
          input: 500, output: 120, total: 620,
          details: { input_cached_tokens: 256, output_reasoning_tokens: 80 },
        });
      }
      assert.equal(observations[0].completion_start_time, undefined);
      assert.ok(observations[1].completion_start_time, "streamed: time to first token");
      assert.ok(summary.traces.every((t) => t.cost.total > 0));
    });

    test("structured outputs through parse() are recorded once", async () => {
      const city = { role: "assistant", content: '{"city":"Paris"}', refusal: null };
      const answer = (path, body) => body?.response_format && asJson({ ...completion, choices: [{ ...completion.choices[0], message: city }] });
      const { plain, wrapped, tracer, problems } = clients({}, answer);
      const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
      const params = { model: "gpt-4o-mini", messages, response_format: { type: "json_schema", json_schema: { name: "city", strict: true, schema } } };
      const got = await wrapped.chat.completions.parse(params);
      assert.deepEqual(got.choices[0].message.parsed, { city: "Paris" });
      assert.deepEqual(got, await plain.chat.completions.parse(params));
      const { observations } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.equal(observations.length, 1);
      assert.equal(observations[0].output.content, city.content);
      assert.deepEqual(observations[0].model_parameters, { response_format: params.response_format });
    });

    test("embeddings are recorded as an embedding, without the vectors", async () => {
      const { plain, wrapped, tracer, problems } = clients();
      const params = { model: "text-embedding-3-small", input: ["hello", "world"] };
      const got = await wrapped.embeddings.create(params);
      assert.deepEqual(got, await plain.embeddings.create(params));
      const { observations } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.equal(observations[0].type, "embedding");
      assert.equal(observations[0].name, "OpenAI.embeddings");
      assert.deepEqual(observations[0].input, ["hello", "world"]);
      assert.deepEqual(observations[0].output, { count: 2, dimensions: 4 });
      assert.deepEqual(observations[0].usage, { input: 6, total: 6 });
    });

    test("calls nest under the current observe() observation, or the given parent", async () => {
      const { tracer, problems } = makeTracer();
      const { fetch } = mockFetch();
      const client = new OpenAI({ apiKey: "sk-test", fetch, maxRetries: 0 });
      const openai = observeOpenAI(client, { tracer, metadata: { feature: "greeting" } });
      const agent = tracer.observe(async function agent(name) {
        const reply = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Greet ${name}` }] });
        return reply.choices[0].message.content;
      }, { sessionId: "s1" });
      assert.equal(await agent("Ada"), "Hello Ada!");

      const trace = tracer.trace({ name: "explicit" });
      const span = trace.span({ name: "step" });
      const underSpan = observeOpenAI(client, { tracer, parent: span, name: "in_step" });
      await underSpan.embeddings.create({ model: "text-embedding-3-small", input: "x" });
      span.complete();
      trace.complete();

      const { summary, observations } = recorded(tracer);
      assert.deepEqual(problems, []);
      assert.deepEqual(summary.traces.map((t) => t.name), ["agent", "explicit"]);
      const [observed, explicit] = summary.traces;
      assert.equal(observed.session_id, "s1");
      assert.deepEqual(nodes(observed.tree).map((n) => [n.name, n.type]), [["agent", "span"], ["OpenAI.chat", "generation"]]);
      assert.deepEqual(nodes(explicit.tree).map((n) => [n.name, n.type]), [["step", "span"], ["in_step", "embedding"]]);
      assert.deepEqual(observations.find((o) => o.name === "OpenAI.chat").metadata, { feature: "greeting" });
      assert.equal(observed.status, "completed", "the observed trace ends with observe, not with the call");
    });

    test("everything else passes through untouched", async () => {
      const { fetch } = mockFetch();
      const { tracer, problems } = makeTracer();
      const client = new OpenAI({ apiKey: "sk-test", fetch, maxRetries: 0, baseURL: "https://api.test/v1" });
      const openai = observeOpenAI(client, { tracer });
      assert.ok(openai instanceof OpenAI);
      assert.equal(openai.baseURL, client.baseURL);
      assert.equal(openai.apiKey, "sk-test");
      assert.equal(openai.models, client.models);
      assert.equal(openai.chat.completions.create.name, client.chat.completions.create.name);
      assert.equal(openai.chat, openai.chat, "the same wrapper on each read");
      const models = await openai.models.list();
      assert.equal(models.data[0].id, "gpt-4o");
      const other = openai.withOptions({ timeout: 1234 });
      assert.equal(other.timeout, 1234);
      assert.ok((await other.chat.completions.create({ model: "gpt-4o-mini", messages })).choices);
      openai.custom = 1;
      assert.equal(client.custom, 1, "writes reach the client");
      assert.deepEqual(problems, []);
      assert.equal(recorded(tracer).observations.length, 0, "withOptions gives an unwrapped client");
    });

    test("misuse and odd input never throw into the app", async () => {
      const { fetch } = mockFetch();
      const client = new OpenAI({ apiKey: "sk-test", fetch, maxRetries: 0 });
      const problems = [];
      const tracer = new Tracer({
        onError: (error) => {
          problems.push(error.message);
          throw new Error("a broken onError");
        },
      });
      const notAClient = { hello: 1 };
      assert.equal(observeOpenAI(42, { tracer }), 42);
      assert.equal(observeOpenAI(notAClient, { tracer }).hello, 1);
      const warned = [];
      const warn = console.warn;
      console.warn = (message) => warned.push(message);
      try {
        assert.equal(observeOpenAI(client), client);
        assert.equal(observeOpenAI(client, { tracer: {} }), client);
      } finally {
        console.warn = warn;
      }
      assert.equal(warned.length, 2);

      const openai = observeOpenAI(client, { tracer, parent: { not: "a handle" }, name: 12 });
      const huge = "x".repeat(10 * 1024 * 1024);
      const reply = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: huge }] });
      assert.equal(reply.choices[0].message.content, "Hello Ada!");
      const cyclic = { model: "gpt-4o-mini", messages: [] };
      cyclic.self = cyclic;
      const oddCalls = [
        (c) => c.chat.completions.create(),
        (c) => c.chat.completions.create(null),
        (c) => c.responses.create("just text"),
        (c) => c.chat.completions.create(cyclic),
        (c) => c.chat.completions.create({ model: "m".repeat(500), messages: [] }),
      ];
      for (const odd of oddCalls) {
        const [mine, theirs] = [await settled(() => odd(openai)), await settled(() => odd(client))];
        assert.equal(mine.ok, theirs.ok, String(odd));
        assert.equal(mine.error?.constructor, theirs.error?.constructor, String(odd));
      }
      const { summary, observations } = recorded(tracer);
      assert.ok(problems.some((p) => p.includes("parent must be a Trace")), problems.join("\n"));
      assert.ok(problems.some((p) => p.includes("not an OpenAI client")), problems.join("\n"));
      assert.ok(problems.some((p) => p.includes("no chat.completions.create")), problems.join("\n"));
      const big = observations.find((o) => o.input?.[0]?.content?.length === huge.length);
      assert.ok(big, "the 10 MB prompt is recorded whole");
      assert.equal(big.name, "12");
      assert.equal(summary.traces.length, 6);
      assert.ok(summary.traces.every((t) => t.status !== "running"), "even a refused generation's trace ends");
    });
  });
}

/** Whether a call resolved or rejected (or threw). */
async function settled(call) {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}
