// What a tracer keeps beyond memory, and how much it keeps in memory: its
// storage (appending after each write, or saving at flush), the bound on
// traces in memory, and warnings about stored data, each reported once.
// The rules (what changed, the merge, what may leave memory) are the
// core's; this schedules them and routes every failure to `report`.

import type { LeanCore as Core } from "./cores.mjs";
import { type Storage, type Stored, storageFor } from "./storage.mjs";
import type { Summary, TracerOptions } from "./types.mjs";

/** Traces kept in memory once saved or sent, unless `maxTracesInMemory` says otherwise. */
const MAX_TRACES_IN_MEMORY = 1000;

export class Keeping {
  /** The tracer's core now (a browser tracer moves to the full core on first use of it). */
  readonly #core: () => Core;
  /** The tracer's `setPrices`, for the index rows of merged traces. */
  readonly #prices: () => readonly string[];
  readonly #report: (error: unknown) => void;
  readonly #storage: Storage;
  readonly #maxTraces: number;
  /** Saves in flight: what they took from the core is not stored yet. */
  #saving = 0;
  /** Exporters waiting for the full core to watch what ends: nothing may leave memory unseen by them. */
  #unwatched = 0;
  /** Warnings about stored data already reported (a summary reads the file again). */
  readonly #warned = new Set<string>();

  constructor(core: () => Core, prices: () => readonly string[], options: TracerOptions, report: (error: unknown) => void) {
    this.#core = core;
    this.#prices = prices;
    this.#report = report;
    this.#storage = storageFor(options.storage ?? "memory", options.storageKey, report);
    if (this.watches) core().watchChanges();
    this.#maxTraces = maxTraces(options.maxTracesInMemory, report);
  }

  /** Whether the core notes what changes (storage keeps a copy). */
  get watches(): boolean {
    return this.#storage.kind !== "memory";
  }

  get name(): string {
    return this.#storage.name;
  }

  /** Everything stored, to import (`Tracer.load`). */
  read(): Promise<Stored[]> {
    return this.#storage.read();
  }

  /** After records were written in the core: file storage appends them; what is saved may leave memory. */
  written(): void {
    try {
      if (this.#storage.kind !== "append") return;
      this.#storage.append(this.#core());
      this.evict();
    } catch (error) {
      this.#report(error);
    }
  }

  /** `flush()`: storage that saves at flush saves what changed, then what is saved may leave memory. Rejects on failure. */
  async flush(): Promise<void> {
    if (this.#storage.kind !== "flush") return;
    this.#saving++;
    try {
      await this.#storage.save(this.#core, this.#prices()); // read when used: the tracer may move cores meanwhile
    } finally {
      this.#saving--;
    }
    this.evict();
  }

  /** Lets saved (and sent) traces beyond `maxTracesInMemory` leave memory (core's `retention` rule). */
  evict(): void {
    if (this.#storage.unsaved || this.#saving > 0) return; // something taken is not stored yet
    if (this.#unwatched > 0) return; // an exporter has not seen what ended yet
    try {
      this.#core().evict(this.#maxTraces);
    } catch (error) {
      this.#report(error);
    }
  }

  /** An exporter starts waiting for the core to watch for it (1), or stops (-1). */
  exporterWaits(change: 1 | -1): void {
    this.#unwatched += change;
  }

  /** With file storage, the summary of the whole file with memory merged over it; else undefined. */
  summary(): Summary | undefined {
    return this.#storage.summary?.(this.#core(), (problems) => this.warnOnce(problems));
  }

  /** After `clear()`: a stored copy that cannot be read may be replaced. */
  allowReplace(): void {
    this.#storage.allowReplace();
  }

  /** Reports each warning about stored data once. */
  warnOnce(warnings: readonly string[]): void {
    for (const warning of warnings) {
      if (this.#warned.has(warning)) continue;
      this.#warned.add(warning);
      this.#report(new Error(warning));
    }
  }
}

/** `maxTracesInMemory`: a number ≥ 0, or Infinity (nothing leaves memory). */
function maxTraces(value: unknown, report: (error: Error) => void): number {
  if (value === undefined) return MAX_TRACES_IN_MEMORY;
  if (typeof value === "number" && value >= 0 && !Number.isNaN(value)) return value;
  report(new Error(`maxTracesInMemory must be a number ≥ 0 or Infinity, not ${String(value)}; using ${MAX_TRACES_IN_MEMORY}`));
  return MAX_TRACES_IN_MEMORY;
}
