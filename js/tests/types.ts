// Type-checked by `tsc --noEmit --strict` in the package tests: the
// declarations cover the public API as the README uses it.
import { Tracer, type Summary, type Tracked, type Observation } from "prompttrace";

const tracer = new Tracer({ storage: "memory", prices: { "my-model": { input: 1, output: 2 } }, onError: (e: Error) => void e.message });
const trace = tracer.trace({ name: "rag", sessionId: "s", userId: "u", input: { q: 1 }, metadata: {}, tags: ["a"] });
const span: Observation = trace.span({ name: "retrieve", type: "retriever", input: "q" });
const child = span.span("nested");
child.event({ name: "note" });
const gen = span.generation({ name: "g", provider: "openai", model: "gpt-4o", promptName: "p", promptVersion: 1, variables: { a: 1 }, modelParameters: { temperature: 0 } });
gen.complete({ output: "x", usage: { input: 1, output: 2, total: 3 }, cost: { input: 0.1, output: 0.2, total: 0.3 } });
span.fail(new Error("x"));
trace.complete({ output: "done" });

async function flows(): Promise<void> {
  const asyncResult: Tracked = await tracer.track({ promptName: "p", template: "Hi {{n}}", variables: { n: 1 }, trace, span }, async (prompt: string) => ({ text: prompt }));
  const syncResult: Tracked = tracer.track({ promptName: "p" }, (prompt: string) => prompt);
  const answer = tracer.observe(async (q: string): Promise<number> => q.length, { name: "answer", type: "chain" });
  const n: number = await answer("q");
  const summary: Summary = tracer.summary();
  const cost: number | null = summary.traces[0].cost.total;
  const file: string = tracer.export() + tracer.exportLines();
  await tracer.flush();
  const loaded: Tracer = await Tracer.load({ storage: "indexedDB" });
  const fromFile: Tracer = await Tracer.fromFile("trace.json", { onError: () => {} });
  const otlp: string = fromFile.exportOtlp();
  const exporter = tracer.exportTo("http://127.0.0.1:6006/v1/traces", { protocol: "http/protobuf", headers: { "x-project-name": "p" }, maxAttempts: 3, include: "new" });
  const sent: number = (await exporter.flush()).batches + (await exporter.shutdown()).failed;
  void [otlp, sent, fromFile.import(otlp)?.orphans];
  void [asyncResult, syncResult, n, cost, file, loaded, tracer.import(file)?.traces];
}
void flows;
