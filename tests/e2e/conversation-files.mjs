// Trace files for the conversation specs (not a spec itself): the real
// SDKs' files of tests/fixtures/interop, their expected records (to find
// ids), and one trace holding a generation per provider shape of
// tests/fixtures/messages (requests and answers the SDKs wrote).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./viewer-page.mjs";

export const interopFile = (name) => join(repo, "tests/fixtures/interop", name);

/** The expected records of an interop file (what the core reads of it). */
export function expected(name) {
  return JSON.parse(readFileSync(join(repo, "tests/fixtures/interop/expected", name.replace(/\.jsonl$/, ".json")), "utf8"));
}

/** The first generation of an interop file whose output calls a tool, and
 * the first whose input holds a tool's result. */
export function generations(name) {
  const records = expected(name).observations.filter((o) => o.type === "generation");
  const text = (v) => JSON.stringify(v ?? null);
  return {
    calling: records.find((o) => /tool_?[cC]all|toolName|tool_calls/.test(text(o.output))),
    answering: records.find((o) => /tool_call_response|tool-result|"role":"tool"|tool_call_id/.test(text(o.input).replaceAll(" ", ""))),
  };
}

const SHAPES = ["openai-chat", "openai-responses", "anthropic-messages", "gemini-contents", "ai-sdk-messages", "langchain-messages"];

/** One trace ("shapes"), a generation per provider and case, as the
 * provider's own request and answer (their instrumentations record that). */
export function providerShapes() {
  const at = (ms) => new Date(Date.parse("2025-03-14T09:00:00Z") + ms).toISOString();
  const observations = [];
  for (const shape of SHAPES) {
    const { cases } = JSON.parse(readFileSync(join(repo, "tests/fixtures/messages", `${shape}.json`), "utf8"));
    for (const [name, data] of Object.entries(cases)) {
      const i = observations.length;
      observations.push({ id: `${shape}:${name}`, trace_id: "shapes", name: `${shape} ${name}`, type: "generation",
        status: "completed", started_at: at(i * 10), ended_at: at(i * 10 + 5), input: data.input, output: data.output });
    }
  }
  return JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id: "shapes", name: "provider shapes", status: "completed", started_at: at(0), ended_at: at(10_000) }], observations });
}
