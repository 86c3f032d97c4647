// The JS face of prompttrace: handles, queuing, `track`, `observe` and
// storage. Every rule (status, durations, nesting, rollups, prices, the file
// format) runs in the wasm core; this file only records calls, in batches,
// and never lets an error reach the host app.

import { Core, renderTemplate } from "./wasm/prompttrace_js.js";
import { storageFor } from "./storage.mjs";
import { OtlpExporter } from "./exporter.mjs";

/**
 * Queued calls are applied in the core when the app is idle (a zero-delay
 * timer), so recording costs the app little more than a push; at this many
 * waiting calls they are applied at once, to bound memory.
 */
const HIGH_WATER = 65536;
/** Calls per wasm crossing. */
const SLICE = 1024;

const now = () => performance.timeOrigin + performance.now();

// Random ids, OpenTelemetry-sized (16-byte traces, 8-byte observations), from
// a buffer refilled by crypto.getRandomValues: cheap per id, unique across runs.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const random = new Uint8Array(4096);
let randomAt = random.length;
function randomHex(bytes) {
  if (randomAt + bytes > random.length) {
    crypto.getRandomValues(random);
    randomAt = 0;
  }
  let out = "";
  for (let i = 0; i < bytes; i++) out += HEX[random[randomAt++]];
  return out;
}

// How `observe` finds the current observation: AsyncLocalStorage in Node
// (set by node.mjs), the call stack elsewhere.
const stack = [];
let context = {
  current: () => stack[stack.length - 1],
  run(value, fn) {
    stack.push(value);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  },
};

/** @internal Called by the Node entry to use AsyncLocalStorage. */
export function useContext(next) {
  context = next;
}

// How `fromFile` reads a path: set by the Node entry; browsers pass a File.
let readPath = async (path) => {
  throw new Error(`cannot read "${path}" here: pass a File or Blob`);
};

/** @internal Called by the Node entry to read files by path. */
export function useFileReader(read) {
  readPath = read;
}

async function readFile(file) {
  if (file && typeof file === "object" && typeof file.arrayBuffer === "function") {
    return [new Uint8Array(await file.arrayBuffer()), typeof file.name === "string" && file.name ? file.name : "file"];
  }
  const path = file instanceof URL ? file : String(file);
  return [await readPath(path), String(path instanceof URL ? path.pathname : path)];
}

// Names and ids are text; a string cut inside an emoji is made well-formed.
const text = (value) => (value === undefined || value === null ? undefined : wellFormed(String(value)));
const wellFormed = (value) => (typeof value.toWellFormed === "function" ? value.toWellFormed() : value);
const isThenable = (value) => value !== null && typeof value === "object" && typeof value.then === "function";

function errorText(error) {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : safeString(error);
}

