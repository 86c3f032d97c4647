//! Importing files off the main thread. The page (`queue.rs`, batches
//! one at a time; `client.rs`, one worker) hands files (`Blob`s) to a
//! dedicated worker (`worker.rs`, the `prompttrace-import` binary, started
//! through the loader `web/import-worker.js`), which reads each one in
//! chunks (reporting bytes read of total), imports it with the core, all
//! of it or none of it, over what is stored of the traces it touches, and
//! writes those traces, in one IndexedDB transaction (`file.rs`). The page
//! gets back the index rows written and updates its lists; it never holds
//! the file. Where storage cannot be used, the worker only reads the files
//! and sends their records back (`store: false`).
//!
//! A worker does one batch of files and is then let go, so the memory a
//! large import took goes with it. "Cancel" terminates it: the file under
//! way was not committed, so nothing of it is stored. A wasm trap in the
//! worker is its `error` event, and its loader aborts its open
//! transactions: the page names the file, and what was stored before is
//! kept.
//!
//! Messages, worker → page (plain objects, `kind` says which):
//! `ready`; `failed {error}` (the loader: the worker could not start);
//! `progress {file, read, total}`; `importing {file}`;
//! `done {file, ok: true, rows: JSON text, keys: [..], report: text,
//! warnings: [..], left: [..], records: JSON Lines | null}` or
//! `done {file, ok: false, error}`; `finished`. Once a file is stored,
//! the worker says where its time went in the console (`stages.rs`). Page → worker, once
//! `ready`: `{files: [{name, blob}], store: bool}`.

pub(crate) mod client;
mod file;
pub mod queue;
pub(crate) mod stages;
pub mod worker;
