// `Tracer.track`: render a prompt template, call the app's LLM function and
// record the call as a generation, sync or async. The function's own error
// is recorded and thrown again; tracing's errors go to onError.

import { renderTemplate } from "./wasm/prompttrace_js.js";
import { currentObservation } from "./context.mjs";
import { Observation } from "./handles.mjs";
import type { Tracer } from "./tracer.mjs";
import type { Tracked, TrackOptions, TrackResult } from "./types.mjs";
import { isThenable, safeString } from "./values.mjs";

export function track<R extends TrackResult | Promise<TrackResult>>(
  tracer: Tracer,
  options: TrackOptions,
  fn: (prompt: string) => R,
): R extends Promise<TrackResult> ? Promise<Tracked> : Tracked {
  const opts: TrackOptions = options && typeof options === "object" ? options : {};
  let prompt = "";
  let generation: Observation;
  try {
    prompt = opts.template == null ? "" : renderTemplate(String(opts.template), safeString(opts.variables ?? {}));
    const parent = opts.span ?? opts.trace ?? currentObservation() ?? null;
    generation = tracer._start(parent?._traceId ?? null, parent instanceof Observation ? parent.id : null, "generation", {
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
    tracer._report(error);
    generation = new Observation(tracer, "", null);
  }
  const done = (result: unknown): Tracked => {
    const response =
      typeof result === "string" || result == null ? { text: result ?? "" } : (result as Exclude<TrackResult, string>);
    tracer._end(generation.id, false, { output: response.text, usage: response.usage, cost: response.cost });
    return { responseText: response.text, generation };
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
