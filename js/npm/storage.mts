// Where `flush()` keeps the traces and `Tracer.load()` finds them: memory,
// localStorage or IndexedDB. A backend holds one JSON Lines trace file under
// one key and replaces it whole, so a failed write (quota exceeded, private
// mode) leaves the earlier copy as it was. Failures go to onError.

const DB_NAME = "prompttrace";
const DB_STORE = "files";

/** One storage backend: reads and replaces one trace file. */
export interface Storage {
  /** For messages and as the import's file name. */
  readonly name: string;
  /** False for memory: `flush()` has nothing to write. */
  readonly persistent: boolean;
  /** The stored file, or null when there is none. */
  read(): Promise<string | null>;
  /** Replaces the stored file; rejects (and keeps the earlier copy) when it cannot. */
  write(text: string): Promise<unknown>;
}

const memory: Storage = { name: "memory", persistent: false, read: async () => null, write: async () => {} };

export function storageFor(kind: unknown, key: string = "prompttrace", report: (error: Error) => void): Storage {
  switch (kind) {
    case "memory":
      return memory;
    case "localStorage":
      return local(key, report);
    case "indexedDB":
      return indexed(key, report);
    default:
      report(new Error(`storage "${String(kind)}" is not one of "memory", "localStorage", "indexedDB"; traces stay in memory`));
      return memory;
  }
}

function local(key: string, report: (error: Error) => void): Storage {
  let store: globalThis.Storage | undefined;
  try {
    store = globalThis.localStorage;
  } catch {
    // Some browsers throw on access when storage is blocked.
  }
  if (!store) {
    report(new Error("localStorage is not available here; traces stay in memory"));
    return memory;
  }
  const found = store;
  return {
    name: `localStorage:${key}`,
    persistent: true,
    read: async () => found.getItem(key),
    write: async (text) => {
      try {
        found.setItem(key, text);
      } catch (error) {
        const { name, message } = error as Error;
        throw new Error(`could not save traces to localStorage (${name}: ${message}); the earlier copy is kept`);
      }
    },
  };
}

function indexed(key: string, report: (error: Error) => void): Storage {
  const factory: IDBFactory | undefined = globalThis.indexedDB;
  if (!factory) {
    report(new Error("IndexedDB is not available here; traces stay in memory"));
    return memory;
  }
  let opened: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> =>
    (opened ??= new Promise((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`could not open IndexedDB (${request.error?.message ?? "unknown error"})`));
    }));
  const run = <T,>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> =>
    open().then(
      (db) =>
        new Promise<T>((resolve, reject) => {
          const transaction = db.transaction(DB_STORE, mode);
          const request = work(transaction.objectStore(DB_STORE));
          transaction.oncomplete = () => resolve(request.result);
          const fail = () => {
            const error = transaction.error ?? request.error;
            reject(new Error(`IndexedDB ${mode === "readonly" ? "read" : "write"} failed (${error?.name ?? "AbortError"}: ${error?.message ?? "aborted"}); the earlier copy is kept`));
          };
          transaction.onabort = fail;
          transaction.onerror = fail;
        }),
    );
  return {
    name: `indexedDB:${key}`,
    persistent: true,
    // The record is the text `write` put there (anything else is refused by the import).
    read: () => run("readonly", (store): IDBRequest<string | undefined> => store.get(key)).then((value) => value ?? null),
    write: (text) => run("readwrite", (store) => store.put(text, key)),
  };
}
