//! Read, change and write in one transaction: the import worker's way to
//! store a file. The stored records of the traces a file touches are read,
//! the core merges the file over them, and the changed traces are written,
//! with no other writer between (IndexedDB runs overlapping readwrite
//! transactions one after the other): a trace deleted or cleared by
//! another tab meanwhile is never written back from an older read.

use prompttrace::rollup::IndexRow;
use prompttrace::{PriceTable, Store};
use wasm_bindgen::JsValue;
use web_sys::IdbTransactionMode;

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
/// each stage ends (the import's timings).
pub async fn update<R>(
    keys: &[String],
    prices: &PriceTable,
    mark: &mut impl FnMut(&'static str),
    change: impl FnOnce(Vec<Option<Result<String, String>>>) -> Result<Update<R>, String>,
) -> Result<(Written, R), String> {
    let database = database().await?;
    let transaction = idb::transaction(&database, &[TRACES, INDEX], IdbTransactionMode::Readwrite)?;
    let finished = idb::finished(&transaction);
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
            match record.text {
                Some(text) => traces.put_with_key(&JsValue::from_str(&text), &js_key),
                None => traces.delete(&js_key),
            }
            .map_err(|e| idb::describe(&e))?;
            rows.extend(record.row);
        }
        put_rows(&index, &rows)?;
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
