// `observeOpenAI`: wraps an OpenAI client (the official `openai` package,
// or anything shaped like it; nothing here imports it) so that each chat
// completion, response and embedding call is recorded as a generation.
//
// The app gets exactly what the client gives: the same promise object
// (its `withResponse()`/`asResponse()` still work), the same response, the
// same stream object with the same chunks in the same order. This file only
// intercepts, times (start, each chunk, end) and keeps the chunks it passes
// on; the raw request, answer and chunks go to the core
// (`core/src/record/openai/`), which decides what they mean. Tracing
// problems go to the tracer's onError; the client's own errors are recorded
// and reach the app unchanged.

import { currentObservation } from "./context.mjs";
import { Observation, Trace } from "./handles.mjs";
import { now, randomHex } from "./ids.mjs";
import type { OpenAiEnd } from "./queue.mjs";
import { Tracer } from "./tracer.mjs";
import { errorText, isThenable, text } from "./values.mjs";

/** Where and how `observeOpenAI` records a client's calls. */
export interface ObserveOpenAIOptions {
  /** The tracer that records the calls. */
  tracer: Tracer;
  /**
   * The trace or observation every call nests under. Default: the current
   * `observe` observation when the call is made, else a new trace per call
   * (named like the generation, ending with it).
   */
  parent?: Trace | Observation;
  /** For the traces calls without a parent start. */
  sessionId?: string;
  /** For the traces calls without a parent start. */
  userId?: string;
  /** The generations' name. Default "OpenAI.chat", "OpenAI.responses" or "OpenAI.embeddings". */
  name?: string;
  /** Attached to every generation. */
  metadata?: unknown;
}

/** The endpoints recorded, as the core names them. */
type Kind = "chat" | "responses" | "embeddings";

/** The methods recorded, as paths of properties from the client. */
interface Plan {
  readonly [key: string]: Plan | Kind;
}

const PLAN: Plan = {
  // `parse` (structured outputs) calls the unwrapped client's `create`: recorded once.
  chat: { completions: { create: "chat", parse: "chat" } },
  responses: { create: "responses", parse: "responses" },
  embeddings: { create: "embeddings" },
};

/** What every recorded call of one wrapped client shares. */
interface Context {
  tracer: Tracer;
  name: string | undefined;
  parent: Trace | Observation | undefined;
  sessionId: string | undefined;
  userId: string | undefined;
  metadata: unknown;
}

/**
 * Returns `client` with every `chat.completions.create`, `responses.create`
 * and `embeddings.create` call (and `chat.completions.parse`,
 * `responses.parse`) recorded as a generation (an `embedding` for
 * embeddings): the request's messages, model and parameters, the reply,
 * the model that answered, token usage (cached and reasoning tokens too),
 * cost from the price table, time to first token for streams, and errors.
 *
 * Everything else passes through untouched, and the app receives exactly
 * what the unwrapped client returns: the same promise, response and stream
 * objects, the same chunks in the same order. A client's error is recorded
 * and thrown unchanged. A streamed call ends when the app finishes reading
 * it, stops early, or the stream fails. Tracing problems go to the tracer's
 * onError; this never throws.
 *
 * ```js
 * const openai = observeOpenAI(new OpenAI(), { tracer, sessionId: "chat_123" });
 * ```
 */
/** Each client `observeOpenAI` returned → the client it wraps. */
const wrapped = new WeakMap<object, object>();