/** Text of any value, even one whose toString throws. */
function safeText(value) {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function safeString(value) {
  try {
    return JSON.stringify(value) ?? safeText(value);
  } catch {
    return safeText(value);
  }
}

/** Records traces; see index.d.ts for the API. */
export class Tracer {
  #core;
  #queue = { traces: [], observations: [], ends: [] };
  #queued = 0;
  #scheduled = false;
  /** The stored copy could not be read: never save over it unless cleared. */
  #storageBlocked = false;
  #onError;
  #storage;

  constructor(options = {}) {
    const opts = options && typeof options === "object" ? options : {};
    this.#onError = typeof opts.onError === "function" ? opts.onError : defaultOnError;
    this.#core = new Core();
    if (opts.prices !== undefined) this.setPrices(opts.prices);
    this.#storage = storageFor(opts.storage ?? "memory", opts.storageKey, (e) => this._report(e));
  }

  /** Restores what a page stored earlier (resolves to a new Tracer). */
  static async load(options = {}) {
    const tracer = new Tracer(options);
    try {
      const stored = await tracer.#storage.read();
      if (stored && tracer.import(stored, tracer.#storage.name) === undefined) tracer.#storageBlocked = true;
    } catch (error) {
      tracer._report(error);
    }
    return tracer;
  }

  /**
   * A tracer holding one trace file: ours, OTLP/JSON or Langfuse's. `file`
   * is a `File`/`Blob` (browser) or a path (Node). A refused file goes to
   * onError and leaves the tracer empty.
   */
  static async fromFile(file, options = {}) {
    const tracer = new Tracer(options);
    try {
      const [text, name] = await readFile(file);
      tracer.import(text, name);
    } catch (error) {
      tracer._report(error);
    }
    return tracer;
  }

  /** Starts a trace. `options` may be just its name. */
  trace(options = {}) {
    const opts = typeof options === "string" ? { name: options } : options && typeof options === "object" ? options : {};
    const id = text(opts.id) ?? randomHex(16);
    try {
      this.#queue.traces.push({
        id,
        at: now(),
        name: text(opts.name) ?? "trace",
        session_id: text(opts.sessionId),
        user_id: text(opts.userId),
        input: opts.input,
        metadata: opts.metadata,
        tags: Array.isArray(opts.tags) ? opts.tags.map(String) : undefined,
        environment: text(opts.environment),
        release: text(opts.release),
      });
      this.#queued++;
      this.#maybeIngest();
    } catch (error) {
      this._report(error);
    }
    return new Trace(this, id, text(opts.sessionId));
  }

  /** An LLM call outside any trace (it still counts in rollups). */
  generation(options = {}) {
    return this._start(null, null, "generation", options);
  }

  /**
   * Renders `template` with `variables`, calls `fn(prompt)`, and records the
   * call as a generation. `fn` may be sync or async and return a string or
   * `{ text, usage, cost }`. Its error is recorded and thrown again.
   */
  track(options, fn) {
    const opts = options && typeof options === "object" ? options : {};
    let prompt = "";
    let generation;
    try {
      prompt = opts.template == null ? "" : renderTemplate(String(opts.template), safeString(opts.variables ?? {}));
      const parent = opts.span ?? opts.trace ?? context.current() ?? null;
      generation = this._start(parent?._traceId ?? null, parent instanceof Observation ? parent.id : null, "generation", {
        name: opts.name ?? opts.promptName ?? "llm_call",
        provider: opts.provider,
        model: opts.model,
        promptName: opts.promptName,
        promptVersion: opts.promptVersion,
        template: opts.template,
        variables: opts.variables,
        modelParameters: opts.modelParameters,
        input: prompt,
      });
    } catch (error) {
      this._report(error);
      generation = new Observation(this, "", null);
    }
    const done = (result) => {
      const response = typeof result === "string" || result == null ? { text: result ?? "" } : result;
      generation.complete({ output: response.text, usage: response.usage, cost: response.cost });
      return { responseText: response.text, generation };
    };
    const failed = (error) => {
      generation.fail(error);
      throw error;
    };
    let result;
    try {
      result = fn(prompt);
    } catch (error) {
      failed(error);
    }
    return isThenable(result) ? Promise.resolve(result).then(done, failed) : done(result);
  }

  /**
   * Wraps `fn` so every call is recorded as an observation nested under the
   * current one (in Node through AsyncLocalStorage, also across awaits; in
   * browsers only for synchronous code, so pass `parent` for async work).
   * A call with no current observation starts a trace of its own.
   */
  observe(fn, options = {}) {
    const tracer = this;
    const opts = options && typeof options === "object" ? options : {};
    const name = text(opts.name) ?? (fn.name || "observed");
    return function observed(...args) {
      const input = args.length === 1 ? args[0] : args;
      let observation;
      let root = null;
      try {
        const parent = opts.parent ?? context.current();
        if (!parent) root = tracer.trace({ name, input, sessionId: opts.sessionId, userId: opts.userId });
        observation = tracer._start(
          parent?._traceId ?? root.id,
          parent instanceof Observation ? parent.id : null,
          opts.type ?? "span",
          { name, input, metadata: opts.metadata },
        );
      } catch (error) {
        tracer._report(error);
        return fn.apply(this, args);
      }
      const done = (value) => {
        observation.complete({ output: value });
        root?.complete({ output: value });
        return value;
      };
      const failed = (error) => {
        observation.fail(error);
        root?.fail(error);
        throw error;
      };
      let result;
      try {
        result = context.run(observation, () => fn.apply(this, args));
      } catch (error) {
        failed(error);
      }
      return isThenable(result) ? Promise.resolve(result).then(done, failed) : done(result);
    };
  }

  /** The current observation inside `observe` (or undefined). */
  currentObservation() {
    return context.current();
  }

  /** The core's summary: the shape `prompttrace summary --json` prints. */
  summary() {
    return this.#read(() => JSON.parse(this.#core.summaryJson()), { traces: [], sessions: [], generations_without_trace: 0 });
  }

  /** The native trace file (JSON). */
  export() {
    return this.#read(() => this.#core.exportJson(), "");
  }

  /** The native trace file as JSON Lines. */
  exportLines() {
    return this.#read(() => this.#core.exportLines(), "");
  }

  /** Everything as OTLP/JSON (an OpenTelemetry `ExportTraceServiceRequest`). */
  exportOtlp() {
    return this.#read(() => this.#core.exportOtlp(), "");
  }

  /**
   * Sends ended traces to an OTLP/HTTP endpoint (`…/v1/traces`) in batches,
   * retried with back-off; returns the exporter (`flush()`, `shutdown()`).
   */
  exportTo(url, options = {}) {
    const take = (protobuf, max, force) => this.#read(() => this.#core.takeOtlpBatch(protobuf, max, force), undefined);
    const report = (error) => this._report(error);
    try {
      // "new": what has already ended (a reloaded history) is not sent.
      if (options?.include === "new") this.#read(() => this.#core.markOtlpSent(), undefined);
      return new OtlpExporter(take, report, url, options);
    } catch (error) {
      report(error);
      return new OtlpExporter(take, report, undefined, {}); // inert: reports, sends nothing
    }
  }

  /** Merges a trace file (ours, OTLP/JSON or Langfuse's); returns counts, or undefined if it was refused (see onError). */
  import(fileText, name = "import") {
    return this.#read(() => {
      if (fileText instanceof ArrayBuffer) return this.#core.importBytes(String(name), new Uint8Array(fileText));
      if (ArrayBuffer.isView(fileText)) {
        const bytes = new Uint8Array(fileText.buffer, fileText.byteOffset, fileText.byteLength);
        return this.#core.importBytes(String(name), bytes);
      }
      return this.#core.importText(String(name), String(fileText));
    }, undefined);
  }

  /** Overrides or extends model prices: `{ "my-model": { input, output } }` in USD per 1M tokens. */
  setPrices(prices) {
    try {
      this.#core.setPrices(JSON.stringify(prices));
    } catch (error) {
      this._report(error);
    }
  }

  /** Removes everything recorded (the stored copy changes at the next flush). */
  clear() {
    this.#storageBlocked = false;
    this.#read(() => this.#core.clear(), undefined);
  }

  /** Applies queued calls and writes everything to the chosen storage. */
  async flush() {
    try {
      this.#ingest();
      if (!this.#storage.persistent) return;
      if (this.#storageBlocked) {
        this._report(new Error("not saved: the stored traces could not be read and are kept as they are; call clear() to replace them"));
        return;
      }
      await this.#storage.write(this.#core.exportLines());
    } catch (error) {
      this._report(error);
    }
  }

  /** @internal Queues an observation start; returns its handle. */
  _start(traceId, parentId, type, options) {
    const opts = typeof options === "string" ? { name: options } : options && typeof options === "object" ? options : {};
    const id = text(opts.id) ?? randomHex(8);
    try {
      const kind = text(opts.type) ?? type;
      this.#queue.observations.push({
        id,
        trace_id: traceId ?? undefined,
        parent_id: parentId ?? undefined,
        at: now(),
        name: text(opts.name) ?? kind,
        type: kind,
        input: opts.input,
        metadata: opts.metadata,
        level: text(opts.level),
        provider: text(opts.provider),
        model: text(opts.model),
        model_parameters: opts.modelParameters,
        prompt_name: text(opts.promptName),
        prompt_version: opts.promptVersion,
        template: text(opts.template),
        variables: opts.variables,
      });
      this.#queued++;
      this.#maybeIngest();
    } catch (error) {
      this._report(error);
    }
    return new Observation(this, id, traceId);
  }

  /** @internal Queues an end. */
  _end(id, isTrace, options, error) {
    try {
      const opts = options && typeof options === "object" ? options : {};
      this.#queue.ends.push({
        id,
        trace: isTrace,
        at: now(),
        error: error === undefined ? undefined : errorText(error),
        output: opts.output,
        usage: opts.usage,
        cost: opts.cost,
        completion_start_time: typeof opts.completionStartTime === "number" ? opts.completionStartTime : undefined,
      });
      this.#queued++;
      this.#maybeIngest();
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal Hands an error to onError, which must not throw either. */
  _report(error) {
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // The host's handler failed; tracing still must not.
    }
  }

  #maybeIngest() {
    if (this.#queued >= HIGH_WATER) {
      this.#ingest();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      const timer = setTimeout(() => {
        this.#scheduled = false;
        this.#read(() => undefined, undefined);
      }, 0);
      timer?.unref?.(); // never keep a Node process alive for tracing
    }
  }

  #read(read, fallback) {
    try {
      this.#ingest();
      return read();
    } catch (error) {
      this._report(error);
      return fallback;
    }
  }

  #ingest() {
    if (this.#queued === 0) return;
    const queue = this.#queue;
    this.#queue = { traces: [], observations: [], ends: [] };
    this.#queued = 0;
    // Trace starts, then observation starts, then ends, as one batch would;
    // in slices, because a long wasm call runs in the engine's baseline tier
    // and short ones let it switch to optimised code.
    for (const kind of ["traces", "observations", "ends"]) {
      const calls = queue[kind];
      for (let at = 0; at < calls.length; at += SLICE) {
        // One slice failing (a wasm trap) must not lose the others.
        try {
          const problems = JSON.parse(this.#core.ingest(this.#serialize({ [kind]: calls.slice(at, at + SLICE) })));
          for (const problem of problems) this._report(new Error(problem));
        } catch (error) {
          this._report(error);
        }
      }
    }
  }

  // One JSON.stringify for the whole batch; values that cannot be JSON
  // (cycles, BigInt) are replaced by their text and reported.
  #serialize(batch) {
    try {
      return JSON.stringify(batch);
    } catch {
      for (const list of Object.values(batch)) {
        for (const call of list) {
          for (const key of ["input", "output", "metadata", "variables", "model_parameters", "usage", "cost"]) {
            if (call[key] === undefined) continue;
            try {
              JSON.stringify(call[key]);
            } catch (error) {
              this._report(new Error(`${call.id}: ${key} cannot be stored as JSON (${error.message}); its text is kept`));
              call[key] = safeText(call[key]);
            }
          }
        }
      }
      return JSON.stringify(batch);
    }
  }
}

