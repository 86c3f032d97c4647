//! Start: what the browser kept. Layout v2's records, and what layout v1
//! left to migrate: the viewer's own database and the npm package's
//! `files`.

use wasm_bindgen::JsValue;
use web_sys::IdbTransactionMode;

use super::{
    database, has_files, idb, FILES, LAYOUT, LAYOUT_KEY, META, OLD_DATABASE, OLD_FILES, OLD_KEY,
    TRACES,
};

/// What the browser kept.
pub struct Kept {
    /// Layout v2's records as (key, JSON Lines text): a trace id, or
    /// `jsonl::WITHOUT_TRACE`.
    pub records: Vec<(String, String)>,
    /// Records that are not text: left as they are, named here.
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

/// Reads every record of layout v2, and what layout v1 left.
pub async fn read() -> Result<Kept, String> {
    let database = database().await?;
    let failed = |e: String| format!("could not read IndexedDB ({e})");
    let with_files = has_files(&database);
    let mut stores = vec![TRACES, META];
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
    let traces = idb::store(&transaction, TRACES).map_err(failed)?;
    let mut records = Vec::new();
    let mut unreadable = Vec::new();
    for (key, value) in idb::all(&traces).await.map_err(failed)? {
        match (key.as_string(), value.as_string()) {
            (Some(name), Some(text)) => records.push((name, text)),
            (name, _) => unreadable.push(format!(
                "stored trace {}: the record is not text; it is left as it is",
                name.unwrap_or_else(|| idb::describe(&key))
            )),
        }
    }
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
    if let Some(viewer) = old_viewer_file().await.transpose() {
        old_found = true;
        match viewer {
            Ok(Some(value)) => take_old(&mut old, "stored traces".into(), value),
            Ok(None) => {}
            Err(error) => old = Err(error),
        }
    }
    Ok(Kept {
        records,
        unreadable,
        layout: layout.as_f64() == Some(f64::from(LAYOUT)),
        old,
        old_found,
    })
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
async fn old_viewer_file() -> Result<Option<Option<JsValue>>, String> {
    let failed = |e: String| format!("could not read the viewer's earlier storage ({e})");
    let Some(database) = idb::open_existing(OLD_DATABASE).await.map_err(failed)? else {
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