export function observeOpenAI<C>(client: C, options: ObserveOpenAIOptions): C {
  const opts: Partial<ObserveOpenAIOptions> = options && typeof options === "object" ? options : {};
  const tracer = opts.tracer;
  if (!(tracer instanceof Tracer)) {
    console.warn("prompttrace: observeOpenAI needs { tracer }; the client is returned unrecorded");
    return client;
  }
  try {
    if (client === null || (typeof client !== "object" && typeof client !== "function")) {
      throw new Error(`observeOpenAI: ${String(client)} is not an OpenAI client; it is returned as it is`);
    }
    let parent = opts.parent;
    if (parent !== undefined && !(parent instanceof Trace) && !(parent instanceof Observation)) {
      tracer._report(new Error("observeOpenAI: parent must be a Trace or an Observation; it is left out"));
      parent = undefined;
    }
    // Only the full core reads the OpenAI API's shapes: a browser starts loading it now, and a call made
    // before it is here waits for it in the queue (the app's call does not).
    tracer._prefetchFull();
    if (!hasAny(client, PLAN)) {
      tracer._report(
        new Error("observeOpenAI: the client has no chat.completions.create, responses.create or embeddings.create; nothing is recorded"),
      );
    }
    const context: Context = {
      tracer,
      name: text(opts.name),
      parent,
      sessionId: text(opts.sessionId),
      userId: text(opts.userId),
      metadata: opts.metadata,
    };
    // A client wrapped already is wrapped again from the original, so each
    // call is recorded once, with the newest options.
    const original = (wrapped.get(client as object) ?? client) as C & object;
    const proxy = wrap(original, PLAN, context);
    wrapped.set(proxy, original);
    return proxy;
  } catch (error) {
    tracer._report(error);
    return client;
  }
}

/** Whether any recorded method exists on `target`. */
function hasAny(target: object, plan: Plan): boolean {
  return Object.entries(plan).some(([key, step]) => {
    const value: unknown = (target as Record<string, unknown>)[key];
    if (typeof step === "string") return typeof value === "function";
    return isObjectLike(value) && hasAny(value, step);
  });
}

const isObjectLike = (value: unknown): value is object =>
  value !== null && (typeof value === "object" || typeof value === "function");

/**
 * A proxy of `target`: the plan's methods are recorded, the plan's objects
 * wrapped in turn, other methods called on the real object (its private
 * fields need it), and everything else read, written and listed as is.
 */
function wrap<T extends object>(target: T, plan: Plan, context: Context): T {
  const made = new Map<PropertyKey, { value: unknown; wrapped: unknown }>();
  const proxy: T = new Proxy(target, {
    get(object, key) {
      // Getters run on the real object, as methods do.
      const value: unknown = Reflect.get(object, key, object);
      if (!isObjectLike(value) || mustStay(object, key)) return value;
      const known = made.get(key);
      if (known && known.value === value) return known.wrapped;
      const step = typeof key === "string" && Object.prototype.hasOwnProperty.call(plan, key) ? plan[key] : undefined;
      let wrapped: unknown;
      if (typeof step === "string" && typeof value === "function") {
        wrapped = recorded(value, step, object, proxy, context);
      } else if (typeof step === "object") {
        wrapped = wrap(value, step, context);
      } else if (typeof value === "function") {
        wrapped = onTarget(value, object, proxy);
      } else {
        return value;
      }
      made.set(key, { value, wrapped });
      return wrapped;
    },
    // Setters run on the real object too.
    set: (object, key, value) => Reflect.set(object, key, value, object),
  });
  return proxy;
}

/** A proxy must return a frozen property's own value. */
function mustStay(object: object, key: PropertyKey): boolean {
  const own = Object.getOwnPropertyDescriptor(object, key);
  return own !== undefined && !own.configurable && !own.writable && "value" in own;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** `fn`, called with the real object where the proxy was its `this`. */
function onTarget(fn: object, target: object, proxy: object): unknown {
  return new Proxy(fn as AnyFunction, {
    apply: (original, self, args) => Reflect.apply(original, self === proxy ? target : self, args),
  });
}

/** `fn` (a create method), recording each call. */
function recorded(fn: object, kind: Kind, target: object, proxy: object, context: Context): unknown {
  return new Proxy(fn as AnyFunction, {
    apply(original, self, args: unknown[]) {
      const call = begin(context, kind, args[0]);
      let result: unknown;
      try {
        result = Reflect.apply(original, self === proxy ? target : self, args);
      } catch (error) {
        call?.failed(error);
        throw error;
      }
      if (call) watch(result, call);
      return result;
    },
  });
}

/** Queues the generation's start; `undefined` (reported) if that failed. */
function begin(context: Context, kind: Kind, params: unknown): Call | undefined {
  const { tracer } = context;
  try {
    const name = context.name ?? `OpenAI.${kind}`;
    let parent = context.parent ?? currentObservation();
    let traceId = parent?._traceId ?? null;
    let ownTrace: string | undefined;
    if (traceId === null) {
      const trace = tracer.trace({
        name,
        ...(context.sessionId === undefined ? {} : { sessionId: context.sessionId }),
        ...(context.userId === undefined ? {} : { userId: context.userId }),
      });
      traceId = trace.id;
      parent = undefined;
      ownTrace = trace.id;
    }
    const id = randomHex(8);
    tracer._push("observations", {
      id,
      trace_id: traceId,
      parent_id: parent instanceof Observation ? parent.id : undefined,
      at: now(),
      name,
      // The core sets the type from the endpoint.
      type: "generation",
      input: undefined,
      metadata: tracer._scoped(traceId, context.metadata),
      level: undefined,
      provider: undefined,
      model: undefined,
      model_parameters: undefined,
      prompt_name: undefined,
      prompt_version: undefined,
      template: undefined,
      variables: undefined,
      openai: { kind, request: snapshot(params) },
    });
    return new Call(tracer, id, kind, ownTrace);
  } catch (error) {
    tracer._report(error);
    return undefined;
  }
}

/**
 * The request as it is now: the app may change its lists after the call
 * (push the reply onto `messages` for the next turn) before the queue is
 * applied, so the top-level lists are copied (not their items: cheap).
 */
function snapshot(params: unknown): unknown {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return params;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) copy[key] = Array.isArray(value) ? value.slice() : value;
  return copy;
}