/** A recorded trace. */
export class Trace {
  constructor(tracer, id, sessionId) {
    this._tracer = tracer;
    this.id = id;
    this._traceId = id;
    this.sessionId = sessionId;
  }
  span(options = {}) {
    return this._tracer._start(this.id, null, "span", options);
  }
  generation(options = {}) {
    return this._tracer._start(this.id, null, "generation", options);
  }
  event(options = {}) {
    return this._tracer._start(this.id, null, "event", options);
  }
  complete(options = {}) {
    this._tracer._end(this.id, true, options);
  }
  fail(error) {
    this._tracer._end(this.id, true, {}, error ?? "failed");
  }
}

/** A recorded observation (span, generation, event…). */
export class Observation {
  constructor(tracer, id, traceId) {
    this._tracer = tracer;
    this.id = id;
    this._traceId = traceId;
  }
  get traceId() {
    return this._traceId ?? undefined;
  }
  span(options = {}) {
    return this._tracer._start(this._traceId, this.id, "span", options);
  }
  generation(options = {}) {
    return this._tracer._start(this._traceId, this.id, "generation", options);
  }
  event(options = {}) {
    return this._tracer._start(this._traceId, this.id, "event", options);
  }
  complete(options = {}) {
    this._tracer._end(this.id, false, options);
  }
  fail(error) {
    this._tracer._end(this.id, false, {}, error ?? "failed");
  }
}

let warned = 0;
function defaultOnError(error) {
  // One console.warn per problem, capped so a loop of misuse cannot flood the console.
  if (warned++ < 100) console.warn(`prompttrace: ${error.message}`);
}
