// The batch format recording calls cross into the core in (read by
// js/src/convert/wire.rs): numbers in one Float64Array, and every text
// field of every call written as UTF-8 into one byte buffer as the call
// is made, so a batch is one buffer's crossing and a few numbers a call
// (and the app's strings are not kept alive until the batch is sent).
// The payloads (input, output, metadata) and `rest`, one object of the
// fields few calls carry, are JSON: every one
// of the batch an element of one array, written by one `JSON.stringify`
// when the batch is sent (a call of it per payload cost more than the
// writing, and the app does not wait for it). Per call the numbers are
// [kind, at, mask] (a change puts its flags before the mask), then the
// UTF-8 length of each text field whose bit is set, in the order the core
// reads them; a payload's or rest's bit says "the next element of the
// array", and has no length. An observation start in the same trace as the
// wire's start before it sets SAME_TRACE instead of its trace id's bit: the
// id is written once a wire, not once a call.

import type { ChangeCall, ObservationStart, TraceStart } from "./queue.mjs";
import { errorText, safeText } from "./values.mjs";

const TRACE = 1;
const OBSERVATION = 2;
const CHANGE = 3;
/** A change's flags. */
const ABOUT_TRACE = 1;
const UPDATE = 2;
/** An observation start's mask bit: its trace id is the previous start's (`SAME_TRACE` in wire.rs). */
const SAME_TRACE = 1 << 11;

/** A batch in the making: `text()`, `payloads()` and `nums()` are what `Core.ingest` takes. */
export class Wire {
  /** The text fields so far, UTF-8, up to `#textAt`. */
  #text: Uint8Array;
  #textAt = 0;
  #nums: Float64Array;
  #count = 0;
  /** Calls written (those taken back are not counted). */
  calls = 0;
  readonly #report: (error: unknown) => void;
  #mask = 0;
  #bit = 0;
  #maskAt = 0;
  /** The trace id of the last observation start written, if any. */
  #traceId: string | undefined = undefined;
  #callTraceId: string | undefined = undefined;
  /** The payloads, in the order their calls' bits say. */
  #payloads: unknown[] = [];
  /** Where the call being written started: one that throws is taken back, alone. */
  #callNums = 0;
  #callText = 0;
  #callPayloads = 0;

  /**
   * `report` takes a payload that cannot be JSON (its text is sent instead);
   * `buffers`, the buffers to write into (those a sent wire gave back).
   */
  constructor(report: (error: unknown) => void, buffers?: Buffers) {
    this.#nums = buffers?.nums ?? new Float64Array(1024);
    this.#text = buffers?.text ?? new Uint8Array(16384);
    this.#report = report;
  }

  /** Every text field, as UTF-8. */
  text(): Uint8Array {
    return this.#text.subarray(0, this.#textAt);
  }

  nums(): Float64Array {
    return this.#nums.subarray(0, this.#count);
  }

