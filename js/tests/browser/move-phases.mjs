// Page phases for a browser tracer's move to the full core, on first use
// of what only that core has (exportOtlp here); core-move.test.mjs drives
// them, one fresh browser profile each:
//   move-changes  a tracer saves trace A to IndexedDB; "another tab" (an
//                 IndexedDB write) stores a newer A; records not saved yet
//                 (trace C, a step added to saved trace D) are pending; the
//                 tracer moves to the full core and flushes: A stays as the
//                 other tab stored it, C and D's step are saved
//   move-in-flush the full core is loaded already (another tracer used
//                 it); a tracer flushes to IndexedDB and, without waiting,
//                 asks for OTLP: it moves while the save is under way, and
//                 the save still completes
//   move-left     with maxTracesInMemory 1, a saved trace leaves memory; the
//                 tracer moves to the full core; a late update and step for
//                 that trace are refused as having left memory
import { Tracer } from "prompttrace";

export const movePhases = { "move-changes": moveChanges, "move-in-flush": moveInFlush, "move-left": moveLeft };

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Trace `id`'s stored record, as JSON Lines objects (read with IndexedDB directly). */
async function stored(id) {
  const db = await request(indexedDB.open("prompttrace"));
  const text = await request(db.transaction("traces").objectStore("traces").get(id));
  db.close();
  return (text ?? "").split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
}

/** Another tab's save of trace `id`: its stored trace line with `output` replaced. */
async function storeNewerOutput(id, output) {
  const lines = (await stored(id)).map((line) => (line.trace ? { trace: { ...line.trace, output } } : line));
  const db = await request(indexedDB.open("prompttrace"));
  const transaction = db.transaction("traces", "readwrite");
  transaction.objectStore("traces").put(lines.map((line) => `${JSON.stringify(line)}\n`).join(""), id);
  await new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
}

/** Trace ids as OTLP carries them (32 hex digits). */
const A = "a".repeat(32);
const C = "c".repeat(32);
const D = "d".repeat(32);
const OLD = "e".repeat(32);
const NEW = "f".repeat(32);

const traceOf = (lines) => lines.find((line) => line.trace)?.trace;
const stepNames = (lines) => lines.filter((line) => line.observation).map((line) => line.observation.name).sort();

async function moveChanges(onError) {
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace({ id: A, name: "a" }).complete({ output: "from this tab" });
  const d = tracer.trace({ id: D, name: "d" });
  d.span("first").complete();
  await tracer.flush();
  await storeNewerOutput(A, "newer, from another tab");
  // Not saved yet when the tracer moves.
  tracer.trace({ id: C, name: "c" }).complete();
  d.span("second").complete();
  const full = await tracer.exportOtlp(); // the first use of the full core: the tracer moves to it
  await tracer.flush();
  const [a, c, dStored] = await Promise.all([stored(A), stored(C), stored(D)]);
  return {
    moved: JSON.parse(full).resourceSpans.length > 0,
    aOutput: traceOf(a)?.output,
    cName: traceOf(c)?.name,
    dSteps: stepNames(dStored),
  };
}

async function moveInFlush(onError) {
  await new Tracer({ onError }).exportOtlp(); // loads the full core's chunk
  const tracer = new Tracer({ storage: "indexedDB", onError });
  tracer.trace({ id: A, name: "a" }).complete({ output: "saved while moving" });
  const flushed = tracer.flush().then(() => "saved", (error) => `rejected: ${error.message}`);
  await tracer.exportOtlp(); // moves now: the full core is here
  return { flushed: await flushed, aOutput: traceOf(await stored(A))?.output };
}

async function moveLeft(onError, problems) {
  const tracer = new Tracer({ storage: "indexedDB", maxTracesInMemory: 1, onError });
  const old = tracer.trace({ id: OLD, name: "old" });
  old.complete({ output: "done" });
  tracer.trace({ id: NEW, name: "new" }).complete({ output: "done" });
  await tracer.flush(); // saved and ended: the older one leaves memory
  const inMemory = JSON.parse(tracer.export()).traces.map((t) => t.name);
  await tracer.exportOtlp(); // the tracer moves to the full core
  const before = problems.length;
  old.update({ metadata: { feedback: "late" } });
  old.span("late step").complete();
  await tracer.flush();
  return { inMemory, late: problems.slice(before), stored: stepNames(await stored(OLD)) };
}
