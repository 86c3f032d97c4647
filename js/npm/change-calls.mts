// The queue's update calls (`ChangeCall`, read by the core's `ChangeCall`
// in js/src/convert.rs), made from what a handle was given: options that
// are not an object count as none, and values are passed as given for the
// core to check. Starts and ends are queued from their parts
// (`record-calls.mts`).

import { now } from "./ids.mjs";
import type { ChangeCall } from "./queue.mjs";
import type { TraceUpdateOptions, UpdateOptions } from "./types.mjs";
import { errorText, millis, tagList, text } from "./values.mjs";

/** Internal callers may pass `undefined` for any option (it means "not given"). */
export type Loose<T> = { [K in keyof T]?: T[K] | undefined };

export function given<T extends object>(options: Loose<T> | undefined): Loose<T> {
  return options && typeof options === "object" ? options : {};
}

/** An observation's update (fields set before its end). */
export function observationUpdate(id: string, options: Loose<UpdateOptions> | undefined): ChangeCall {
  const opts = given(options);
  return {
    id,
    trace: false,
    update: true,
    at: now(),
    output: opts.output,
    metadata: opts.metadata,
    level: text(opts.level),
    status_message: text(opts.statusMessage),
    model: text(opts.model),
    model_parameters: opts.modelParameters,
    usage: opts.usage,
    cost: opts.cost,
    completion_start_time: millis(opts.completionStartTime),
  };
}

/** A trace's update (name, session, user, tags, input, output, metadata). */
export function traceUpdate(id: string, options: Loose<TraceUpdateOptions> | undefined): ChangeCall {
  const opts = given(options);
  return {
    id,
    trace: true,
    update: true,
    at: now(),
    name: text(opts.name),
    session_id: text(opts.sessionId),
    user_id: text(opts.userId),
    tags: Array.isArray(opts.tags) ? tagList(opts.tags) : undefined,
    input: opts.input,
    output: opts.output,
    metadata: opts.metadata,
  };
}
