// Where the tracer keeps traces beyond memory, and where `Tracer.load()`
// finds them: nothing (memory), localStorage, IndexedDB (the viewer's
// layout v2) or a JSON Lines file (Node). Saving always adds to what is
// stored: a trace that is stored already is merged by the core (the stored
// record, then this tracer's), never replaced by JS. Failures go to
// onError, and what could not be saved is kept to try again.

import type { LeanCore as Core } from "./cores.mjs";
import type { Summary } from "./types.mjs";
import { indexedStorage } from "./storage-indexeddb.mjs";
import { localStorage } from "./storage-local.mjs";

/** One stored file (or one trace's record) to import, with a name for messages. */
export interface Stored {
  name: string;
  data: string | Uint8Array;
}

/** One storage backend. */
export interface Storage {
  /** For messages. */
  readonly name: string;
  /**
   * "memory": nothing is kept; "flush": `flush()` saves the traces changed
   * since the last save; "append": each record is appended as it is
   * written (the queue's apply), and `flush()` has nothing left to do.
   */
  readonly kind: "memory" | "flush" | "append";
  /** Something taken from the core is not saved yet: memory must keep it. */
  readonly unsaved: boolean;
  /** Everything stored, to import in order (`Tracer.load`). Rejects when it cannot be read. */
  read(): Promise<Stored[]>;
  /**
   * "flush": saves what the core changed since the last save; rejects
   * (keeping what is stored, and what failed to retry) when it cannot.
   * `core` gives the tracer's core now: a browser tracer may move to the
   * full core (and free the other) while a save waits. `prices` are the
   * tracer's `setPrices` (JSON): a merge's scratch core takes them, so a
   * merged trace's index row costs what the tracer's own rows do.
   */
  save(core: () => Core, prices: readonly string[]): Promise<void>;
  /** "append": appends what `core` wrote since the last append; failures go to `report`, and the lines to retry. */
  append(core: Core): void;
  /** "append": the stored file, read now (a tracer's summary covers it); null when there is none. */
  readNow(): Uint8Array | null;
  /**
   * "append" (a file): the summary of the whole file with memory (`core`)
   * merged over it; undefined when the file cannot be read (reported).
   * `warn` takes the lines the file's reader skipped.
   */
  summary?(core: Core, warn: (problems: string[]) => void): Summary | undefined;
  /** After `clear()`: a stored copy that cannot be read may be replaced. */
  allowReplace(): void;
}

/** `{ file }`: Node only. */
export interface FileOption {
  file: string | URL;
}

export const memory: Storage = {
  name: "memory",
  kind: "memory",
  unsaved: false,
  read: async () => [],
  save: async () => {},
  append: () => {},
  readNow: () => null,
  allowReplace: () => {},
};

/** `storage: "file"`: what `npx prompttrace view` reads when given no file. */
export const DEFAULT_FILE = ".prompttrace/traces.jsonl";

type FileStorageMaker = (path: unknown, report: (error: Error) => void) => Storage | undefined;

/** Node's file storage, handed over by the Node entry (`storage-file.mts`): a browser bundle carries none of it. */
let fileStorage: FileStorageMaker | undefined;

/** @internal Called by file storage's module, which the Node entry loads. */
export function useFileStorage(make: FileStorageMaker): void {
  fileStorage = make;
}

function file(path: unknown, report: (error: Error) => void): Storage {
  if (!fileStorage) {
    report(new Error("file storage needs Node (a path to append to); traces stay in memory"));
    return memory;
  }
  return fileStorage(path, report) ?? memory;
}

/** The backend an option names; memory (and a report) when it is not usable here. */
export function storageFor(kind: unknown, key: string = "prompttrace", report: (error: Error) => void): Storage {
  if (kind && typeof kind === "object" && "file" in kind) return file((kind as FileOption).file, report);
  switch (kind) {
    case "memory":
      return memory;
    case "localStorage":
      return localStorage(String(key), report) ?? memory;
    case "indexedDB":
      return indexedStorage(report) ?? memory;
    case "file":
      return file(DEFAULT_FILE, report);
    default:
      report(
        new Error(`storage ${describe(kind)} is not one of "memory", "localStorage", "indexedDB", "file", { file: "traces.jsonl" }; traces stay in memory`),
      );
      return memory;
  }
}

function describe(kind: unknown): string {
  try {
    return typeof kind === "string" ? `"${kind}"` : JSON.stringify(kind) ?? String(kind);
  } catch {
    return String(kind);
  }
}
