//! Read, change and write in one transaction: the import worker's way to
//! store a file. The stored records of the traces a file touches are read,
//! the core merges the file over them, and the changed traces are written,
//! with no other writer between (IndexedDB runs overlapping readwrite
//! transactions one after the other): a trace deleted or cleared by
//! another tab meanwhile is never written back from an older read.

use std::cell::Cell;
use std::rc::Rc;

use prompttrace::rollup::IndexRow;
use prompttrace::{PriceTable, Store};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbRequest, IdbTransactionMode};

use super::read::records_in;
use super::write::{put_rows, Record, Written};
use super::{database, idb, INDEX, TRACES};

/// What the change made of the stored records.
pub struct Update<R> {
    /// The store to write from.
    pub store: Store,
    /// The keys to write as `store` holds them (never one whose stored
    /// record could not be read: that one is kept as it is).
    pub keys: Vec<String>,
    /// Anything else the caller wants back (the import's report).
    pub extra: R,
}

/// Reads the records under `keys`, gives them to `change` (which runs at
/// once, in the transaction: it must not wait on anything), and writes
/// what it returns. All of it is stored, or none of it. `mark` is told as
/// each stage ends (the import's timings); `saved` how far IndexedDB has
/// got with the writes (done, of), while the commit is awaited.
pub async fn update<R>(
    keys: &[String],
    prices: &PriceTable,
    mark: &mut impl FnMut(&'static str),
    saved: impl Fn(usize, usize) + 'static,
    change: impl FnOnce(Vec<Option<Result<String, String>>>) -> Result<Update<R>, String>,
) -> Result<(Written, R), String> {
    let database = database().await?;
    let transaction = idb::transaction(&database, &[TRACES, INDEX], IdbTransactionMode::Readwrite)?;
    let finished = idb::finished(&transaction);
    let progress = Progress::new(saved);
    let filled = async {
        let traces = idb::store(&transaction, TRACES)?;
        let index = idb::store(&transaction, INDEX)?;
        let stored = records_in(&traces, keys).await?;
        mark("stored records read");
        let update = change(stored)?;
        mark("merge");
        let mut rows: Vec<IndexRow> = Vec::new();
        for key in update.keys {
            let record = Record::of(&update.store, prices, key);
            let js_key = JsValue::from_str(&record.key);
            let request = match record.text {
                Some(text) => traces.put_with_key(&JsValue::from_str(&text), &js_key),
                None => traces.delete(&js_key),
            }
            .map_err(|e| idb::describe(&e))?;
            progress.watch(&request);
            rows.extend(record.row);
        }
        put_rows(&index, &rows, &mut |request| progress.watch(request))?;
        mark("records made and put");
        Ok::<_, String>((rows, update.extra))
    }
    .await;
    let (rows, extra) = idb::settle(&transaction, finished, filled).await?;
    mark("commit");
    Ok((
        Written {
            rows,
            left: Vec::new(),
        },
        extra,
    ))
}

/// How far IndexedDB has got with a change's writes. Its requests succeed
/// in the order they were made, so one handler on every `EVERY`th of them
/// counts them all.
struct Progress {
    made: Rc<Cell<usize>>,
    on_success: Closure<dyn FnMut()>,
}

impl Progress {
    const EVERY: usize = 256;

    fn new(saved: impl Fn(usize, usize) + 'static) -> Progress {
        let made = Rc::new(Cell::new(0));
        let done = Cell::new(0);
        let of = made.clone();
        // Handlers run only once the worker waits on the commit, when every
        // request is made and `made` is their number.
        let on_success = Closure::<dyn FnMut()>::new(move || {
            done.set((done.get() + Self::EVERY).min(of.get()));
            saved(done.get(), of.get());
        });
        Progress { made, on_success }
    }

    fn watch(&self, request: &IdbRequest) {
        let made = self.made.get() + 1;
        self.made.set(made);
        if made % Self::EVERY == 0 {
            request.set_onsuccess(Some(self.on_success.as_ref().unchecked_ref()));
        }
    }
}
