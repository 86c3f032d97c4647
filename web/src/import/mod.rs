//! Importing files off the main thread. The page hands files (`Blob`s) to
//! a dedicated worker (`worker.rs`, the `prompttrace-import` binary), which
//! reads each one in chunks (reporting bytes read of total), imports it
//! with the core, all of it or none of it, into a store holding what is
//! stored of the traces it touches, and writes those traces in one
//! IndexedDB transaction (`file.rs`). The page (`client.rs`) gets back the
//! index rows written and updates its lists; it never holds the file.
//!
//! A worker does one batch of files and is then let go, so the memory a
//! large import took goes with it. "Cancel" terminates it: the file under
//! way was not committed, so nothing of it is stored. A wasm trap in the
//! worker is its `error` event: the page names the file, and what was
//! stored before is kept (the transaction never committed).
//!
//! Messages, worker → page (plain objects, `kind` says which):
//! `ready`; `progress {file, read, total}`; `importing {file}`;
//! `done {file, ok: true, rows: JSON text, keys: [..], report: text,
//! warnings: [..], left: [..]}` or `done {file, ok: false, error}`;
//! `finished`. Page → worker, once `ready`: `{files: [{name, blob}]}`.

mod client;
mod file;
pub mod queue;
pub mod worker;
