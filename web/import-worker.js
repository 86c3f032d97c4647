// The viewer's import worker loader (web/src/import). `cargo xtask` writes
// it to dist/ as import-worker-VERSION.js, VERSION being a hash of the
// worker's glue and wasm, so a new build never meets a cached older one
// (xtask/src/viewer.rs).

// A wasm trap, or any uncaught error, must not leave a write half done:
// the IndexedDB transactions this worker opened and that are still open
// are aborted, before IndexedDB could commit what they put so far.
const open = new Set();
const transaction = IDBDatabase.prototype.transaction;
IDBDatabase.prototype.transaction = function (...args) {
  const opened = transaction.apply(this, args);
  open.add(opened);
  const settled = () => open.delete(opened);
  for (const end of ["complete", "abort", "error"]) opened.addEventListener(end, settled);
  return opened;
};
const abortAll = () => {
  for (const opened of open) {
    try {
      opened.abort();
    } catch {
      // finished meanwhile
    }
  }
  open.clear();
};
self.addEventListener("error", abortAll);

// A worker whose start fails is otherwise silent to the page.
const failed = (error) => postMessage({ kind: "failed", error: `the import worker could not start (${error})` });
// The npm package's openViewer serves this script with the worker's glue
// before it (one file, so a bundler never inlines it as a data: URL, whose
// worker could not open IndexedDB) and the wasm's address in its own.
const given = new URLSearchParams(self.location.hash.slice(1));
try {
  if (typeof wasm_bindgen === "undefined") importScripts("./prompttrace-import.js?v=VERSION");
  wasm_bindgen({ module_or_path: given.get("wasm") ?? "./prompttrace-import_bg.wasm?v=VERSION" }).catch(failed);
} catch (error) {
  failed(error);
}
