// The handles the app holds: a `Trace` and an `Observation` (span,
// generation, event…). Each method queues one call in its tracer, which
// never throws into the app.

import type { Tracer } from "./tracer.mjs";
import type {
  CompleteOptions,
  GenerationOptions,
  ObservationOptions,
  TraceCompleteOptions,
  TraceUpdateOptions,
  UpdateOptions,
} from "./types.mjs";

/** A trace: one workflow or request. Observations nest under it (and under each other). */
export class Trace {
  /** @internal */
  readonly _tracer: Tracer;
  readonly id: string;
  /** @internal The trace children belong to: this one. */
  readonly _traceId: string;
  #sessionId: string | undefined;

  /** @internal Made by `Tracer.trace`. */
  constructor(tracer: Tracer, id: string, sessionId: string | undefined) {
    this._tracer = tracer;
    this.id = id;
    this._traceId = id;
    this.#sessionId = sessionId;
  }

  /** The session it belongs to, as given to `trace()` or `update()`. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Starts a child span. */
  span(options: ObservationOptions | string = {}): Observation {
    return this._tracer._start(this.id, null, "span", options);
  }

  /** Starts a child LLM call. */
  generation(options: GenerationOptions | string = {}): Observation {
    return this._tracer._start(this.id, null, "generation", options);
  }

  /** Records a zero-duration child event. */
  event(options: ObservationOptions | string = {}): Observation {
    return this._tracer._start(this.id, null, "event", options);
  }

  /**
   * Ends the trace as completed. Ending twice is reported to onError; the
   * first end stands. A trace takes no usage or cost: they roll up from its
   * generations.
   */
  complete(options: TraceCompleteOptions = {}): void {
    this._tracer._endTrace(this.id, options);
  }

  /** Ends the trace as failed, with the error's message. */
  fail(error?: unknown): void {
    this._tracer._endTrace(this.id, {}, error ?? "failed");
  }

  /** The same as `complete` (as Langfuse's and OpenTelemetry's handles say it). */
  end(options: TraceCompleteOptions = {}): void {
    this.complete(options);
  }

  /** Sets the fields given (name, session, user, tags, input, output, metadata); never ends it. */
  update(options: TraceUpdateOptions = {}): void {
    try {
      const sessionId: unknown = options && typeof options === "object" ? options.sessionId : undefined;
      if (typeof sessionId === "string") this.#sessionId = sessionId;
    } catch (error) {
      this._tracer._report(error);
    }
    this._tracer._updateTrace(this.id, options);
  }
}

/** A span, generation, event or other step inside a trace; observations nest under it too. */
export class Observation {
  /** @internal */
  readonly _tracer: Tracer;
  readonly id: string;
  /** @internal The trace it belongs to; null for an LLM call recorded without one. */
  readonly _traceId: string | null;

  /** @internal Made by `Tracer._start`. */
  constructor(tracer: Tracer, id: string, traceId: string | null) {
    this._tracer = tracer;
    this.id = id;
    this._traceId = traceId;
  }

  /** Undefined for an LLM call recorded without a trace. */
  get traceId(): string | undefined {
    return this._traceId ?? undefined;
  }

  /** Starts a child span. */
  span(options: ObservationOptions | string = {}): Observation {
    return this._tracer._start(this._traceId, this.id, "span", options);
  }

  /** Starts a child LLM call. */
  generation(options: GenerationOptions | string = {}): Observation {
    return this._tracer._start(this._traceId, this.id, "generation", options);
  }

  /** Records a zero-duration child event. */
  event(options: ObservationOptions | string = {}): Observation {
    return this._tracer._start(this._traceId, this.id, "event", options);
  }

  /** Ends it as completed. Ending twice is reported to onError; the first end stands. */
  complete(options: CompleteOptions = {}): void {
    this._tracer._endObservation(this.id, options);
  }

  /** Ends it as failed (status error, level error), with the error's message. */
  fail(error?: unknown): void {
    this._tracer._endObservation(this.id, {}, error ?? "failed");
  }

  /** The same as `complete` (as Langfuse's and OpenTelemetry's handles say it). */
  end(options: CompleteOptions = {}): void {
    this.complete(options);
  }

  /** Sets the fields given (output, usage, model…) without ending it. */
  update(options: UpdateOptions = {}): void {
    this._tracer._updateObservation(this.id, options);
  }
}
