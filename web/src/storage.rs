//! The only module that touches browser storage. Traces live in IndexedDB
//! (one JSON Lines trace file under one key, replaced whole in one
//! transaction, so a failed write — quota — leaves the earlier copy); small
//! settings (theme, "seen the demo") in localStorage via gloo-storage.

use gloo_storage::{LocalStorage, Storage};
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use wasm_bindgen::JsValue;

const DATABASE: &str = "prompttrace-viewer";
const FILES: &str = "files";
const KEY: &str = "store";

/// Settings keys (localStorage).
pub const THEME: &str = "prompttrace.theme";
pub const DEMO_SEEN: &str = "prompttrace.demo-seen";
/// Messages, Markdown or JSON: how content is shown.
pub const CONTENT_VIEW: &str = "prompttrace.content-view";

pub fn setting(key: &str) -> Option<String> {
    LocalStorage::get(key).ok()
}

pub fn set_setting(key: &str, value: &str) {
    // A blocked localStorage only loses a preference; nothing to report.
    let _ = LocalStorage::set(key, value);
}

async fn open() -> Result<Database, String> {
    let factory = Factory::new().map_err(|e| format!("IndexedDB is not available here ({e})"))?;
    let mut request = factory
        .open(DATABASE, Some(1))
        .map_err(|e| format!("could not open IndexedDB ({e})"))?;
    request.on_upgrade_needed(|event| {
        if let Ok(database) = event.database() {
            let _ = database.create_object_store(FILES, ObjectStoreParams::new());
        }
    });
    request
        .await
        .map_err(|e| format!("could not open IndexedDB ({e})"))
}

/// The stored trace file, if any.
pub async fn load() -> Result<Option<String>, String> {
    let database = open().await?;
    let transaction = database
        .transaction(&[FILES], TransactionMode::ReadOnly)
        .map_err(|e| format!("could not read IndexedDB ({e})"))?;
    let store = transaction.object_store(FILES).map_err(|e| e.to_string())?;
    let value = store
        .get(JsValue::from_str(KEY))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| format!("could not read IndexedDB ({e})"))?;
    Ok(value.and_then(|v| v.as_string()))
}

/// Replaces the stored trace file.
pub async fn save(text: &str) -> Result<(), String> {
    let database = open().await?;
    let failed = |e: idb::Error| {
        format!("could not save to IndexedDB ({e}); the earlier copy is kept, and what was just loaded stays in this tab only")
    };
    let transaction = database
        .transaction(&[FILES], TransactionMode::ReadWrite)
        .map_err(failed)?;
    let store = transaction.object_store(FILES).map_err(failed)?;
    store
        .put(&JsValue::from_str(text), Some(&JsValue::from_str(KEY)))
        .map_err(failed)?
        .await
        .map_err(failed)?;
    let result = transaction
        .commit()
        .map_err(failed)?
        .await
        .map_err(failed)?;
    if result.is_committed() {
        Ok(())
    } else {
        Err("could not save to IndexedDB (the write was aborted, perhaps for lack of space); the earlier copy is kept, and what was just loaded stays in this tab only".into())
    }
}

/// Bytes used and available for this site, as the browser estimates them.
pub async fn estimate() -> Option<(f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.estimate().ok()?;
    let estimate = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let get = |key: &str| {
        js_sys::Reflect::get(&estimate, &JsValue::from_str(key))
            .ok()?
            .as_f64()
    };
    Some((get("usage")?, get("quota")?))
}
