// A tracer's wasm core: the record-only one a browser tracer starts on, or
// the full one (Node; a browser tracer after the first use of what only the
// full one has, see cores.mts), and the move from the first to the second.

import { type FullCore, isFull, type LeanCore, loadedFull, loadFull, loadsLater, newCore } from "./cores.mjs";

export class TracerCore {
  #core: LeanCore = newCore();
  /** Every `setPrices` so far, to give a full core the same prices. */
  readonly #prices: string[] = [];
  /** The move to the full core, once asked for. */
  #upgrading: Promise<FullCore> | undefined;
  /** Whether storage keeps a copy (the full core must note changes too). */
  readonly #watches: () => boolean;

  constructor(watches: () => boolean) {
    this.#watches = watches;
  }

  /** The core now. */
  get now(): LeanCore {
    return this.#core;
  }

  /** Whether the full core loads on first use here (browsers). */
  get lazy(): boolean {
    return loadsLater();
  }

  /** Whether this tracer is on the full core already. */
  get isFull(): boolean {
    return isFull(this.#core);
  }

  /** The prices set (JSON, in order): a scratch core that merges stored records takes them too. */
  get prices(): readonly string[] {
    return this.#prices;
  }

  /** Sets prices in the core (JSON), and remembers them for a full core. */
  setPrices(json: string): void {
    this.#core.setPrices(json);
    this.#prices.push(json);
  }

  /** The full core, now: a browser tracer moves to it if it is loaded. Throws when it is not (callers loaded it). */
  full(): FullCore {
    if (isFull(this.#core)) return this.#core;
    const Full = loadedFull();
    if (!Full) throw new Error("the full wasm core is not loaded");
    this.#upgrade(new Full());
    return this.full();
  }

  /** The full core, loaded on first use (browsers; in Node it is loaded). */
  load(): Promise<FullCore> {
    this.#upgrading ??= loadFull()
      .then(
        () => this.full(),
        (error: unknown) => {
          throw new Error(`prompttrace could not load its full wasm core (${(error as Error)?.message ?? String(error)})`);
        },
      )
      .catch((error: unknown) => {
        // A later call tries again, the move too when it was what failed.
        this.#upgrading = undefined;
        throw error;
      });
    return this.#upgrading;
  }

  /**
   * Starts loading the full core in browsers, where an API that needs it was
   * set up. A failure is reported by the use that waits for it (the spans'
   * load), once, not here too.
   */
  prefetch(): void {
    if (loadsLater() && !isFull(this.#core)) this.load().catch(() => {});
  }

  /**
   * Moves the records to `full`: the same prices, every record (as native
   * JSON Lines), the traces that left memory (a late record for one is
   * still refused, naming `maxTracesInMemory`) and, with storage, the
   * change feed as it was: importing every record notes each as written,
   * so that is dropped and only the records changed since the last save
   * are noted again (put again as they are). Else the next save would
   * merge every record over the stored one, and a stale copy of an ended
   * trace could replace what another tab stored since.
   */
  #upgrade(full: FullCore): void {
    const lean = this.#core;
    const watches = this.#watches();
    for (const prices of this.#prices) full.setPrices(prices);
    if (watches) full.watchChanges();
    // [id, text, …]: each text a JSON Lines file of that trace's changed
    // records; read, not taken, so a failed move leaves the feed as it was.
    const unsaved = watches ? lean.peekChangedTraces() : [];
    try {
      if (lean.traceCount() + lean.observationCount() > 0) {
        full.importLines("memory", encoder.encode(lean.exportLines()));
      }
      full.noteLeft(lean.leftTraces());
      if (watches) full.markSaved();
      for (let i = 1; i < unsaved.length; i += 2) full.importLines("memory (not saved yet)", encoder.encode(unsaved[i]));
    } catch (error) {
      full.free(); // the tracer stays on the record-only core
      throw error;
    }
    this.#core = full;
    lean.free();
  }
}

const encoder = new TextEncoder();
