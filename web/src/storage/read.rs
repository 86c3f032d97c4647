//! Reading what the browser kept. At start, only the index rows (what the
//! lists show) and what layout v1 left to migrate; a trace's record when it
//! is opened (`records`), or every record a page at a time for a job over
//! them all (`record_pages`, in a worker: content search, "Export").

use prompttrace::rollup::IndexRow;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbObjectStore, IdbTransactionMode};

use super::{
    database, has_files, idb, BY_START, FILES, INDEX, LAYOUT, LAYOUT_KEY, META, OLD_DATABASE,
    OLD_FILES, OLD_KEY, TRACES,
};

/// What the browser kept, as read at start.
pub struct Kept {
    /// Layout v2's index rows, one per stored trace.
    pub rows: Vec<IndexRow>,
    /// Rows that are not a row (another program's value): named here.
    pub unreadable: Vec<String>,
    /// `meta` says layout 2.
    pub layout: bool,
    /// Layout v1's files to migrate, as (name for messages, text); empty
    /// when none is left. An error when one cannot be read: then nothing
    /// may be written over it.
    pub old: Result<Vec<(String, String)>, String>,
    /// Whether layout v1 left anything behind (its database, even empty,
    /// or `files` entries): then a migration writes and cleans up.
    pub old_found: bool,
}

fn failed(error: String) -> String {
    format!("could not read IndexedDB ({error})")
}

/// Reads the index rows of layout v2, and what layout v1 left.
pub async fn read() -> Result<Kept, String> {
    let database = database().await?;
    let with_files = has_files(&database);
    let mut stores = vec![INDEX, META];
    if with_files {
        stores.push(FILES);
    }
    let transaction =
        idb::transaction(&database, &stores, IdbTransactionMode::Readonly).map_err(failed)?;
    let meta = idb::store(&transaction, META).map_err(failed)?;
    let layout = meta
        .get(&JsValue::from_str(LAYOUT_KEY))
        .map_err(|e| failed(idb::describe(&e)))?;
    let layout = idb::done(&layout).await.map_err(failed)?;
    let index = idb::store(&transaction, INDEX).map_err(failed)?;
    let request = index.get_all().map_err(|e| failed(idb::describe(&e)))?;
    let (rows, unreadable) = rows_of(idb::done(&request).await.map_err(failed)?.unchecked_into());
    let mut old = Ok(Vec::new());
    let mut old_found = false;
    if with_files {
        let files = idb::store(&transaction, FILES).map_err(failed)?;
        for (key, value) in idb::all(&files).await.map_err(failed)? {
            old_found = true;
            let name = format!("stored traces ({})", key.as_string().unwrap_or_default());
            take_old(&mut old, name, value);
        }
    }
    // Once layout 2 is set up, the old database was migrated, and a
    // deletion of it may be pending behind a tab that holds it.
    let migrated = layout.as_f64() == Some(f64::from(LAYOUT));
    if let Some(viewer) = old_viewer_file(migrated).await.transpose() {
        old_found = true;
        match viewer {
            Ok(Some(value)) => take_old(&mut old, "stored traces".into(), value),
            Ok(None) => {}
            Err(error) => old = Err(error),
        }
    }
    Ok(Kept {
        rows,
        unreadable,
        layout: layout.as_f64() == Some(f64::from(LAYOUT)),
        old,
        old_found,
    })
}

/// The `count` newest index rows (by trace start): what the traces list
/// shows first, read before every row is (a few rows of a million spans'
/// index come at once; all of them take seconds).
pub async fn newest_rows(count: usize) -> Result<Vec<IndexRow>, String> {
    let database = database().await?;
    let transaction =
        idb::transaction(&database, &[INDEX], IdbTransactionMode::Readonly).map_err(failed)?;
    let index = idb::store(&transaction, INDEX).map_err(failed)?;
    // A store made without the index (another program's): every row is
    // read next anyway.
    let Ok(by_start) = index.index(BY_START.0) else {
        return Ok(Vec::new());
    };
    let request = by_start
        .open_cursor_with_range_and_direction(&JsValue::NULL, web_sys::IdbCursorDirection::Prev)
        .map_err(|e| failed(idb::describe(&e)))?;
    let values = js_sys::Array::new();
    while values.length() < count as u32 {
        let cursor = idb::done(&request).await.map_err(failed)?;
        let Some(cursor) = cursor.dyn_ref::<web_sys::IdbCursorWithValue>() else {
            break; // the end
        };
        values.push(&cursor.value().map_err(|e| failed(idb::describe(&e)))?);
        cursor.continue_().map_err(|e| failed(idb::describe(&e)))?;
    }
    Ok(rows_of(values).0)
}

