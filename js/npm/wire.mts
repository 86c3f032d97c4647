// The batch format recording calls cross into the core in (read by
// js/src/convert/wire.rs): numbers in one Float64Array, and every text
// field of every call joined into one string, so a batch is one string's
// crossing and a few numbers a call. The payloads (input, output, metadata)
// and `rest`, one object of the fields few calls carry, are JSON: every one
// of the batch an element of one array, written by one `JSON.stringify`
// when the batch is sent (a call of it per payload cost more than the
// writing, and the app does not wait for it). Per call the numbers are
// [kind, at, mask] (a change puts its flags before the mask), then the
// UTF-16 length of each text field whose bit is set, in the order the core
// reads them; a payload's or rest's bit says "the next element of the
// array", and has no length.

import type { ChangeCall, ObservationStart, TraceStart } from "./queue.mjs";
import { errorText, safeText } from "./values.mjs";

const TRACE = 1;
const OBSERVATION = 2;
const CHANGE = 3;
/** A change's flags. */
const ABOUT_TRACE = 1;
const UPDATE = 2;

/** A batch in the making: `text()`, `payloads()` and `nums()` are what `Core.ingest` takes. */
export class Wire {
  /** The text fields so far, joined only when sent: a rope's pieces would live until then. */
  #texts: string[] = [];
  #nums: Float64Array;
  #count = 0;
  /** Calls written (those taken back are not counted). */
  calls = 0;
  readonly #report: (error: unknown) => void;
  #mask = 0;
  #bit = 0;
  #maskAt = 0;
  #id = "";
  /** The payloads, in the order their calls' bits say; and, for a report, each one's call id and field, in pairs. */
  #payloads: unknown[] = [];
  #owners: string[] = [];
  /** Where the call being written started: one that throws is taken back, alone. */
  #callNums = 0;
  #callText = 0;
  #callPayloads = 0;

  /**
   * `report` takes a payload that cannot be JSON (its text is sent instead);
   * `nums`, a buffer to write the numbers into (one a sent wire gave back).
   */
  constructor(report: (error: unknown) => void, nums: Float64Array = new Float64Array(1024)) {
    this.#nums = nums;
    this.#report = report;
  }

  /** Every text field, as UTF-8 (the encoder's native pass beats wasm-bindgen's own, a JS loop). */
  text(): Uint8Array {
    return encoder.encode(this.#texts.join(""));
  }

  nums(): Float64Array {
    return this.#nums.subarray(0, this.#count);
  }

  /** Once sent (the core copied the numbers), gives back the buffer for the next wire. */
  release(): Float64Array {
    return this.#nums;
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
      const each = this.#payloads.map((value, i) => {
        const [id, field] = [this.#owners[2 * i]!, this.#owners[2 * i + 1]!];
        return (field === REST ? this.#restJson(value as Record<string, unknown>, id) : this.#stringify(value, id, field)) ?? "null";
      });
      json = `[${each.join(",")}]`;
    }
    return encoder.encode(json);
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
    this.#mark();
    try {
      this.#observation(call);
      this.calls++;
    } catch (error) {
      this.#takeBack(call.id, error);
    }
  }

  change(call: ChangeCall): void {
    this.#mark();
    try {
      this.#change(call);
      this.calls++;
    } catch (error) {
      this.#takeBack(call.id, error);
    }
  }

  #mark(): void {
    this.#callNums = this.#count;
    this.#callText = this.#texts.length;
    this.#callPayloads = this.#payloads.length;
  }

  #takeBack(id: string, error: unknown): void {
    this.#count = this.#callNums;
    this.#texts.length = this.#callText;
    this.#payloads.length = this.#callPayloads;
    this.#owners.length = 2 * this.#callPayloads;
    this.#report(new Error(`${id}: this call could not be recorded (${errorText(error)})`));
  }

  #trace(call: TraceStart): void {
    this.#begin(TRACE, call.at, call.id);
    this.#field(call.id);
    this.#field(call.name);
    this.#field(call.session_id);
    this.#field(call.user_id);
    this.#json(call.input, "input");
    this.#json(call.metadata, "metadata");
    const some = call.tags !== undefined || call.environment !== undefined || call.release !== undefined;
    this.#rest(some ? { tags: call.tags, environment: call.environment, release: call.release } : undefined);
  }

  #observation(call: ObservationStart): void {
    this.#begin(OBSERVATION, call.at, call.id);
    this.#field(call.id);
    this.#field(call.trace_id);
    this.#field(call.parent_id);
    this.#field(call.name);
    this.#field(call.type);
    this.#json(call.input, "input");
    this.#json(call.metadata, "metadata");
    this.#field(call.level);
    this.#field(call.provider);
    this.#field(call.model);
    const some =
      call.model_parameters !== undefined ||
      call.prompt_name !== undefined ||
      call.prompt_version !== undefined ||
      call.template !== undefined ||
      call.variables !== undefined ||
      call.openai !== undefined;
    this.#rest(
      some
        ? {
            model_parameters: call.model_parameters,
            prompt_name: call.prompt_name,
            prompt_version: call.prompt_version,
            template: call.template,
            variables: call.variables,
            openai: call.openai,
          }
        : undefined,
    );
  }

  #change(call: ChangeCall): void {
    this.#begin(CHANGE, call.at, call.id, (call.trace ? ABOUT_TRACE : 0) | (call.update ? UPDATE : 0));
    this.#field(call.id);
    this.#field(call.error);
    this.#json(call.output, "output");
    // Everything else a change may carry: an end usually carries none of it.
    const some =
      call.usage !== undefined ||
      call.cost !== undefined ||
      call.completion_start_time !== undefined ||
      call.update === true ||
      call.openai !== undefined;
    this.#rest(some ? restOf(call) : undefined);
  }

  #begin(kind: number, at: number, id: string, flags?: number): void {
    this.#push(kind);
    this.#push(at);
    if (flags !== undefined) this.#push(flags);
    this.#maskAt = this.#count;
    this.#push(0);
    this.#mask = 0;
    this.#bit = 1;
    this.#id = id;
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
      const text = typeof value === "string" ? value : safeText(value);
      this.#texts.push(text);
      this.#push(text.length);
      this.#mask |= this.#bit;
      this.#nums[this.#maskAt] = this.#mask;
    }
    this.#bit <<= 1;
  }

  /** A payload, written as JSON with the batch's others; `null` and `undefined` are no payload. */
  #json(value: unknown, field: string): void {
    if (value !== undefined && value !== null) {
      this.#payloads.push(value);
      this.#owners.push(this.#id, field);
      this.#mask |= this.#bit;
      this.#nums[this.#maskAt] = this.#mask;
    }
    this.#bit <<= 1;
  }

  /** The call's `rest` (fields few calls carry), when some are set: written with the payloads. */
  #rest(rest: Record<string, unknown> | undefined): void {
    this.#json(rest, REST);
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
/** The owner field name of a `rest` among the payloads. */
const REST = "rest";

/** A change's fields beyond id, flags, time, error and output. */
function restOf(call: ChangeCall): Record<string, unknown> {
  const { id: _id, trace: _trace, update: _update, at: _at, error: _error, output: _output, ...rest } = call;
  return rest;
}
