// LangChain.js, traced by OpenInference's instrumentation into an
// OpenTelemetry SDK that hands every span to prompttrace: one span
// processor. The chat model is LangChain's own fake: no network, no keys.
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { setSession, setUser } from "@arizeai/openinference-core";
import { LangChainInstrumentation } from "@arizeai/openinference-instrumentation-langchain";
import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Tracer } from "prompttrace";
import { save } from "./fake-llm.mjs";

const tracer = new Tracer();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new BasicTracerProvider({ spanProcessors: [tracer.spanProcessor()] });
new LangChainInstrumentation({ tracerProvider: provider }).manuallyInstrument(CallbackManagerModule);

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "You answer in one sentence."],
  ["human", "{question}"],
]);
const model = new FakeListChatModel({ responses: ["Orders ship within two days."] });
const chain = prompt.pipe(model).pipe(new StringOutputParser()).withConfig({ runName: "support_answer" });

const session = setUser(setSession(context.active(), { sessionId: "chat-lc" }), { userId: "user-7" });
const answer = await context.with(session, () => chain.invoke({ question: "When do orders ship?" }));
console.log(answer);
await provider.forceFlush();
await save(tracer, "langchain");