/// The index rows stored under `keys` (trace ids), with the keys that have
/// none: what another context just stored or deleted.
pub async fn rows(keys: &[String]) -> Result<(Vec<IndexRow>, Vec<String>), String> {
    let database = database().await?;
    let transaction =
        idb::transaction(&database, &[INDEX], IdbTransactionMode::Readonly).map_err(failed)?;
    let index = idb::store(&transaction, INDEX).map_err(failed)?;
    // Every request first, then the answers: one round of the event loop.
    let mut asked = Vec::with_capacity(keys.len());
    for key in keys {
        let request = index
            .get(&JsValue::from_str(key))
            .map_err(|e| failed(idb::describe(&e)))?;
        asked.push(idb::done(&request));
    }
    let values = js_sys::Array::new();
    let mut missing = Vec::new();
    for (key, answer) in keys.iter().zip(asked) {
        let value = answer.await.map_err(failed)?;
        if value.is_undefined() {
            missing.push(key.clone());
        } else {
            values.push(&value);
        }
    }
    Ok((rows_of(values).0, missing))
}

/// Index rows from IndexedDB's objects: one JSON text for them all (a
/// million spans' rows in one parse), and row by row only when that fails,
/// to name the rows that are not rows.
fn rows_of(values: js_sys::Array) -> (Vec<IndexRow>, Vec<String>) {
    let text = |value: &JsValue| {
        js_sys::JSON::stringify(value)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default()
    };
    if let Ok(rows) = serde_json::from_str::<Vec<IndexRow>>(&text(&values)) {
        return (rows, Vec::new());
    }
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for (at, value) in values.iter().enumerate() {
        match serde_json::from_str::<IndexRow>(&text(&value)) {
            Ok(row) => rows.push(row),
            Err(error) => unreadable.push(format!(
                "stored index row {}: not a trace's row ({error}); it is left as it is",
                at + 1
            )),
        }
    }
    (rows, unreadable)
}

/// The records stored under `keys`, in order: the text, `None` when
/// nothing is stored, or why it cannot be read.
pub async fn records(keys: &[String]) -> Result<Vec<Option<Result<String, String>>>, String> {
    let database = database().await?;
    let transaction =
        idb::transaction(&database, &[TRACES], IdbTransactionMode::Readonly).map_err(failed)?;
    let traces = idb::store(&transaction, TRACES).map_err(failed)?;
    records_in(&traces, keys).await.map_err(failed)
}

/// [`records`], in a transaction the caller holds.
pub(super) async fn records_in(
    traces: &IdbObjectStore,
    keys: &[String],
) -> Result<Vec<Option<Result<String, String>>>, String> {
    let present = idb::present(traces, keys).await?;
    let mut asked = Vec::with_capacity(keys.len());
    for (key, present) in keys.iter().zip(present) {
        asked.push(match present {
            false => None,
            true => {
                let request = traces
                    .get(&JsValue::from_str(key))
                    .map_err(|e| idb::describe(&e))?;
                Some(idb::done(&request))
            }
        });
    }
    let mut answers = Vec::with_capacity(keys.len());
    for (key, answer) in keys.iter().zip(asked) {
        let Some(answer) = answer else {
            answers.push(None);
            continue;
        };
        let value = answer.await?;
        answers.push(match value.as_string() {
            Some(text) => Some(Ok(text)),
            None if value.is_undefined() => None,
            None => Some(Err(not_text(key))),
        });
    }
    Ok(answers)
}

/// How many records are stored: what a job over every record counts its
/// pages against.
pub async fn record_count() -> Result<u32, String> {
    let database = database().await?;
    let transaction =
        idb::transaction(&database, &[TRACES], IdbTransactionMode::Readonly).map_err(failed)?;
    let traces = idb::store(&transaction, TRACES).map_err(failed)?;
    let request = traces.count().map_err(|e| failed(idb::describe(&e)))?;
    let count = idb::done(&request).await.map_err(failed)?;
    Ok(count.as_f64().unwrap_or_default() as u32)
}

