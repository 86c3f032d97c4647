// OTLP/HTTP export: sends ended traces to a collector, Langfuse, Phoenix or
// any OTLP backend, in batches, retried with back-off. The core encodes the
// requests (JSON or protobuf) and remembers what it handed over; this file
// only schedules, sends and retries, and never throws into the app.

import type * as api from "./types.mjs";
import type { OtlpExportOptions, OtlpExportResult } from "./types.mjs";
import { ref, unref } from "./values.mjs";

type Protocol = NonNullable<OtlpExportOptions["protocol"]>;

const PROTOCOLS: Record<Protocol, string> = {
  "http/protobuf": "application/x-protobuf",
  "http/json": "application/json",
};

/** Statuses worth another try (OTLP/HTTP spec: retryable responses). */
const RETRYABLE = new Set([429, 502, 503, 504]);

/** What the core is asked for (`TakeOptions` in js/src/lib.rs). */
export interface TakeRequest {
  encoding: "protobuf" | "json";
  /** Traces per request. */
  max: number;
  /** A last flush: also ended traces whose observations still run. */
  shutdown: boolean;
}

/**
 * The next batch of ended traces, encoded by the core; undefined when there
 * is none. A promise while the core that encodes it loads (browsers).
 */
export type TakeBatch = (request: TakeRequest, explicit: boolean) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

export class OtlpExporter implements api.OtlpExporter {
  readonly #take: TakeBatch;
  readonly #report: (error: unknown) => void;
  readonly #url: string | undefined;
  readonly #headers: Headers;
  readonly #protocol: Protocol;
  readonly #maxAttempts: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #maxTraces: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #sending: Promise<void> = Promise.resolve();
  #closed = false;
  /** Flushes being awaited by the app. */
  #awaited = 0;
  /** The current back-off wait, so an awaited flush can keep Node alive. */
  #wait: ReturnType<typeof setTimeout> | undefined;
  /** A send loop is queued or running (the interval adds no second one). */
  #busy = false;
  /** Why nothing can be sent (a bad URL, no fetch), reported once. */
  #broken: string | undefined;
  #totals: OtlpExportResult = { batches: 0, failed: 0 };
  readonly #onClose: () => void;

