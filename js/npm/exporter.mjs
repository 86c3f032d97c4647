// OTLP/HTTP export: sends ended traces to a collector, Langfuse, Phoenix or
// any OTLP backend, in batches, retried with back-off. The core encodes the
// requests (JSON or protobuf) and remembers what it handed over; this file
// only schedules, sends and retries, and never throws into the app.

const PROTOCOLS = {
  "http/protobuf": "application/x-protobuf",
  "http/json": "application/json",
};

/** Statuses worth another try (OTLP/HTTP spec: retryable responses). */
const RETRYABLE = new Set([429, 502, 503, 504]);

// A back-off wait keeps Node alive only while someone awaits a flush: a
// background retry must not hold a finished script open.
const sleep = (ms, keepAlive) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer?.unref?.();
  });

export class OtlpExporter {
  #take;
  #report;
  #url;
  #headers;
  #protocol;
  #maxAttempts;
  #backoffMs;
  #timeoutMs;
  #maxTraces;
  #timer;
  #sending = Promise.resolve();
  #closed = false;
  /** Flushes being awaited by the app. */
  #awaited = 0;
  #totals = { batches: 0, failed: 0 };

  /**
   * @param take `(protobuf, max) => Uint8Array | undefined`: the next batch.
   * @param report hands an error to the tracer's onError.
   */
  constructor(take, report, url, options = {}) {
    const opts = options && typeof options === "object" ? options : {};
    this.#take = take;
    this.#report = report;
    this.#url = String(url);
    this.#protocol = opts.protocol ?? "http/protobuf";
    if (!(this.#protocol in PROTOCOLS)) {
      report(new Error(`OTLP protocol "${this.#protocol}" is not supported; use "http/protobuf" or "http/json" (sending http/protobuf)`));
      this.#protocol = "http/protobuf";
    }
    this.#headers = { ...(opts.headers ?? {}), "content-type": PROTOCOLS[this.#protocol] };
    this.#maxAttempts = positive(opts.maxAttempts, 5);
    this.#backoffMs = positive(opts.initialBackoffMs, 1000);
    this.#timeoutMs = positive(opts.timeoutMs, 10000);
    this.#maxTraces = positive(opts.maxTracesPerBatch, 256);
    const interval = positive(opts.intervalMs, 1000);
    this.#timer = setInterval(() => this.#queueSend(), interval);
    this.#timer?.unref?.(); // never keep a Node process alive for tracing
  }

  /** Sends every ended trace not sent yet; resolves when done. */
  async flush() {
    this.#awaited++;
    try {
      await this.#queueSend();
    } finally {
      this.#awaited--;
    }
    return { ...this.#totals };
  }

  /** Stops the timer after a last flush. */
  async shutdown() {
    clearInterval(this.#timer);
    const result = await this.flush();
    this.#closed = true;
    return result;
  }

  // One send loop at a time, so batches go out in order.
  #queueSend() {
    this.#sending = this.#sending.then(() => this.#sendAll()).catch((error) => this.#report(error));
    return this.#sending;
  }

  async #sendAll() {
    if (this.#closed) return;
    for (;;) {
      const body = this.#take(this.#protocol === "http/protobuf", this.#maxTraces);
      if (!body) return;
      const ok = await this.#send(body);
      this.#totals.batches++;
      if (!ok) this.#totals.failed++;
    }
  }

  /** One request with retries; false when it was given up. */
  async #send(body) {
    let wait = this.#backoffMs;
    for (let attempt = 1; ; attempt++) {
      let problem;
      let retryAfter;
      try {
        const response = await fetch(this.#url, {
          method: "POST",
          headers: this.#headers,
          body,
          signal: typeof AbortSignal?.timeout === "function" ? AbortSignal.timeout(this.#timeoutMs) : undefined,
        });
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
      await sleep(retryAfter ?? wait * (0.5 + Math.random()), this.#awaited > 0);
      wait = Math.min(wait * 2, 30000);
    }
  }
}

function positive(value, fallback) {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Retry-After in seconds, as milliseconds (dates are not honoured). */
function seconds(header) {
  const n = Number(header);
  return header && Number.isFinite(n) && n >= 0 ? Math.min(n * 1000, 60000) : undefined;
}
