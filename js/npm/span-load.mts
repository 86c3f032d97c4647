// The full core's load that OpenTelemetry spans and OpenAI calls wait for
// on a browser's record-only core (the queue holds them, in order, with
// what was recorded after them). If it cannot be loaded: a report saying
// how many spans were dropped (or, when only OpenAI calls waited, that
// they are recorded without what only the full core reads), and the rest
// applied; spans recorded later wait for the next try, an explicit call
// (flush) or a retry after a back-off, so once a load has failed nothing
// waits behind them for longer than a minute (a load that never ends holds
// them until it does). Later failures report nothing more, except the
// first that drops spans after a report that dropped none.

import type { Queue } from "./queue.mjs";
import type { TracerCore } from "./tracer-core.mjs";
import { unref } from "./values.mjs";

const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 60_000;

export class SpanLoad {
  readonly #cores: TracerCore;
  readonly #queue: Queue;
  readonly #apply: () => void;
  readonly #report: (error: unknown) => void;
  /** The load under way. */
  #loading: Promise<void> | undefined;
  /** The retry that waits, and the back-off before the next (doubling to a minute). */
  #retry: unknown;
  #delay = FIRST_RETRY_MS;
  #reported = false;
  #reportedSpans = false;

  /** `apply` applies the tracer's queue; `report` hands an error to onError and never throws. */
  constructor(cores: TracerCore, queue: Queue, apply: () => void, report: (error: unknown) => void) {
    this.#cores = cores;
    this.#queue = queue;
    this.#apply = apply;
    this.#report = report;
  }

  /** Loads the full core (one load at a time), then applies the held spans; never rejects. */
  load(): Promise<void> {
    this.#loading ??= this.#cores
      .load()
      .then(
        () => {
          this.#delay = FIRST_RETRY_MS;
          this.#apply();
        },
        (error: unknown) => {
          try {
            const dropped = this.#queue.dropSpans();
            // Once, and once more the first time spans were dropped (an earlier failure may have held only OpenAI calls).
            if (dropped > 0 ? !this.#reportedSpans : !this.#reported) {
              const lost =
                dropped > 0
                  ? `${dropped} OpenTelemetry spans waiting for it were dropped, and spans recorded until it loads are dropped at each failed retry`
                  : "what waited for it is recorded without what only it reads";
              this.#report(new Error(`${(error as Error)?.message ?? String(error)}; ${lost}`));
            }
            this.#reported = true;
            this.#reportedSpans ||= dropped > 0;
          } catch (err) {
            this.#report(err);
          }
        },
      )
      .finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  /** After a failed load, spans wait again: the load is retried after the back-off. */
  retryLater(): void {
    if (this.#retry !== undefined || this.#loading !== undefined) return;
    const delay = this.#delay;
    this.#delay = Math.min(delay * 2, LAST_RETRY_MS);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#queue.retry();
      try {
        this.#apply(); // the held spans ask for the load
      } catch (error) {
        this.#report(error);
      }
    }, delay);
    unref(this.#retry);
  }
}
