// localStorage: one JSON Lines file under one key. A save merges the
// records changed since the last save into the stored file (core's merge)
// and writes it back with one setItem, so a failed write (quota exceeded,
// private mode) leaves the earlier copy as it was. Merging reads the stored
// file, which only the full core can: the first save, with nothing stored,
// writes what is in memory without it. Imported on first use
// (storage-local.mts): a browser app that does not choose localStorage
// does not ship it.

import { type FullCore, type LeanCore as Core, newFullCore } from "./cores.mjs";
import { Merger, takeChanges, withWhole } from "./storage-merge.mjs";
import type { Storage, Stored } from "./storage.mjs";

/** localStorage under `key`, which the caller found usable. */
export function localSaves(store: globalThis.Storage, key: string): Storage {
  return new LocalStorage(store, key);
}

class LocalStorage implements Storage {
  readonly name: string;
  readonly kind = "flush";
  readonly #store: globalThis.Storage;
  readonly #key: string;
  /** Changed records a failed save took from the core, by trace: saved with the next one. */
  #retry = new Map<string, string>();
  /** `clear()` was called: a stored file that cannot be read is replaced. */
  #replace = false;

  constructor(store: globalThis.Storage, key: string) {
    this.#store = store;
    this.#key = key;
    this.name = `localStorage:${key}`;
  }

  get unsaved(): boolean {
    return this.#retry.size > 0;
  }

  async read(): Promise<Stored[]> {
    const text = this.#store.getItem(this.#key);
    return text === null ? [] : [{ name: this.name, data: text }];
  }

  async save(tracerCore: () => Core, prices: readonly string[]): Promise<void> {
    if (this.#retry.size === 0 && !this.#replace && this.#store.getItem(this.#key) === null) {
      // Nothing stored to merge with: the common first save needs no reader.
      return this.#write(tracerCore, undefined);
    }
    let scratch: FullCore;
    try {
      scratch = await newFullCore(); // it reads the stored file
    } catch (error) {
      throw new Error(`not saved: the stored traces can only be merged by the full wasm core, which could not be loaded (${(error as Error).message}); the traces stay in memory`);
    }
    const merger = new Merger(scratch, prices);
    try {
      this.#write(tracerCore, merger);
    } finally {
      merger.free();
    }
  }

  /** Merges (with `merger`; none when nothing is stored) and writes, synchronously: the tracer's core does not move meanwhile. */
  #write(tracerCore: () => Core, merger: Merger | undefined): void {
    const core = tracerCore();
    const changes = takeChanges(core, this.#retry);
    this.#retry = new Map();
    if (changes.size === 0 && !this.#replace) return;
    const keep = (why: Error): Error => {
      this.#retry = changes;
      return why;
    };
    if (!merger) {
      // Nothing is stored: the file is the changed traces, whole (each
      // trace's record is a file of its own: one header, then their lines).
      const records = [...withWhole(core, changes).values()].map((ours) => ours.whole ?? ours.changed);
      const header = records[0]?.slice(0, records[0].indexOf("\n") + 1) ?? "";
      try {
        this.#store.setItem(this.#key, header + records.map((text) => text.slice(text.indexOf("\n") + 1)).join(""));
      } catch (error) {
        const { name, message } = error as Error;
        throw keep(new Error(`could not save traces to localStorage (${name}: ${message}); the earlier copy is kept`));
      }
      return;
    }
    // Each trace's changed records, merged over the stored copy (a record
    // this tracer did not change stays as another tab stored it).
    const ours = withWhole(core, changes);
    let merged;
    try {
      merged = merger.file(this.#store.getItem(this.#key), ours, this.name);
    } catch {
      if (!this.#replace) {
        throw keep(new Error("not saved: the stored traces could not be read and are kept as they are; call clear() to replace them"));
      }
      merged = merger.file(null, ours, this.name);
    }
    try {
      this.#store.setItem(this.#key, merged.text);
    } catch (error) {
      const { name, message } = error as Error;
      throw keep(new Error(`could not save traces to localStorage (${name}: ${message}); the earlier copy is kept`));
    }
    this.#replace = false;
    if (merged.failed.size > 0) {
      for (const id of merged.failed.keys()) this.#retry.set(id, changes.get(id) ?? "");
      const [[id, error]] = merged.failed;
      throw new Error(`trace "${id}" could not be merged with the stored copy (${(error as Error).message}); it stays in memory`);
    }
  }

  append(): void {}

  readNow(): null {
    return null;
  }

  allowReplace(): void {
    this.#replace = true;
  }
}