/// Every stored record, a page at a time in key order, as (key, text or
/// why it cannot be read); each page is read in a transaction of its own,
/// after the last key of the page before, and given to `each` before the
/// next is read: a job over a million spans' records never holds them
/// all. A page is at most `most` records, and fewer after a page of more
/// than `PAGE_BYTES` (traces of thousands of spans). Records stored or
/// deleted meanwhile may or may not be met (the caller runs again when
/// storage changed).
pub async fn record_pages(
    most: u32,
    mut each: impl FnMut(Vec<(String, Result<String, String>)>),
) -> Result<(), String> {
    const PAGE_BYTES: usize = 16 * 1024 * 1024;
    let database = database().await?;
    let mut after: Option<JsValue> = None;
    let mut count = most;
    loop {
        let transaction =
            idb::transaction(&database, &[TRACES], IdbTransactionMode::Readonly).map_err(failed)?;
        let traces = idb::store(&transaction, TRACES).map_err(failed)?;
        let range = match &after {
            None => JsValue::NULL,
            Some(key) => web_sys::IdbKeyRange::lower_bound_with_open(key, true)
                .map_err(|e| failed(idb::describe(&e)))?
                .into(),
        };
        let asked = |request: Result<web_sys::IdbRequest, JsValue>| {
            request.map(|request| idb::done(&request))
        };
        let keys = asked(traces.get_all_keys_with_key_and_limit(&range, count))
            .map_err(|e| failed(idb::describe(&e)))?;
        let values = asked(traces.get_all_with_key_and_limit(&range, count))
            .map_err(|e| failed(idb::describe(&e)))?;
        let keys: js_sys::Array = keys.await.map_err(failed)?.unchecked_into();
        let values: js_sys::Array = values.await.map_err(failed)?.unchecked_into();
        if keys.length() == 0 {
            return Ok(());
        }
        after = Some(keys.get(keys.length() - 1));
        let page: Vec<(String, Result<String, String>)> = keys
            .iter()
            .zip(values.iter())
            .map(|(key, value)| {
                let name = key.as_string().unwrap_or_else(|| idb::describe(&key));
                let text = value.as_string().ok_or_else(|| not_text(&name));
                (name, text)
            })
            .collect();
        let bytes: usize = (page.iter())
            .map(|(_, text)| text.as_ref().map_or(0, String::len))
            .sum();
        count = match bytes > PAGE_BYTES {
            true => (count / 2).max(1),
            false => (count * 2).min(most),
        };
        each(page);
    }
}

fn not_text(key: &str) -> String {
    format!("stored trace {key}: the record is not text; it is left as it is")
}

/// Adds one v1 file to migrate, or makes the migration fail if it is not text.
fn take_old(old: &mut Result<Vec<(String, String)>, String>, name: String, value: JsValue) {
    let Ok(files) = old else { return };
    match value.as_string() {
        Some(text) => files.push((name, text)),
        None => *old = Err(format!("{name}: the stored value is not text")),
    }
}

/// The viewer's v1 file: `None` when its database does not exist,
/// `Some(None)` when it exists without the file.
async fn old_viewer_file(migrated: bool) -> Result<Option<Option<JsValue>>, String> {
    let failed = |e: String| format!("could not read the viewer's earlier storage ({e})");
    let Some(database) = idb::open_existing(OLD_DATABASE, migrated)
        .await
        .map_err(failed)?
    else {
        return Ok(None);
    };
    let result = async {
        if !database.object_store_names().contains(OLD_FILES) {
            return Ok(None);
        }
        let transaction = idb::transaction(&database, &[OLD_FILES], IdbTransactionMode::Readonly)?;
        let files = idb::store(&transaction, OLD_FILES)?;
        let request = files
            .get(&JsValue::from_str(OLD_KEY))
            .map_err(|e| idb::describe(&e))?;
        let value = idb::done(&request).await?;
        Ok((!value.is_undefined()).then_some(value))
    }
    .await
    .map_err(failed);
    // Closed, so that deleting it after the migration is not held up.
    database.close();
    result.map(Some)
}
