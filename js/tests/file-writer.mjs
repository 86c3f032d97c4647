// A child process of the file storage tests: an app recording into
// `storage: { file }`, as a separate process would.
//   node file-writer.mjs FILE NAME COUNT   records COUNT traces (NAME-0, …), each
//                                          with a span and an LLM call, then exits
//   node file-writer.mjs FILE NAME loop    records until it is killed; prints
//                                          "recording" once the first trace is stored
// PAYLOAD (env) sets each input's size in bytes (default 100).
import { Tracer } from "prompttrace";

const [file, name, count] = process.argv.slice(2);
const payload = "é".repeat(Number(process.env.PAYLOAD ?? 100) / 2);
const tracer = new Tracer({ storage: { file }, onError: (error) => console.error(error.message) });

async function record(i) {
  const trace = tracer.trace({ name: `${name}-${i}`, sessionId: name, input: payload });
  trace.span({ name: "retrieve", input: payload }).complete({ output: ["doc"] });
  const llm = trace.generation({ name: "answer", model: "gpt-4o-mini", input: payload });
  // Let the queue apply: the starts are appended before the ends.
  await new Promise((resolve) => setImmediate(resolve));
  llm.complete({ output: "hi", usage: { input: 10, output: 2 } });
  trace.complete({ output: "hi" });
  await tracer.flush();
}

if (count === "loop") {
  for (let i = 0; ; i++) {
    await record(i);
    if (i === 0) process.stdout.write("recording\n");
  }
} else {
  for (let i = 0; i < Number(count); i++) await record(i);
}
