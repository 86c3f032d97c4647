// The recording calls waiting for the core. A call costs the app little
// more than a push: the queue is applied in the core when the app is idle
// (a zero-delay timer), in batches, and never lets an error reach the app.
// OpenTelemetry spans and the OpenAI client's calls need the full core: on
// a browser's record-only core, a batch with either is held, in order,
// until the tracer moved to the full one (`needsSpans`), and everything
// queued after it waits behind it: calls that go to the core directly
// (`track`, `clear`) too (`inOrder`). If the full core cannot be loaded,
// the held spans are dropped and the rest applied (`dropSpans`): an OpenAI
// call is then recorded without what it sent and answered (the record-only
// core says so). Spans queued later wait for a retry, which the tracer
// makes after a back-off (`retryLater`) or at an explicit call, and at the
// high-water mark are dropped, reported, so memory stays bounded. A load
// that never settles holds what waits until it does, spans and OpenAI
// calls alike.

import { type FullCore, isFull, type LeanCore } from "./cores.mjs";
import { errorText, safeText, unref } from "./values.mjs";
import { type Buffers, Wire } from "./wire.mjs";

/** At this many waiting calls they are applied at once, to bound memory. */
const HIGH_WATER = 65536;
/** Calls per wasm crossing. */
const SLICE = 1024;
/** Wires' buffers kept for reuse (each up to ~64 KB of numbers and some text). */
const SPARE_BUFFERS = 4;

/** A trace start as the core reads it (`TraceStart` in js/src/convert.rs). */
export interface TraceStart {
  id: string;
  at: number;
  name: string;
  session_id: string | undefined;
  user_id: string | undefined;
  input: unknown;
  metadata: unknown;
  tags: string[] | undefined;
  environment: string | undefined;
  release: string | undefined;
}

/** An observation start as the core reads it (`ObservationStart`). */
export interface ObservationStart {
  id: string;
  trace_id: string | undefined;
  parent_id: string | undefined;
  at: number;
  name: string;
  type: string;
  input: unknown;
  metadata: unknown;
  level: string | undefined;
  provider: string | undefined;
  model: string | undefined;
  model_parameters: unknown;
  prompt_name: string | undefined;
  /** Checked by the core (a whole number), so passed as given. */
  prompt_version: unknown;
  template: string | undefined;
  variables: unknown;
  /** A call of the OpenAI client (`observeOpenAI`): the core maps its request. */
  openai?: OpenAiStart;
}

/** An end or an update of a trace or an observation (`ChangeCall`). */
export interface ChangeCall {
  id: string;
  /** About a trace (else an observation). */
  trace: boolean;
  /** Sets fields without ending (else it ends the item). */
  update?: boolean;
  at: number;
  /** Set when the item failed: the error's text. */
  error?: string | undefined;
  output?: unknown;
  /** Checked and converted by the core, so passed as given. */
  usage?: unknown;
  cost?: unknown;
  completion_start_time?: number | undefined;
  // Updates only.
  metadata?: unknown;
  level?: string | undefined;
  status_message?: string | undefined;
  model?: string | undefined;
  model_parameters?: unknown;
  name?: string | undefined;
  session_id?: string | undefined;
  user_id?: string | undefined;
  tags?: string[] | undefined;
  input?: unknown;
  /** How a call of the OpenAI client ended: the core maps its answer and ends it. */
  openai?: OpenAiEnd;
}

/** What `observeOpenAI` sends as a generation starts (`convert/openai.rs`). */
export interface OpenAiStart {
  /** "chat", "responses" or "embeddings". */
  kind: string;
  /** The client's `params`, as given. */
  request: unknown;
}

/** What `observeOpenAI` sends as a call ends: a whole answer, or what a stream yielded. */
export interface OpenAiEnd {
  kind: string;
  response?: unknown;
  chunks?: unknown[];
  /** Each chunk's arrival, ms since the epoch. */
  times?: number[];
  /** The id of the trace started for the call alone: it ends with the call. */
  trace: string | undefined;
}