  /**
   * @param take the next batch.
   * @param report hands an error to the tracer's onError.
   */
  constructor(
    take: TakeBatch,
    report: (error: unknown) => void,
    url: unknown,
    options: OtlpExportOptions = {},
    onClose: () => void = () => {},
  ) {
    const opts: OtlpExportOptions = options && typeof options === "object" ? options : {};
    this.#take = take;
    this.#report = report;
    this.#onClose = onClose;
    try {
      this.#url = new URL(url as string).href;
    } catch {
      this.#broken = `"${safe(url)}" is not a URL such as http://127.0.0.1:4318/v1/traces`;
    }
    if (typeof fetch !== "function") this.#broken ??= "this runtime has no fetch()";
    if (this.#broken) report(new Error(`OTLP export: ${this.#broken}; nothing will be sent`));
    const protocol: unknown = opts.protocol ?? "http/protobuf";
    this.#protocol = typeof protocol === "string" && protocol in PROTOCOLS ? (protocol as Protocol) : "http/protobuf";
    if (this.#protocol !== protocol) {
      report(new Error(`OTLP protocol "${safe(protocol)}" is not supported; use "http/protobuf" or "http/json" (sending http/protobuf)`));
    }
    // Any HeadersInit (object, array of pairs, Headers); ours sets the type.
    let headers: Headers;
    try {
      headers = new Headers(opts.headers ?? {});
    } catch (error) {
      report(new Error(`OTLP export: headers are not usable (${(error as Error).message}); sending without them`));
      headers = new Headers();
    }
    headers.set("content-type", PROTOCOLS[this.#protocol]);
    this.#headers = headers;
    this.#maxAttempts = positive(opts.maxAttempts, 5);
    this.#backoffMs = positive(opts.initialBackoffMs, 1000);
    this.#timeoutMs = positive(opts.timeoutMs, 10000);
    this.#maxTraces = positive(opts.maxTracesPerBatch, 256);
    const interval = positive(opts.intervalMs, 1000);
    this.#timer = setInterval(() => this.#queueSend(), interval);
    unref(this.#timer); // never keep a Node process alive for tracing
  }

  /** Sends every ended trace not sent yet; resolves when done. */
  async flush(): Promise<OtlpExportResult> {
    return this.#awaitSend(false);
  }

  /**
   * Stops the timer after a last flush, which also sends ended traces whose
   * observations are still running, as they are.
   */
  async shutdown(): Promise<OtlpExportResult> {
    clearInterval(this.#timer);
    const result = await this.#awaitSend(true);
    if (!this.#closed) {
      this.#closed = true;
      this.#onClose();
    }
    return result;
  }

  async #awaitSend(force: boolean): Promise<OtlpExportResult> {
    this.#awaited++;
    ref(this.#wait); // a retry already waiting must now hold Node open
    try {
      await this.#queueSend(force);
    } finally {
      this.#awaited--;
    }
    return { ...this.#totals };
  }

  // One send loop at a time, so batches go out in order; the interval does
  // not queue another while one is pending (a long outage must not pile up).
  #queueSend(force = false): Promise<void> {
    if (!force && this.#busy && this.#awaited === 0) return this.#sending;
    this.#busy = true;
    this.#sending = this.#sending
      .then(() => this.#sendAll(force))
      .catch((error) => this.#report(error))
      .finally(() => (this.#busy = false));
    return this.#sending;
  }

  async #sendAll(force: boolean): Promise<void> {
    if (this.#closed || this.#broken) return;
    for (;;) {
      const request: TakeRequest = {
        encoding: this.#protocol === "http/protobuf" ? "protobuf" : "json",
        max: this.#maxTraces,
        shutdown: force,
      };
      // Explicit: a flush() or shutdown() awaits it (not the interval).
      const body = await this.#take(request, this.#awaited > 0);
      if (!body) return;
      const ok = await this.#send(body);
      this.#totals.batches++;
      if (!ok) this.#totals.failed++;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wait = setTimeout(() => {
        this.#wait = undefined;
        resolve();
      }, ms);
      if (this.#awaited === 0) unref(this.#wait);
    });
  }

  /** One request with retries; false when it was given up. */
  async #send(body: Uint8Array): Promise<boolean> {
    let wait = this.#backoffMs;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retryAfter: number | undefined;
      try {
        const init: RequestInit = { method: "POST", headers: this.#headers, body: body as Uint8Array<ArrayBuffer> };
        if (typeof AbortSignal?.timeout === "function") init.signal = AbortSignal.timeout(this.#timeoutMs);
        // #sendAll runs only when the URL was usable.
        const response = await fetch(this.#url!, init);
        if (response.ok) return true;
        const detail = (await response.text().catch(() => "")).slice(0, 200);
        problem = `HTTP ${response.status}${detail ? `: ${detail}` : ""}`;
        if (!RETRYABLE.has(response.status)) {
          this.#report(new Error(`OTLP export to ${this.#url} was refused (${problem}); the batch is dropped`));
          return false;
        }
        retryAfter = seconds(response.headers.get("retry-after"));
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      if (attempt >= this.#maxAttempts) {
        this.#report(new Error(`OTLP export to ${this.#url} failed after ${attempt} attempts (${problem}); the batch is dropped`));
        return false;
      }
      // Exponential back-off with jitter, or what the server asked for.
      await this.#sleep(retryAfter ?? wait * (0.5 + Math.random()));
      wait = Math.min(wait * 2, 30000);
    }
  }
}

function safe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function positive(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Retry-After in seconds, as milliseconds (dates are not honoured). */
function seconds(header: string | null): number | undefined {
  const n = Number(header);
  return header && Number.isFinite(n) && n >= 0 ? Math.min(n * 1000, 60000) : undefined;
}
