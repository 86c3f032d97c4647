// Generated trace files for the e2e specs (not a spec itself).

/** A trace of `count` observations: `o0` is the root, and every tenth
 * observation starts a chain of nine under it (`o1` → `o2` → … → `o9`,
 * `o11` → … → `o19`, …), so rows read `step 0`, `step 1`, … in order. */
export function bigTrace(count, id = "big") {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const iso = (ms) => new Date(base + ms).toISOString();
  const observations = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? undefined : i % 10 === 0 ? "o0" : `o${i - 1}`;
    observations.push({ id: `o${i}`, trace_id: id, parent_id: parent, name: `step ${i}`, type: i % 4 === 3 ? "generation" : "span",
      status: "completed", started_at: iso(i), ended_at: iso(i + 5), model: i % 4 === 3 ? "gpt-4o-mini" : undefined,
      usage: i % 4 === 3 ? { input: 10, output: 5 } : undefined });
  }
  return JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id, name: `${id} trace`, status: "completed", started_at: iso(0), ended_at: iso(count + 10) }], observations });
}

/** `count` traces without observations, `trace 0` … `trace N`, one second
 * apart (newest last), in no session. */
export function manyTraces(count) {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const iso = (ms) => new Date(base + ms).toISOString();
  const traces = [];
  for (let i = 0; i < count; i++) {
    traces.push({ id: `t${i}`, name: `trace ${i}`, status: "completed", started_at: iso(i * 1000), ended_at: iso(i * 1000 + 500) });
  }
  return JSON.stringify({ format: "prompttrace", version: 1, traces, observations: [] });
}

/** A trace whose bars are the cases a duration label must stay beside:
 * `whole` spans the whole time axis, `first` is narrow at its start,
 * `middle` sits in the middle, `last` is narrow at its right end. */
export function barsTrace(id = "bars") {
  const base = Date.parse("2024-05-01T12:00:00Z");
  const iso = (ms) => new Date(base + ms).toISOString();
  const span = (oid, name, from, to, parent) => ({ id: oid, trace_id: id, parent_id: parent, name, type: "span",
    status: "completed", started_at: iso(from), ended_at: iso(to) });
  return JSON.stringify({ format: "prompttrace", version: 1,
    traces: [{ id, name: `${id} trace`, status: "completed", started_at: iso(0), ended_at: iso(1000) }],
    observations: [span("whole", "whole", 0, 1000), span("first", "first", 0, 20, "whole"),
      span("middle", "middle", 400, 600, "whole"), span("last", "last", 980, 1000, "whole")] });
}
