// An agent that plans, calls tools in parallel and nests a sub-chain.
import { Tracer } from "prompttrace";
import { fakeLlm, save } from "./fake-llm.mjs";

const tracer = new Tracer();
const trace = tracer.trace({ name: "trip_planner", userId: "user_9", input: "Plan 2 days in Lisbon" });
const agent = trace.span({ name: "planner_agent", type: "agent" });

const plan = await tracer.track({ name: "plan", promptName: "plan", template: "Plan: {{goal}}", variables: { goal: "2 days in Lisbon" }, provider: "google", model: "gemini-2.5-flash", trace, span: agent },
  (prompt) => fakeLlm(prompt, '["weather", "sights"]'));
agent.event({ name: "plan_ready", input: JSON.parse(plan.responseText) });

const tools = ["get_weather", "search_sights"].map(async (name) => {
  const tool = agent.span({ name, type: "tool", input: { city: "Lisbon" } });
  await new Promise((resolve) => setTimeout(resolve, 15));
  tool.complete({ output: name === "get_weather" ? { forecast: "sunny" } : ["Belém", "Alfama"] });
});
await Promise.all(tools);

const chain = agent.span({ name: "build_itinerary", type: "chain" });
const draft = await tracer.track({ name: "draft", promptName: "draft", template: "Itinerary for {{city}}", variables: { city: "Lisbon" }, provider: "google", model: "gemini-2.5-flash", trace, span: chain },
  (prompt) => fakeLlm(prompt, "Day 1: Belém. Day 2: Alfama."));
chain.complete({ output: draft.responseText });
agent.complete({ output: "done" });
trace.complete({ output: draft.responseText });
await save(tracer, "nested-multi-step");