/** One recorded call: its generation, and the chunks it streamed so far. */
class Call {
  readonly tracer: Tracer;
  readonly #id: string;
  readonly #kind: Kind;
  /** The trace started for this call alone, if it was. */
  readonly #ownTrace: string | undefined;
  readonly #chunks: unknown[] = [];
  readonly #times: number[] = [];
  #ended = false;

  constructor(tracer: Tracer, id: string, kind: Kind, ownTrace: string | undefined) {
    this.tracer = tracer;
    this.#id = id;
    this.#kind = kind;
    this.#ownTrace = ownTrace;
  }

  /** A chunk handed to the app, and when. */
  chunk(value: unknown): void {
    if (this.#ended) return;
    this.#chunks.push(value);
    this.#times.push(now());
  }

  /** Ends with a whole answer (`undefined` when it was not read). */
  answered(response: unknown): void {
    this.#end({ response }, undefined);
  }

  /** Ends a stream with what it yielded, failed if `failure` is given. */
  streamed(failure?: { error: unknown }): void {
    this.#end({ chunks: this.#chunks, times: this.#times }, failure);
  }

  /** Ends with the client's error. */
  failed(error: unknown): void {
    this.#end({}, { error });
  }

  #end(answer: Pick<OpenAiEnd, "response" | "chunks" | "times">, failure: { error: unknown } | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    try {
      this.tracer._push("changes", {
        id: this.#id,
        trace: false,
        at: now(),
        error: failure === undefined ? undefined : errorText(failure.error),
        openai: { kind: this.#kind, trace: this.#ownTrace, ...answer },
      });
    } catch (error) {
      this.tracer._report(error);
    }
  }
}

/** Ends the call when its result is known, without changing the result. */
function watch(result: unknown, call: Call): void {
  try {
    if (!isThenable(result)) {
      settle(result, call);
    } else if (typeof (result as { asResponse?: unknown }).asResponse === "function") {
      watchLazily(result, call);
    } else {
      Promise.resolve(result).then(
        (value) => settle(value, call),
        (error: unknown) => call.failed(error),
      );
    }
  } catch (error) {
    call.tracer._report(error);
  }
}

/** A whole answer ends the call; a stream is read along with the app. */
function settle(value: unknown, call: Call): void {
  try {
    const iterable = isObjectLike(value) && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
    if (iterable) follow(value, call);
    else call.answered(value);
  } catch (error) {
    call.tracer._report(error);
  }
}

/**
 * The SDK's `APIPromise` reads the response body only when asked: through
 * `then` (and `await`, `catch`, `finally`, `withResponse`), or not at all
 * when the app takes the raw `Response` (`asResponse`). Its methods are
 * replaced on this one object by ones that note which way was taken, so
 * recording never reads a body the app wants to read itself.
 */
