// The two calls every observation makes, its start and its end, queued
// from what a handle was given and written into the queue's wire from
// their parts: their `ObservationStart` and `ChangeCall` objects are never
// made (`Wire.start`, `Wire.end`). They are the hot path, and the objects
// showed in the recording profile. Everything of the app's (options'
// getters, a name's `toString`) is read before the wire is taken: it may
// record too, and a span it records applies the queue, which sends the
// wire taken.

import { given, type Loose } from "./change-calls.mjs";
import { now } from "./ids.mjs";
import type { Queue } from "./queue.mjs";
import type { CompleteOptions, GenerationOptions } from "./types.mjs";
import { errorText, millis, text } from "./values.mjs";

/** Queues an observation's start; `metadata` is the options' metadata under what `withAttributes` propagates. */
export function queueStart(
  queue: Queue,
  id: string,
  traceId: string | null,
  parentId: string | null,
  kind: string,
  opts: Loose<GenerationOptions>,
  metadata: unknown,
): void {
  const at = now();
  const name = text(opts.name) ?? kind;
  const input = opts.input;
  const [level, provider, model] = [text(opts.level), text(opts.provider), text(opts.model)];
  const { modelParameters, promptVersion, variables } = opts;
  const [promptName, template] = [text(opts.promptName), text(opts.template)];
  // The fields few starts carry travel together, only when one is set.
  const rare =
    modelParameters !== undefined ||
    promptName !== undefined ||
    promptVersion !== undefined ||
    template !== undefined ||
    variables !== undefined;
  const rest = rare
    ? { model_parameters: modelParameters, prompt_name: promptName, prompt_version: promptVersion, template, variables }
    : undefined;
  queue
    .wireFor("observations")
    .start(id, traceId ?? undefined, parentId ?? undefined, at, name, kind, input, metadata, level, provider, model, rest);
  queue.queued();
}

/** Queues a trace's or an observation's end; `error` set when it failed. */
export function queueEnd(
  queue: Queue,
  id: string,
  trace: boolean,
  options: Loose<CompleteOptions> | undefined,
  error: unknown,
): void {
  const opts = given(options);
  const at = now();
  const message = error === undefined ? undefined : errorText(error);
  const { output, usage, cost } = opts;
  const completionStart = millis(opts.completionStartTime);
  queue.wireFor("changes").end(id, trace, at, message, output, usage, cost, completionStart);
  queue.queued();
}