  /**
   * Once sent (the core copied them), gives back the buffers for the next
   * wire; not a text buffer a huge field grew past `TEXT_KEPT`, which
   * would stay that large for as long as the tracer lives.
   */
  release(): Buffers {
    return { nums: this.#nums, text: this.#text.length <= TEXT_KEPT ? this.#text : undefined };
  }

  /**
   * Every payload and `rest`, as one JSON array in UTF-8. A payload that
   * cannot be JSON (a cycle, a BigInt) is sent as its text, and so is each
   * field of a `rest` that cannot, and reported; a value JSON has nothing
   * for (a function) is `null`, which the core reads as none.
   */
  payloads(): Uint8Array {
    let json: string;
    try {
      json = JSON.stringify(this.#payloads);
    } catch {
      const owners = this.#owners();
      const each = this.#payloads.map((value, i) => {
        const [id, field] = owners[i]!;
        return (field === REST ? this.#restJson(value as Record<string, unknown>, id) : this.#stringify(value, id, field)) ?? "null";
      });
      json = `[${each.join(",")}]`;
    }
    return utf8(json);
  }

  // Each call is written inside a try: one that throws (a value no text can
  // be taken of) is taken back and reported, and only it is left out.
  trace(call: TraceStart): void {
    this.#mark();
    try {
      this.#trace(call);
      this.calls++;
    } catch (error) {
      this.#takeBack(call.id, error);
    }
  }

  observation(call: ObservationStart): void {
    const { id, trace_id, parent_id, at, name, type, input, metadata, level, provider, model } = call;
    this.start(id, trace_id, parent_id, at, name, type, input, metadata, level, provider, model, startRest(call));
  }

  /**
   * An observation's start from its parts (`rest`: the object of the
   * fields few starts carry, if any): what `observation` writes of an
   * `ObservationStart`, without the object (a start is the hot path, and
   * the object showed in the recording profile).
   */
  start(
    id: string,
    traceId: string | undefined,
    parentId: string | undefined,
    at: number,
    name: string,
    kind: string,
    input: unknown,
    metadata: unknown,
    level: string | undefined,
    provider: string | undefined,
    model: string | undefined,
    rest: Record<string, unknown> | undefined,
  ): void {
    this.#mark();
    try {
      this.#begin(OBSERVATION, at);
      this.#field(id);
      // Only a string: `#field` writes nothing for null as for undefined.
      if (typeof traceId === "string" && traceId === this.#traceId) {
        this.#mask |= SAME_TRACE;
        this.#nums[this.#maskAt] = this.#mask;
        this.#bit <<= 1;
      } else {
        this.#field(traceId);
        this.#traceId = typeof traceId === "string" ? traceId : undefined;
      }
      this.#field(parentId);
      this.#field(name);
      this.#field(kind);
      this.#json(input);
      this.#json(metadata);
      this.#field(level);
      this.#field(provider);
      this.#field(model);
      this.#rest(rest);
      this.calls++;
    } catch (error) {
      this.#takeBack(id, error);
    }
  }

  change(call: ChangeCall): void {
    this.#mark();
    try {
      const flags = (call.trace ? ABOUT_TRACE : 0) | (call.update ? UPDATE : 0);
      // Everything else a change may carry: an end usually carries none of it.
      const some =
        call.usage !== undefined ||
        call.cost !== undefined ||
        call.completion_start_time !== undefined ||
        call.update === true ||
        call.openai !== undefined;
      this.#change(call.id, flags, call.at, call.error, call.output, some ? restOf(call) : undefined);
      this.calls++;
    } catch (error) {
      this.#takeBack(call.id, error);
    }
  }

  /**
   * An end, from its parts: what `change` writes of an end's
   * `ChangeCall`, without the object (an end is the hot path, and the
   * object showed in the recording profile).
   */
  end(
    id: string,
    trace: boolean,
    at: number,
    error: string | undefined,
    output: unknown,
    usage: unknown,
    cost: unknown,
    completion_start_time: number | undefined,
  ): void {
    this.#mark();
    try {
      const some = usage !== undefined || cost !== undefined || completion_start_time !== undefined;
      this.#change(id, trace ? ABOUT_TRACE : 0, at, error, output, some ? { usage, cost, completion_start_time } : undefined);
      this.calls++;
    } catch (error) {
      this.#takeBack(id, error);
    }
  }

  #mark(): void {
    this.#callNums = this.#count;
    this.#callText = this.#textAt;
    this.#callPayloads = this.#payloads.length;
    this.#callTraceId = this.#traceId;
  }

  #takeBack(id: string, error: unknown): void {
    this.#count = this.#callNums;
    this.#textAt = this.#callText;
    this.#payloads.length = this.#callPayloads;
    this.#traceId = this.#callTraceId; // the core never sees the call taken back
    this.#report(new Error(`${id}: this call could not be recorded (${errorText(error)})`));
  }

  #trace(call: TraceStart): void {
    this.#begin(TRACE, call.at);
    this.#field(call.id);
    this.#field(call.name);
    this.#field(call.session_id);
    this.#field(call.user_id);
    this.#json(call.input);
    this.#json(call.metadata);
    const some = call.tags !== undefined || call.environment !== undefined || call.release !== undefined;
    this.#rest(some ? { tags: call.tags, environment: call.environment, release: call.release } : undefined);
  }

  #change(id: string, flags: number, at: number, error: string | undefined, output: unknown, rest: Record<string, unknown> | undefined): void {
    this.#begin(CHANGE, at, flags);
    this.#field(id);
    this.#field(error);
    this.#json(output);
    this.#rest(rest);
  }

  /**
   * Each payload's call id and field, read back from the numbers and the
   * text: only a report needs them, and keeping them as each payload was
   * written showed in the recording profile.
   */
  #owners(): [string, string][] {
    const owners: [string, string][] = [];
    const nums = this.#nums;
    let at = 0;
    let textAt = 0;
    while (at < this.#count) {
      const kind = nums[at]!;
      at += kind === CHANGE ? 3 : 2; // kind, time (and a change's flags)
      const mask = nums[at++]!;
      const payloads = PAYLOAD_BITS[kind]!;
      let texts = mask & ~SAME_TRACE;
      for (const [bit] of payloads) texts &= ~bit;
      // The id is the first text field (every call has one).
      const id = mask & 1 ? decoder.decode(this.#text.subarray(textAt, textAt + nums[at]!)) : "";
      for (; texts !== 0; texts &= texts - 1) textAt += nums[at++]!;
      for (const [bit, field] of payloads) if (mask & bit) owners.push([id, field]);
    }
    return owners;
  }

  #begin(kind: number, at: number, flags?: number): void {
    this.#push(kind);
    this.#push(at);
    if (flags !== undefined) this.#push(flags);
    this.#maskAt = this.#count;
    this.#push(0);
    this.#mask = 0;
    this.#bit = 1;
  }

  #push(num: number): void {
    if (this.#count === this.#nums.length) {
      const grown = new Float64Array(this.#nums.length * 2);
      grown.set(this.#nums);
      this.#nums = grown;
    }
    this.#nums[this.#count++] = num;
  }

  /** The next field: text, or nothing (its bit stays clear). A wrapper's non-text value is sent as its text. */
  #field(value: unknown): void {
    if (value !== undefined && value !== null) {
      this.#push(this.#utf8(typeof value === "string" ? value : safeText(value)));
      this.#mask |= this.#bit;
      this.#nums[this.#maskAt] = this.#mask;
    }
    this.#bit <<= 1;
  }

  /**
   * Writes `text` as UTF-8 and returns its length in bytes. Most fields
   * (ids, names, kinds) are ASCII: a loop writes them faster than a call
   * of the encoder a field; the first other character hands the whole
   * field to it (a lone surrogate becomes U+FFFD, as a TextEncoder's).
   */
  #utf8(text: string): number {
    const start = this.#textAt;
    // At most 3 bytes a UTF-16 unit.
    if (start + 3 * text.length > this.#text.length) {
      const grown = new Uint8Array(Math.max(2 * this.#text.length, start + 3 * text.length));
      grown.set(this.#text.subarray(0, start));
      this.#text = grown;
    }
    const bytes = this.#text;
    let at = start;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) {
        at = start + encoder.encodeInto(text, bytes.subarray(start)).written;
        break;
      }
      bytes[at++] = unit;
    }
    this.#textAt = at;
    return at - start;
  }

  /**
   * A payload, written as JSON with the batch's others; `null` and
   * `undefined` are no payload. Its call and field are not kept: a report
   * reads them back from the numbers (`#owners`).
   */
  #json(value: unknown): void {
    if (value !== undefined && value !== null) {
      this.#payloads.push(value);
      this.#mask |= this.#bit;
      this.#nums[this.#maskAt] = this.#mask;
    }
    this.#bit <<= 1;
  }

  /** The call's `rest` (fields few calls carry), when some are set: written with the payloads. */
  #rest(rest: Record<string, unknown> | undefined): void {
    this.#json(rest);
  }

  /** A `rest` as JSON, each field that cannot be JSON kept as its text. */
  #restJson(rest: Record<string, unknown>, id: string): string {
    try {
      return JSON.stringify(rest);
    } catch {
      const kept: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(rest)) kept[key] = JSON.parse(this.#stringify(value, id, key) ?? "null");
      return JSON.stringify(kept);
    }
  }

  /** JSON of a value; one that cannot be JSON (a cycle, a BigInt) is sent as its text, and reported. */
  #stringify(value: unknown, id: string, field: string): string | undefined {
    try {
      return JSON.stringify(value);
    } catch (error) {
      // errorText: what a toJSON or getter throws may be anything (`throw undefined`).
      this.#report(new Error(`${id}: ${field} cannot be stored as JSON (${errorText(error)}); its text is kept`));
      return JSON.stringify(safeText(value));
    }
  }
}