function watchLazily(promise: object, call: Call): void {
  const methods = promise as Record<string, unknown>;
  const then = methods.then as AnyFunction;
  let watched = false;
  const watchParsed = (): void => {
    if (watched) return;
    watched = true;
    try {
      Reflect.apply(then, promise, [(value: unknown) => settle(value, call), (error: unknown) => call.failed(error)]);
    } catch (error) {
      call.tracer._report(error);
    }
  };
  for (const key of ["then", "catch", "finally", "withResponse"]) {
    const original = methods[key];
    if (typeof original !== "function") continue;
    replace(promise, key, function (this: unknown, ...args: unknown[]): unknown {
      watchParsed();
      return Reflect.apply(original as AnyFunction, this, args);
    });
  }
  const asResponse = methods.asResponse as AnyFunction;
  replace(promise, "asResponse", function (this: unknown, ...args: unknown[]): unknown {
    const response = Reflect.apply(asResponse, this, args);
    if (!watched) {
      watched = true;
      watchRaw(response, call);
    }
    return response;
  });
}

/** Sets a method on one object, as enumerable as the one it replaces. */
function replace(object: object, key: string, value: AnyFunction): void {
  const own = Object.getOwnPropertyDescriptor(object, key);
  Object.defineProperty(object, key, { value, writable: true, configurable: true, enumerable: own?.enumerable ?? false });
}

/** The app reads the raw `Response`: a clone of a JSON body is read for the record, a stream is not. */
function watchRaw(response: unknown, call: Call): void {
  Promise.resolve(response).then(
    (raw: unknown) => {
      try {
        const r = raw as Response;
        const json = String(r.headers.get("content-type") ?? "").includes("json");
        if (!json) return call.answered(undefined);
        r.clone()
          .json()
          .then(
            (body: unknown) => call.answered(body),
            () => call.answered(undefined),
          );
      } catch {
        call.answered(undefined);
      }
    },
    (error: unknown) => call.failed(error),
  );
}

/**
 * Records a stream's chunks as the app reads them. The SDK's `Stream`
 * reads its events through its own `iterator` function, for `for await`,
 * `tee()` and `toReadableStream()` alike, so wrapping that one function
 * sees every way of reading; another async iterable gets its
 * `Symbol.asyncIterator` wrapped. Only the first iteration is recorded (the
 * SDK refuses a second).
 */
function follow(stream: object, call: Call): void {
  const fields = stream as Record<PropertyKey, unknown>;
  const own = Object.getOwnPropertyDescriptor(stream, "iterator");
  const sdk = own !== undefined && typeof own.value === "function" && own.writable === true;
  const key = sdk ? "iterator" : Symbol.asyncIterator;
  const original = fields[key] as AnyFunction;
  let started = false;
  const iterate = function (this: unknown, ...args: unknown[]): unknown {
    const iterator = Reflect.apply(original, this, args);
    if (started) return iterator;
    started = true;
    return recording(iterator, call);
  };
  if (sdk) fields.iterator = iterate;
  else Object.defineProperty(stream, Symbol.asyncIterator, { value: iterate, writable: true, configurable: true, enumerable: false });
}

/** An iterator passing on `iterator`'s results unchanged, noting each chunk and the end. */
function recording(iterator: unknown, call: Call): unknown {
  if (!isObjectLike(iterator) || typeof (iterator as { next?: unknown }).next !== "function") {
    call.streamed();
    return iterator;
  }
  const source = iterator as AsyncIterator<unknown>;
  const passed = (result: IteratorResult<unknown>): IteratorResult<unknown> => {
    try {
      if (result?.done) call.streamed();
      else call.chunk(result?.value);
    } catch (error) {
      call.tracer._report(error);
    }
    return result;
  };
  const failed = (error: unknown): never => {
    call.streamed({ error });
    throw error;
  };
  const recorder: AsyncIterableIterator<unknown> = {
    next(...args: [] | [unknown]) {
      let step: unknown;
      try {
        step = source.next(...args);
      } catch (error) {
        failed(error);
      }
      return Promise.resolve(step as Promise<IteratorResult<unknown>>).then(passed, failed);
    },
    // The app stopped early (`break`): what it read so far is the answer.
    return(value?: unknown) {
      call.streamed();
      return typeof source.return === "function"
        ? source.return(value)
        : Promise.resolve({ done: true as const, value });
    },
    throw(error?: unknown) {
      call.streamed({ error });
      return typeof source.throw === "function" ? source.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return recorder;
}
