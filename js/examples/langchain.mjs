// LangChain.js, traced by OpenInference's instrumentation into an
// OpenTelemetry SDK that hands every span to prompttrace: one span
// processor. The chat model is LangChain's own fake: no network, no keys.
// Spans nest by LangChain's run ids and the session comes from the run's
// metadata, so no context manager is needed: Node and browsers alike.
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { LangChainInstrumentation } from "@arizeai/openinference-instrumentation-langchain";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Tracer } from "prompttrace";
import { save } from "./fake-llm.mjs";

const tracer = new Tracer();
const provider = new BasicTracerProvider({ spanProcessors: [tracer.spanProcessor()] });
// Instrumented by hand (ES modules cannot be hooked), so the automatic
// require hooks stay off; in browsers they do not exist.
new LangChainInstrumentation({ tracerProvider: provider, instrumentationConfig: { enabled: false } }).manuallyInstrument(CallbackManagerModule);

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "You answer in one sentence."],
  ["human", "{question}"],
]);
const model = new FakeListChatModel({ responses: ["Orders ship within two days."] });
const chain = prompt.pipe(model).pipe(new StringOutputParser()).withConfig({ runName: "support_answer" });

const answer = await chain.invoke({ question: "When do orders ship?" }, { metadata: { session_id: "chat-lc" } });
console.log(answer);
await provider.forceFlush();
await save(tracer, "langchain");
