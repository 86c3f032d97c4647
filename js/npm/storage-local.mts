// `storage: "localStorage"`: checked at once, and saved by
// storage-local-saves.mts, imported on the first read or save, so a
// browser app that keeps its traces elsewhere does not ship it.

import type { LeanCore as Core } from "./cores.mjs";
import type { Storage, Stored } from "./storage.mjs";

export function localStorage(key: string, report: (error: Error) => void): Storage | undefined {
  let store: globalThis.Storage | undefined;
  try {
    store = globalThis.localStorage;
  } catch {
    // Some browsers throw on access when storage is blocked.
  }
  if (!store) {
    report(new Error("localStorage is not available here; traces stay in memory"));
    return undefined;
  }
  return new LazyLocalStorage(store, key);
}

/** localStorage's face until its saves are imported; then theirs. */
class LazyLocalStorage implements Storage {
  readonly name: string;
  readonly kind = "flush";
  readonly #store: globalThis.Storage;
  readonly #key: string;
  #saves: Storage | undefined;
  #loading: Promise<Storage> | undefined;
  #replace = false;

  constructor(store: globalThis.Storage, key: string) {
    this.#store = store;
    this.#key = key;
    this.name = `localStorage:${key}`;
    // Fetched soon after start, not at the first save: a flush() in a
    // pagehide handler has no time to wait for a download.
    setTimeout(() => this.#load().catch(() => {}), 0);
  }

  /** Nothing is taken from the core before the saves are there. */
  get unsaved(): boolean {
    return this.#saves?.unsaved ?? false;
  }

  async read(): Promise<Stored[]> {
    const saves = await this.#load().catch((error: unknown) => {
      throw new Error(`could not read localStorage: its reader could not be loaded (${why(error)})`);
    });
    return saves.read();
  }

  async save(core: () => Core, prices: readonly string[]): Promise<void> {
    const saves = await this.#load().catch((error: unknown) => {
      throw new Error(`not saved: localStorage's saves could not be loaded (${why(error)}); the traces stay in memory`);
    });
    return saves.save(core, prices);
  }

  append(): void {}

  readNow(): null {
    return null;
  }

  allowReplace(): void {
    this.#replace = true;
    this.#saves?.allowReplace();
  }

  #load(): Promise<Storage> {
    this.#loading ??= import("./storage-local-saves.mjs").then(
      ({ localSaves }) => {
        this.#saves = localSaves(this.#store, this.#key);
        if (this.#replace) this.#saves.allowReplace();
        return this.#saves;
      },
      (error: unknown) => {
        this.#loading = undefined; // the next read or save tries again
        throw error;
      },
    );
    return this.#loading;
  }
}

const why = (error: unknown): string => (error as Error)?.message ?? String(error);
