// `Tracer.track`: render a prompt template, call the app's LLM function and
// record the call as a generation, sync or async. The core renders the
// prompt, records the generation and reads the result (`trackStart`,
// `trackEnd`); this file only places the call and awaits it. The
// function's own error is recorded and thrown again; tracing's errors go
// to onError.

import { currentObservation } from "./context.mjs";
import { Observation } from "./handles.mjs";
import { now, randomHex } from "./ids.mjs";
import type { Tracer } from "./tracer.mjs";
import type { Tracked, TrackOptions, TrackResult } from "./types.mjs";
import { isThenable, text } from "./values.mjs";

export function track<R extends TrackResult | Promise<TrackResult>>(
  tracer: Tracer,
  options: TrackOptions,
  fn: (prompt: string) => R,
): R extends Promise<TrackResult> ? Promise<Tracked> : Tracked {
  const opts: TrackOptions = options && typeof options === "object" ? options : {};
  const id = randomHex(8);
  let generation = new Observation(tracer, id, null);
  let prompt = "";
  try {
    const parent = opts.span ?? opts.trace ?? currentObservation() ?? null;
    const traceId = parent?._traceId ?? null;
    generation = new Observation(tracer, id, traceId);
    prompt = tracer._trackStart({
      id,
      trace_id: traceId ?? undefined,
      parent_id: parent instanceof Observation ? parent.id : undefined,
      at: now(),
      name: text(opts.name),
      prompt_name: text(opts.promptName),
      prompt_version: opts.promptVersion,
      template: text(opts.template),
      variables: opts.variables,
      provider: text(opts.provider),
      model: text(opts.model),
      model_parameters: opts.modelParameters,
    });
    // `withAttributes`: the trace joins its session; the call takes its metadata.
    const metadata = tracer._scoped(traceId, undefined);
    if (metadata !== undefined) tracer._updateObservation(id, { metadata });
  } catch (error) {
    tracer._report(error);
  }
  const done = (result: unknown): Tracked => {
    // Only what the core reads crosses: an SDK response object may hold
    // anything else.
    const response =
      result !== null && typeof result === "object"
        ? { text: (result as { text?: unknown }).text, usage: (result as { usage?: unknown }).usage, cost: (result as { cost?: unknown }).cost }
        : result;
    const responseText = tracer._trackEnd({ id, at: now(), response });
    return { responseText, generation };
  };
  const failed = (error: unknown): never => {
    generation.fail(error);
    throw error;
  };
  let result: unknown;
  try {
    result = fn(prompt);
  } catch (error) {
    failed(error);
  }
  const tracked = isThenable(result) ? Promise.resolve(result).then(done, failed) : done(result);
  // The type follows `fn`: a promise of a result gives a promise of `Tracked`.
  return tracked as R extends Promise<TrackResult> ? Promise<Tracked> : Tracked;
}
