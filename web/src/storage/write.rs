//! Writing one change in one transaction: the records and index rows of
//! the traces it touched, deletions, "clear everything", and the end of a
//! migration. A record another tab stored under the same key meanwhile is
//! merged with this tab's (core's `Store::import`: the stored record, then
//! this tab's), never written over.

use prompttrace::format::{self, jsonl};
use prompttrace::rollup::IndexRow;
use prompttrace::{PriceTable, Store};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbObjectStore, IdbTransaction, IdbTransactionMode};

use super::read::records_in;
use super::{
    database, has_files, idb, FILES, INDEX, LAYOUT, LAYOUT_KEY, META, OLD_DATABASE, TRACES,
};

/// One key's record and row as a store holds them.
pub struct Record {
    /// A trace id, or `jsonl::WITHOUT_TRACE`.
    pub key: String,
    /// `None`: the store holds nothing under this key (deleted).
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

/// Whether `store` has a record under `key` (else the key is deleted).
fn holds(store: &Store, key: &str) -> bool {
    match key {
        jsonl::WITHOUT_TRACE => !store.observations_without_trace().is_empty(),
        id => store.trace(id).is_some(),
    }
}

/// One change: all of it is stored, or none of it.
#[derive(Default)]
pub struct Change {
    /// Every record and row goes first, and what layout v1 left ("Clear
    /// everything": the user's word, even over a v1 store that could not
    /// be read).
    pub clear: bool,
    /// The keys to write as the store given to [`write`] holds them: put,
    /// or deleted when it holds nothing under the key.
    pub keys: Vec<String>,
    /// The end of a migration: `meta` says layout 2, the npm package's v1
    /// `files` are emptied, and once committed the viewer's v1 database is
    /// deleted.
    pub migrate: bool,
}

/// What a stored change left.
#[derive(Default)]
pub struct Written {
    /// The index rows put, as stored (merged with another tab's record
    /// where there was one): what the lists show now.
    pub rows: Vec<IndexRow>,
    /// Stored records that could not be read: kept as they were, named.
    pub left: Vec<String>,
}

/// Writes a change in one transaction, each key's record made from `store`
/// when it is put (so a large import never holds every record's text at
/// once); the reason when it was not stored (nothing of it was, then).
/// A stored record that cannot be read is kept as it is, said, and the
/// change's other records are written.
pub async fn write(change: &Change, store: &Store, prices: &PriceTable) -> Result<Written, String> {
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
    let filled = fill(&transaction, change, store, prices, with_files).await;
    let written = idb::settle(&transaction, finished, filled).await?;
    if cleans {
        idb::delete_later(OLD_DATABASE);
    }
    Ok(written)
}

async fn fill(
    transaction: &IdbTransaction,
    change: &Change,
    store: &Store,
    prices: &PriceTable,
    with_files: bool,
) -> Result<Written, String> {
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
    let puts: Vec<bool> = change.keys.iter().map(|key| holds(store, key)).collect();
    let stored = if change.clear {
        puts.iter().map(|_| Stored::Nothing).collect()
    } else {
        stored_values(&traces, &change.keys, &puts).await?
    };
    let mut written = Written::default();
    for ((key, put), stored) in change.keys.iter().zip(puts).zip(stored) {
        let js_key = JsValue::from_str(key);
        if !put {
            traces.delete(&js_key).map_err(failed)?;
            index.delete(&js_key).map_err(failed)?;
            continue;
        }
        let record = Record::of(store, prices, key.clone());
        let ours = record.text.as_deref().unwrap_or_default();
        let (text, row) = match to_write(&record, ours, stored, prices) {
            Ok(to_put) => to_put,
            Err(kept) => {
                written.left.push(kept);
                continue;
            }
        };
        traces
            .put_with_key(&JsValue::from_str(&text), &js_key)
            .map_err(failed)?;
        written.rows.extend(row);
    }
    put_rows(&index, &written.rows, &mut |_| {})?;
    Ok(written)
}

/// What is stored under a key, as read back.
#[derive(Debug)]
enum Stored {
    Nothing,
    Text(String),
    /// Something that is not a record's text (another program's value).
    NotText,
}

/// The record and row to put for `record`, given what is stored under its
/// key; what to say instead when the stored record cannot be read (it is
/// kept as it is, and so is this key's row).
fn to_write(
    record: &Record,
    ours: &str,
    stored: Stored,
    prices: &PriceTable,
) -> Result<(String, Option<IndexRow>), String> {
    let kept = |why: String| {
        format!(
            "stored trace {}: {why}; it is left as it is, and this tab's copy of it is not saved",
            record.key
        )
    };
    match stored {
        Stored::Text(stored) if stored != ours => {
            merge(&record.key, &stored, ours, prices).map_err(kept)
        }
        Stored::NotText => Err(kept("the stored value is not a record's text".into())),
        Stored::Nothing | Stored::Text(_) => Ok((ours.to_string(), record.row.clone())),
    }
}

/// What is stored under each key to put (`Nothing` for deletions), read
/// as [`records_in`] reads records.
async fn stored_values(
    traces: &IdbObjectStore,
    keys: &[String],
    puts: &[bool],
) -> Result<Vec<Stored>, String> {
    let to_put: Vec<String> = (keys.iter().zip(puts))
        .filter(|(_, put)| **put)
        .map(|(key, _)| key.clone())
        .collect();
    let mut answers = records_in(traces, &to_put).await?.into_iter();
    Ok(puts
        .iter()
        .map(
            |put| match put.then(|| answers.next().flatten()).flatten() {
                None => Stored::Nothing,
                Some(Ok(text)) => Stored::Text(text),
                Some(Err(_)) => Stored::NotText,
            },
        )
        .collect())
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
    format::import_jsonl(
        &mut merged,
        &format!("stored trace {key}"),
        stored.as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    format::import_jsonl(&mut merged, key, ours.as_bytes()).map_err(|e| e.to_string())?;
    let text = jsonl::write_trace(&merged, key).unwrap_or_else(|| ours.to_string());
    let row = merged
        .trace(key)
        .map(|entry| IndexRow::of(&merged, entry, prices));
    Ok((text, row))
}

/// Puts the index rows, each request shown to `watch`. One JSON text for
/// every row: a call into JS per row costs more than the row (an import
/// of a million spans writes 180,000).
pub(super) fn put_rows(
    index: &IdbObjectStore,
    rows: &[IndexRow],
    watch: &mut impl FnMut(&web_sys::IdbRequest),
) -> Result<(), String> {
    let values: js_sys::Array = rows_value(rows).unchecked_into();
    for (row, value) in rows.iter().zip(values.iter()) {
        let request = index
            .put_with_key(&value, &JsValue::from_str(&row.id))
            .map_err(|e| idb::describe(&e))?;
        watch(&request);
    }
    Ok(())
}

/// Rows as the plain JS objects the layout stores (an array).
fn rows_value(rows: &[IndexRow]) -> JsValue {
    let json = serde_json::to_string(rows).expect("index rows always serialize");
    js_sys::JSON::parse(&json).expect("serde_json writes JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trace t1's record, with the given observations (a JSON array).
    fn record(observations: &str) -> (Record, PriceTable) {
        let prices = PriceTable::builtin();
        let mut store = Store::new();
        let file = format!(
            r#"{{"format":"prompttrace","version":1,"traces":[{{"id":"t1","name":"t","status":"running","started_at":"2024-06-01T00:00:00Z"}}],"observations":{observations}}}"#
        );
        format::import(&mut store, "t1.json", file.as_bytes()).unwrap();
        (Record::of(&store, &prices, "t1".into()), prices)
    }

    #[test]
    fn an_unreadable_stored_record_is_kept_and_named_not_written_over() {
        let (record, prices) = record("[]");
        let ours = record.text.clone().unwrap();
        let kept = to_write(
            &record,
            &ours,
            Stored::Text("{not a record".into()),
            &prices,
        )
        .unwrap_err();
        assert!(kept.starts_with("stored trace t1: "), "{kept}");
        assert!(kept.contains("left as it is"), "{kept}");
        let kept = to_write(&record, &ours, Stored::NotText, &prices).unwrap_err();
        assert!(kept.starts_with("stored trace t1: "), "{kept}");
        assert!(kept.contains("not a record's text"), "{kept}");
    }

    #[test]
    fn a_readable_stored_record_is_merged_and_a_missing_one_is_ours() {
        let (record, prices) = record("[]");
        let ours = record.text.clone().unwrap();
        let (text, row) = to_write(&record, &ours, Stored::Nothing, &prices).unwrap();
        assert_eq!((text.as_str(), row), (ours.as_str(), record.row.clone()));
        // Another tab stored a step of t1 this tab has not seen.
        let (theirs, _) = self::record(
            r#"[{"id":"o1","trace_id":"t1","type":"span","name":"step","status":"running","started_at":"2024-06-01T00:00:01Z"}]"#,
        );
        let stored = theirs.text.unwrap();
        let (text, row) = to_write(&record, &ours, Stored::Text(stored), &prices).unwrap();
        assert!(
            text.contains(r#""o1""#),
            "merged in, not written over: {text}"
        );
        assert_eq!(row.map(|row| row.observation_count), Some(1));
    }
}