/** The start of a tracked call as the core reads it (`TrackStart`). */
export interface TrackStart {
  id: string;
  trace_id: string | undefined;
  parent_id: string | undefined;
  at: number;
  name: string | undefined;
  prompt_name: string | undefined;
  prompt_version: unknown;
  template: string | undefined;
  variables: unknown;
  provider: string | undefined;
  model: string | undefined;
  model_parameters: unknown;
}

/** How a tracked call ended (`TrackEnd`): the function's result, read by the core. */
export interface TrackEnd {
  id: string;
  at: number;
  response: unknown;
}

/** One batch of calls, in the order the core applies them. */
export interface Batch {
  traces: TraceStart[];
  observations: ObservationStart[];
  changes: ChangeCall[];
  /** OpenTelemetry spans: OTLP/JSON requests, one a line (`Core.ingestSpans`). */
  spans: string[];
}

/**
 * A batch as the queue keeps it: each call is written into its kind's wire
 * as it is pushed (slices of at most SLICE calls), so no call object lives
 * until the batch is applied (objects that live long cost the app's
 * garbage collector more than writing them at once).
 */
interface Written {
  traces: Wire[];
  observations: Wire[];
  changes: Wire[];
  spans: string[];
  /** Calls that carry an OpenAI call's request or answer (only the full core reads them). */
  openai: number;
}

/** The free-form fields, which may hold values that cannot be JSON. */
const PAYLOADS = ["input", "output", "metadata", "variables", "model_parameters", "usage", "cost", "response", "openai"] as const;

/**
 * JSON of calls, in one `JSON.stringify`; a free-form value that cannot be
 * JSON (a cycle, a BigInt) is replaced by its text and reported.
 */
export function toJson(value: object, calls: readonly object[], report: (error: unknown) => void): string {
  try {
    return JSON.stringify(value);
  } catch {
    for (const call of calls as Record<string, unknown>[]) {
      for (const key of PAYLOADS) {
        if (call[key] === undefined) continue;
        try {
          JSON.stringify(call[key]);
        } catch (error) {
          report(new Error(`${String(call.id)}: ${key} cannot be stored as JSON (${errorText(error)}); its text is kept`));
          call[key] = safeText(call[key]);
        }
      }
    }
    return JSON.stringify(value);
  }
}

const empty = (): Written => ({ traces: [], observations: [], changes: [], spans: [], openai: 0 });

/** A call that goes to the core directly (not as a batch), held in order like one. */
export type Step = (core: LeanCore) => void;

export class Queue {
  readonly #core: () => LeanCore;
  readonly #report: (error: unknown) => void;
  readonly #applied: () => void;
  readonly #needsSpans: () => void;
  readonly #retryLater: () => void;
  #calls: Written = empty();
  /** Buffers of sent wires, for new ones: grown to a slice's size once, not at every slice. */
  #spareBuffers: Buffers[] = [];
  #count = 0;
  #scheduled = false;
  /** Batches (and direct calls) held, in order, until the core can read their spans and OpenAI calls. */
  #held: (Written | Step)[] = [];
  /** Calls held, how many of them are span lines and how many OpenAI calls: kept as counts, not scanned at every apply. */
  #heldCalls = 0;
  #heldSpans = 0;
  #heldOpenAi = 0;
  /** The full core could not be loaded: held spans wait for `retry` rather than starting a load, and OpenAI calls are applied without it. */
  #stalled = false;

  /**
   * `core` gives the tracer's core now; `report` hands an error to onError
   * and never throws; `applied` runs after calls were applied (storage that
   * appends saves what changed); `needsSpans`, when spans or OpenAI calls
   * wait for the full core (the tracer loads it, then applies the queue
   * again); `retryLater`, when they wait, or went without it, after a
   * failed load (the tracer retries it after a back-off, so what waits
   * behind spans is not held for long).
   */
  constructor(
    core: () => LeanCore,
    report: (error: unknown) => void,
    applied: () => void = () => {},
    needsSpans: () => void = () => {},
    retryLater: () => void = () => {},
  ) {
    this.#core = core;
    this.#report = report;
    this.#applied = applied;
    this.#needsSpans = needsSpans;
    this.#retryLater = retryLater;
  }

