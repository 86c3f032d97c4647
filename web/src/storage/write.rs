//! Writing one change in one transaction: the records and index rows of
//! the traces it touched, deletions, "clear everything", and the end of a
//! migration. A record another tab stored under the same key meanwhile is
//! merged with this tab's (core's `Store::import`: the stored record, then
//! this tab's), never written over.

use prompttrace::format::{self, jsonl};
use prompttrace::rollup::IndexRow;
use prompttrace::{PriceTable, Store};
use wasm_bindgen::JsValue;
use web_sys::{IdbObjectStore, IdbTransaction, IdbTransactionMode};

use super::{
    database, has_files, idb, FILES, INDEX, LAYOUT, LAYOUT_KEY, META, OLD_DATABASE, TRACES,
};

/// One key's record and row as this tab holds them.
pub struct Record {
    /// A trace id, or `jsonl::WITHOUT_TRACE`.
    pub key: String,
    /// `None`: the tab holds nothing under this key any more (deleted).
    pub text: Option<String>,
    /// `None` for `jsonl::WITHOUT_TRACE`, which has no row.
    pub row: Option<IndexRow>,
}

impl Record {
    pub fn of(store: &Store, prices: &PriceTable, key: String) -> Record {
        Record {
            text: jsonl::write_trace(store, &key),
            row: store
                .trace(&key)
                .map(|entry| IndexRow::of(store, entry, prices)),
            key,
        }
    }
}

/// One change: all of it is stored, or none of it.
#[derive(Default)]
pub struct Change {
    /// Every record and row goes first, and what layout v1 left ("Clear
    /// everything": the user's word, even over a v1 store that could not
    /// be read).
    pub clear: bool,
    /// Records to put or delete.
    pub records: Vec<Record>,
    /// The end of a migration: `meta` says layout 2, the npm package's v1
    /// `files` are emptied, and once committed the viewer's v1 database is
    /// deleted.
    pub migrate: bool,
}

/// Writes a change in one transaction; the reason when it was not stored
/// (nothing of it was, then).
pub async fn write(change: Change, prices: &PriceTable) -> Result<(), String> {
    let database = database().await?;
    let cleans = change.clear || change.migrate;
    let with_files = cleans && has_files(&database);
    let mut stores = vec![TRACES, INDEX];
    if cleans {
        stores.push(META);
    }
    if with_files {
        stores.push(FILES);
    }
    let transaction = idb::transaction(&database, &stores, IdbTransactionMode::Readwrite)?;
    let finished = idb::finished(&transaction);
    if let Err(error) = fill(&transaction, &change, prices, with_files).await {
        let _ = transaction.abort();
        return Err(error);
    }
    // Without `commit` (older browsers) it commits once nothing is pending;
    // web-sys marks it deprecated only because IndexedDB 2 had dropped it.
    #[allow(deprecated)]
    let _ = transaction.commit();
    finished
        .await
        .map_err(|_| idb::abort_reason(&transaction))?;
    if cleans {
        idb::delete_later(OLD_DATABASE);
    }
    Ok(())
}

async fn fill(
    transaction: &IdbTransaction,
    change: &Change,
    prices: &PriceTable,
    with_files: bool,
) -> Result<(), String> {
    let failed = |e: JsValue| idb::describe(&e);
    let traces = idb::store(transaction, TRACES)?;
    let index = idb::store(transaction, INDEX)?;
    if change.clear {
        traces.clear().map_err(failed)?;
        index.clear().map_err(failed)?;
    }
    if change.clear || change.migrate {
        if with_files {
            idb::store(transaction, FILES)?.clear().map_err(failed)?;
        }
        idb::store(transaction, META)?
            .put_with_key(&JsValue::from(LAYOUT), &JsValue::from_str(LAYOUT_KEY))
            .map_err(failed)?;
    }
    let stored = if change.clear {
        vec![None; change.records.len()]
    } else {
        stored_texts(&traces, &change.records).await?
    };
    for (record, stored) in change.records.iter().zip(stored) {
        let key = JsValue::from_str(&record.key);
        let Some(ours) = &record.text else {
            traces.delete(&key).map_err(failed)?;
            index.delete(&key).map_err(failed)?;
            continue;
        };
        let merged = match stored {
            Some(stored) if stored != *ours => Some(merge(&record.key, &stored, ours, prices)?),
            _ => None,
        };
        let (text, row) = match &merged {
            Some((text, row)) => (text, row.as_ref()),
            None => (ours, record.row.as_ref()),
        };
        traces
            .put_with_key(&JsValue::from_str(text), &key)
            .map_err(failed)?;
        if let Some(row) = row {
            index.put_with_key(&row_value(row), &key).map_err(failed)?;
        }
    }
    Ok(())
}

/// What is stored under each record's key to put (`None` for deletions and
/// for keys nothing is stored under). All asked at once, then awaited.
async fn stored_texts(
    traces: &IdbObjectStore,
    records: &[Record],
) -> Result<Vec<Option<String>>, String> {
    let mut asked = Vec::with_capacity(records.len());
    for record in records {
        asked.push(match record.text {
            None => None,
            Some(_) => {
                let request = traces
                    .get(&JsValue::from_str(&record.key))
                    .map_err(|e| idb::describe(&e))?;
                Some(idb::done(&request))
            }
        });
    }
    let mut stored = Vec::with_capacity(asked.len());
    for answer in asked {
        stored.push(match answer {
            None => None,
            Some(answer) => answer.await?.as_string(),
        });
    }
    Ok(stored)
}

/// The stored record merged with this tab's: core's import of the stored
/// one, then of ours (docs/storage-v2.md).
fn merge(
    key: &str,
    stored: &str,
    ours: &str,
    prices: &PriceTable,
) -> Result<(String, Option<IndexRow>), String> {
    let mut merged = Store::new();
    format::import(
        &mut merged,
        &format!("stored trace {key}"),
        stored.as_bytes(),
    )
    .map_err(|e| format!("{e}; the stored record is left as it is"))?;
    format::import(&mut merged, key, ours.as_bytes()).map_err(|e| e.to_string())?;
    let text = jsonl::write_trace(&merged, key).unwrap_or_else(|| ours.to_string());
    let row = merged
        .trace(key)
        .map(|entry| IndexRow::of(&merged, entry, prices));
    Ok((text, row))
}

/// A row as the plain JS object the layout stores.
fn row_value(row: &IndexRow) -> JsValue {
    let json = serde_json::to_string(row).expect("index rows always serialize");
    js_sys::JSON::parse(&json).expect("serde_json writes JSON")
}
