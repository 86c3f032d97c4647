// The app the `prompttrace view` tests watch: it records into
// `storage: { file }` as told on standard input, one command a line, and
// says on standard output when each step is in the file:
//   start NAME   a trace NAME with an LLM call, both running  → "started NAME"
//   end NAME     the call and the trace end                   → "ended NAME"
//   quit
import { createInterface } from "node:readline";
import { Tracer } from "prompttrace";

const [file] = process.argv.slice(2);
const tracer = new Tracer({ storage: { file }, onError: (error) => console.error(error.message) });
const open = new Map();

for await (const line of createInterface({ input: process.stdin })) {
  const [command, name] = line.trim().split(" ");
  if (command === "start") {
    const trace = tracer.trace({ name, sessionId: "live-session", input: `question ${name}` });
    const llm = trace.generation({ name: "answer", model: "gpt-4o-mini", input: [{ role: "user", content: `question ${name}` }] });
    open.set(name, { trace, llm });
  } else if (command === "end") {
    const { trace, llm } = open.get(name);
    llm.complete({ output: `answer ${name}`, usage: { input: 12, output: 3 } });
    trace.complete({ output: `answer ${name}` });
  } else if (command === "quit") {
    break;
  }
  // The file storage appends once the queue is applied.
  await tracer.flush();
  if (command !== "quit") process.stdout.write(`${command === "start" ? "started" : "ended"} ${name}\n`);
}
