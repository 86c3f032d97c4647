// Where `flush()` keeps the traces and `Tracer.load()` finds them: memory,
// localStorage or IndexedDB. A backend holds one JSON Lines trace file under
// one key and replaces it whole, so a failed write (quota exceeded, private
// mode) leaves the earlier copy as it was. Failures go to onError.

const DB_NAME = "prompttrace";
const DB_STORE = "files";

const memory = { name: "memory", persistent: false, read: async () => null, write: async () => {} };

export function storageFor(kind, key = "prompttrace", report) {
  switch (kind) {
    case "memory":
      return memory;
    case "localStorage":
      return local(key, report);
    case "indexedDB":
      return indexed(key, report);
    default:
      report(new Error(`storage "${kind}" is not one of "memory", "localStorage", "indexedDB"; traces stay in memory`));
      return memory;
  }
}

function local(key, report) {
  let store;
  try {
    store = globalThis.localStorage;
  } catch {
    // Some browsers throw on access when storage is blocked.
  }
  if (!store) {
    report(new Error("localStorage is not available here; traces stay in memory"));
    return memory;
  }
  return {
    name: `localStorage:${key}`,
    persistent: true,
    read: async () => store.getItem(key),
    write: async (text) => {
      try {
        store.setItem(key, text);
      } catch (error) {
        throw new Error(`could not save traces to localStorage (${error.name}: ${error.message}); the earlier copy is kept`);
      }
    },
  };
}

function indexed(key, report) {
  const factory = globalThis.indexedDB;
  if (!factory) {
    report(new Error("IndexedDB is not available here; traces stay in memory"));
    return memory;
  }
  let opened;
  const open = () =>
    (opened ??= new Promise((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`could not open IndexedDB (${request.error?.message ?? "unknown error"})`));
    }));
  const run = (mode, work) =>
    open().then(
      (db) =>
        new Promise((resolve, reject) => {
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
    read: () => run("readonly", (store) => store.get(key)).then((value) => value ?? null),
    write: (text) => run("readwrite", (store) => store.put(text, key)),
  };
}