const encoder = new TextEncoder();

/**
 * The payloads' JSON of the batch being sent, as UTF-8: written into one
 * buffer kept for the next batch (the core copies it at once), not into
 * a new one a batch; one past `SCRATCH_KEPT` bytes is not kept.
 */
let scratch = new Uint8Array(65536);
const SCRATCH_KEPT = 1 << 20;

function utf8(json: string): Uint8Array {
  // At most 3 bytes a UTF-16 unit.
  if (3 * json.length > scratch.length) {
    const needed = 3 * json.length;
    if (needed > SCRATCH_KEPT) return encoder.encode(json);
    scratch = new Uint8Array(Math.max(needed, 2 * scratch.length));
  }
  return scratch.subarray(0, encoder.encodeInto(json, scratch).written);
}

/** A wire's buffers, given back once it was sent, for the next one. */
export interface Buffers {
  nums: Float64Array;
  text: Uint8Array | undefined;
}

/** The largest text buffer kept for the next wire (a slice of usual calls takes ~100 KB). */
const TEXT_KEPT = 1 << 20;
/** The owner field name of a `rest` among the payloads. */
const REST = "rest";

/**
 * Each kind's payload fields (and `rest`) by mask bit, in the order they
 * are written (`#trace`, `start`, `#change`; the core's `wire.rs` reads
 * the same bits).
 */
const PAYLOAD_BITS: Record<number, [number, string][]> = {
  [TRACE]: [[1 << 4, "input"], [1 << 5, "metadata"], [1 << 6, REST]],
  [OBSERVATION]: [[1 << 5, "input"], [1 << 6, "metadata"], [1 << 10, REST]],
  [CHANGE]: [[1 << 2, "output"], [1 << 3, REST]],
};

const decoder = new TextDecoder();

/** A start's fields few starts carry, as one object; undefined when it has none. */
function startRest(call: ObservationStart): Record<string, unknown> | undefined {
  const some =
    call.model_parameters !== undefined ||
    call.prompt_name !== undefined ||
    call.prompt_version !== undefined ||
    call.template !== undefined ||
    call.variables !== undefined ||
    call.openai !== undefined;
  if (!some) return undefined;
  const { model_parameters, prompt_name, prompt_version, template, variables, openai } = call;
  return { model_parameters, prompt_name, prompt_version, template, variables, openai };
}

/** A change's fields beyond id, flags, time, error and output. */
function restOf(call: ChangeCall): Record<string, unknown> {
  const { id: _id, trace: _trace, update: _update, at: _at, error: _error, output: _output, ...rest } = call;
  return rest;
}
