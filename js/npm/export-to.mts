// `tracer.exportTo()`: an OTLP exporter that takes its batches from the
// tracer's core. In browsers the batches come from the full core, loaded on
// the first take: a failed load is reported once, and the interval's takes
// try again only after a back-off (doubling, up to five minutes), so a
// chunk that is gone for good (a new deploy, a CSP) is not fetched every
// interval; an explicit flush or shutdown tries at once. The sender itself
// (exporter.mts: batching, HTTP, retries) is imported when `exportTo` is
// called: a browser app that never exports does not ship it at start.

import type { OtlpExporter as Exporter, TakeBatch } from "./exporter.mjs";
import type { TracerCore } from "./tracer-core.mjs";
import type { OtlpExporter, OtlpExportOptions, OtlpExportResult } from "./types.mjs";
import { now } from "./ids.mjs";

/** Waits before the first retry of a failed load, then twice as long each time. */
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 300_000;

/** What the exporter needs of its tracer. */
export interface ExportHost {
  readonly cores: TracerCore;
  /** Applies the queue, then reads; a failure is reported and gives `fallback`. */
  read<T>(read: () => T, fallback: T): T;
  /** What was handed out may leave memory. */
  evict(): void;
  /** An exporter waits for the core to watch what ends for it (1), or no longer (-1): meanwhile nothing leaves memory. */
  waits(change: 1 | -1): void;
  report(error: unknown): void;
  /** An exporter starts (true) or shuts down (false); returns how many run. */
  running(change: 1 | -1): number;
}

export function exportTo(host: ExportHost, url: string, options: OtlpExportOptions): OtlpExporter {
  const { cores, report } = host;
  const takeNow = (request: Parameters<TakeBatch>[0]): Uint8Array | undefined =>
    host.read(() => {
      const batch = cores.full().takeOtlpBatch(request);
      if (batch) host.evict();
      return batch;
    }, undefined);
  let watch = (): void => {};
  // "new" means what ends from this call on, however long the full core takes to load.
  const since = now();
  let waiting = false;
  const stopWaiting = (): void => {
    if (waiting) host.waits(-1);
    waiting = false;
  };
  let watching: Promise<boolean> | undefined;
  let reported = false;
  let retryAt = 0;
  let backOff = FIRST_RETRY_MS;
  // `now`: an explicit flush or shutdown, which tries at once (as does
  // a take once something else loaded the core).
  const watched = (now: boolean): Promise<boolean> => {
    if (!watching && !now && !cores.isFull && Date.now() < retryAt) return Promise.resolve(false);
    return (watching ??= cores.load().then(
      () => {
        watch();
        stopWaiting();
        return true;
      },
      (error: unknown) => {
        watching = undefined;
        retryAt = Date.now() + backOff;
        backOff = Math.min(backOff * 2, LAST_RETRY_MS);
        // Memory stays bounded while the core cannot be loaded: traces may
        // leave it again, and those that do before a later load are not sent.
        stopWaiting();
        if (!reported) report(new Error(`${(error as Error)?.message ?? String(error)}; until it loads, the exporter sends nothing, and traces that leave memory meanwhile (maxTracesInMemory) are not sent`));
        reported = true;
        return false;
      },
    ));
  };
  const take: TakeBatch = (request, explicit) =>
    cores.lazy ? watched(explicit).then((ready) => (ready ? takeNow(request) : undefined)) : takeNow(request);
  // What the sender finds on its own, known now: whether it can send at all.
  const usable = sendable(url);
  // Copied now: the sender reads them once it is imported.
  const opts: OtlpExportOptions = options && typeof options === "object" ? { ...options } : {};
  let stopped = false;
  // The core notes what ends while an exporter runs, and stops when the
  // last one shuts down (once an exporter, and only one that runs).
  const closed = (): void => {
    if (stopped || !usable) return;
    stopped = true;
    stopWaiting();
    if (host.running(-1) === 0 && cores.isFull) host.read(() => cores.full().unwatchOtlp(), undefined);
  };
  const exporter = new LazyExporter(
    import("./exporter.mjs").then(({ OtlpExporter: Sender }) => {
      try {
        return new Sender(take, report, url, opts, closed);
      } catch (error) {
        report(error);
        return new Sender(take, report, undefined, {}); // inert: reports, sends nothing
      }
    }),
    (error) => {
      // Its code could not be loaded (a chunk gone after a deploy, a CSP):
      // the exporter stops as a shut-down one does, so memory keeps nothing
      // for it.
      report(new Error(`OTLP export: the exporter could not be loaded (${(error as Error)?.message ?? String(error)}); nothing will be sent`));
      closed();
    },
  );
  if (usable) {
    host.running(1);
    // "new": what has already ended (a reloaded history) is not sent.
    const include = options && typeof options === "object" && options.include === "new" ? "new" : "all";
    // Watching later than asked (a browser loads the full core first): "new" counts from the ask.
    const from = include === "new" && cores.lazy ? since : undefined;
    watch = (): void => {
      if (!stopped) host.read(() => cores.full().watchOtlp(include, from), undefined);
    };
    if (cores.lazy) {
      waiting = true;
      host.waits(1);
      void watched(true);
    } else watch();
  }
  return exporter;
}

/** Whether an exporter to `url` can send at all (the sender says why not). */
function sendable(url: unknown): boolean {
  try {
    new URL(url as string);
  } catch {
    return false;
  }
  return typeof fetch === "function";
}

/** The exporter an app holds while its sender is imported. Never rejects. */
class LazyExporter implements OtlpExporter {
  readonly #sender: Promise<Exporter | undefined>;

  constructor(sender: Promise<Exporter>, failed: (error: unknown) => void) {
    this.#sender = sender.catch((error: unknown) => {
      failed(error);
      return undefined;
    });
  }

  async flush(): Promise<OtlpExportResult> {
    return (await this.#sender)?.flush() ?? { batches: 0, failed: 0 };
  }

  async shutdown(): Promise<OtlpExportResult> {
    return (await this.#sender)?.shutdown() ?? { batches: 0, failed: 0 };
  }
}