  /** Spans or OpenAI calls (and what was queued after them) wait for the full core. */
  get holding(): boolean {
    return this.#held.length > 0;
  }

  /** A load of the full core failed, and no retry was asked for since. */
  get stalled(): boolean {
    return this.#stalled;
  }

  /**
   * Holds `step` behind the held batches when there are some (true); else
   * false, and the caller runs it now (the queue was applied).
   */
  inOrder(step: Step): boolean {
    this.apply();
    if (this.#held.length === 0) return false;
    this.#held.push(step);
    this.#heldCalls++;
    return true;
  }

  /**
   * The full core could not be loaded: drops the held spans, applies the
   * rest (held OpenAI calls without what they said), and returns how many
   * spans were dropped. Spans queued later wait for `retry`.
   */
  dropSpans(): number {
    // A span sends a line as it starts and as it ends: spans are counted by their ids.
    const dropped = new Set<string>();
    for (const item of this.#held) {
      if (typeof item === "function") continue;
      for (const line of item.spans) for (const id of spanIds(line)) dropped.add(id);
      this.#heldCalls -= item.spans.length;
      item.spans = [];
    }
    this.#heldSpans = 0;
    this.#stalled = true;
    this.apply();
    return dropped.size;
  }

  /** Held spans (and the next OpenAI call) start a load of the full core again. */
  retry(): void {
    this.#stalled = false;
  }

  /**
   * Queues a call; it is applied when the app is idle, or now at the
   * high-water mark. It is written into its wire at once. No app code runs
   * meanwhile (its texts were made when the app called, its payloads and
   * rest are read at the apply, and a call taken back is reported only
   * once undone), so nothing the app records from onError or a toJSON can
   * land inside it.
   */
  push<K extends keyof Batch>(kind: K, call: Batch[K][number]): void {
    // Spans and our own calls may nest under each other (a span under an
    // `observe` observation, an observation under a span): what waits of
    // the other sort is applied first, so every parent arrives before its
    // children.
    const isSpan = kind === "spans";
    const otherWaits = isSpan
      ? this.#count > this.#calls.spans.length
      : this.#calls.spans.length > 0;
    if (otherWaits) this.apply();
    if (isSpan) this.#calls.spans.push(call as string);
    else this.#write(kind as Exclude<K, "spans">, call as Exclude<Batch[K][number], string>);
    this.queued();
  }

  /**
   * The wire a start or an end is written into from its parts, without a
   * call object (`Wire.start`, `Wire.end`); `queued()` must follow the
   * write, and nothing of the app's may run between (its values are read
   * before). What waits of spans is applied first, as `push` does.
   */
  wireFor(kind: "observations" | "changes"): Wire {
    if (this.#calls.spans.length > 0) this.apply();
    return this.#wire(kind);
  }

  /** Counts a call just queued; applies the queue at the high-water mark, or schedules it. */
  queued(): void {
    this.#count++;
    if (this.#count >= HIGH_WATER) {
      this.apply();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      const timer = setTimeout(() => {
        this.#scheduled = false;
        try {
          this.apply();
        } catch (error) {
          this.#report(error);
        }
      }, 0);
      unref(timer); // never keep a Node process alive for tracing
    }
  }

  /** The last wire of a kind, where its next call is written (a new one every SLICE calls). */
  #wire(kind: "traces" | "observations" | "changes"): Wire {
    const wires = this.#calls[kind];
    let wire = wires[wires.length - 1];
    if (wire === undefined || wire.calls >= SLICE) {
      wire = new Wire(this.#report, this.#spareBuffers.pop());
      wires.push(wire);
    }
    return wire;
  }

  /** Writes a call into its kind's last wire. */
  #write(kind: "traces" | "observations" | "changes", call: TraceStart | ObservationStart | ChangeCall): void {
    const wire = this.#wire(kind);
    const written = wire.calls;
    if (kind === "traces") wire.trace(call as TraceStart);
    else if (kind === "observations") wire.observation(call as ObservationStart);
    else wire.change(call as ChangeCall);
    // Counted once written: a call the wire took back is not there to wait.
    if (wire.calls > written && (call as ObservationStart | ChangeCall).openai !== undefined) this.#calls.openai++;
  }

  /** Applies every queued call in the core; problems go to `report`. */
  apply(): void {
    if (this.#count === 0 && this.#held.length === 0) return;
    const core = this.#core();
    if (this.#count > 0) {
      this.#held.push(this.#calls);
      this.#heldCalls += this.#count;
      this.#heldSpans += this.#calls.spans.length;
      this.#heldOpenAi += this.#calls.openai;
    }
    this.#calls = empty();
    this.#count = 0;
    if (!isFull(core) && this.#heldSpans + this.#heldOpenAi > 0) {
      if (!this.#stalled) {
        this.#needsSpans();
        return;
      }
      // The full core could not be loaded. OpenAI calls alone are applied now (recorded without what
      // they said); the next one tries the load again once the back-off cleared `stalled`.
      const openAiOnly = this.#heldSpans === 0;
      if (openAiOnly) this.#retryLater();
      // Spans wait; past the high-water mark they go, so memory stays bounded.
      else if (this.#heldCalls < HIGH_WATER) {
        this.#retryLater();
        return;
      } else {
        this.#report(new Error(`${this.dropSpans()} OpenTelemetry spans were dropped: the full wasm core could not be loaded`));
        return;
      }
    }
    const held = this.#held;
    this.#held = [];
    this.#heldCalls = 0;
    this.#heldSpans = 0;
    this.#heldOpenAi = 0;
    for (const item of held) {
      if (typeof item !== "function") this.#applyBatch(core, item);
      else {
        try {
          item(core);
        } catch (error) {
          this.#report(error);
        }
      }
    }
    try {
      this.#applied();
    } catch (error) {
      this.#report(error);
    }
  }

  #applyBatch(core: LeanCore, calls: Written): void {
    // Trace starts, then observation starts, then ends and updates, as one batch would;
    // in slices, because a long wasm call runs in the engine's baseline tier
    // and short ones let it switch to optimised code.
    for (const wires of [calls.traces, calls.observations, calls.changes]) {
      for (const wire of wires) {
        // One slice failing (a wasm trap) must not lose the others.
        try {
          const problems: unknown = JSON.parse(core.ingest(wire.text(), wire.payloads(), wire.nums()));
          if (this.#spareBuffers.length < SPARE_BUFFERS) this.#spareBuffers.push(wire.release());
          for (const problem of problems as string[]) this.#report(new Error(problem));
        } catch (error) {
          this.#report(error);
        }
      }
    }
    for (let at = 0; at < calls.spans.length; at += SLICE) {
      try {
        // apply() holds spans until the core is the full one.
        const problems: unknown = JSON.parse((core as FullCore).ingestSpans(calls.spans.slice(at, at + SLICE).join("\n")));
        for (const problem of problems as string[]) this.#report(new Error(problem));
      } catch (error) {
        this.#report(error);
      }
    }
  }
}

/** The ids of the spans in one OTLP/JSON line (not of the spans their links point to). */
function spanIds(line: string): string[] {
  try {
    const request = JSON.parse(line) as { resourceSpans?: { scopeSpans?: { spans?: { spanId?: unknown }[] }[] }[] };
    return (request.resourceSpans ?? []).flatMap((resource) =>
      (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => String(span.spanId))),
    );
  } catch {
    return [line]; // never ours: a line counts as one span
  }
}
