// `Tracer.observe`: wrap a function so each call is recorded as an
// observation nested under the current one, with its arguments as input
// and its result as output. The function's own error is recorded and
// thrown again; tracing's errors go to onError.

import { currentObservation, runIn } from "./context.mjs";
import { Observation, type Trace } from "./handles.mjs";
import type { Tracer } from "./tracer.mjs";
import type { ObserveOptions, TraceOptions } from "./types.mjs";
import { isThenable, text } from "./values.mjs";

export function observe<F extends (...args: never[]) => unknown>(tracer: Tracer, fn: F, options: ObserveOptions = {}): F {
  const opts: ObserveOptions = options && typeof options === "object" ? options : {};
  const name = text(opts.name) ?? (fn.name || "observed");
  const call = fn as unknown as (this: unknown, ...args: unknown[]) => unknown;
  const observed = function observed(this: unknown, ...args: unknown[]): unknown {
    const input = args.length === 1 ? args[0] : args;
    let observation: Observation;
    let root: Trace | null = null;
    try {
      const parent = opts.parent ?? currentObservation();
      if (!parent) {
        const start: TraceOptions = { name, input };
        if (opts.sessionId !== undefined) start.sessionId = opts.sessionId;
        if (opts.userId !== undefined) start.userId = opts.userId;
        root = tracer.trace(start);
      }
      observation = tracer._start(
        // A parent recorded without a trace has no trace to nest in: this
        // throws, is reported, and the call runs unrecorded.
        parent?._traceId ?? root!.id,
        parent instanceof Observation ? parent.id : null,
        opts.type ?? "span",
        { name, input, metadata: opts.metadata },
      );
    } catch (error) {
      tracer._report(error);
      return call.apply(this, args);
    }
    const done = (value: unknown): unknown => {
      observation.complete({ output: value });
      root?.complete({ output: value });
      return value;
    };
    const failed = (error: unknown): never => {
      observation.fail(error);
      root?.fail(error);
      throw error;
    };
    let result: unknown;
    try {
      result = runIn(observation, () => call.apply(this, args));
    } catch (error) {
      failed(error);
    }
    return isThenable(result) ? Promise.resolve(result).then(done, failed) : done(result);
  };
  // Same parameters and result as `fn`: the wrapper passes both through.
  return observed as unknown as F;
}
