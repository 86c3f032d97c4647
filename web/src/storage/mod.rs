//! The only module that touches browser storage. Traces live in IndexedDB
//! in layout v2, shared with the npm package (docs/storage-v2.md): the
//! database `prompttrace` with one JSON Lines record per trace (`traces`),
//! one summary row per trace (`index`), and `meta`. Every change is one
//! transaction that writes only what changed, so a failed write (quota)
//! leaves what was stored before. Small settings (theme, "seen the demo")
//! live in localStorage via gloo-storage.
//!
//! `read` (start: the records, and what layout v1 left to migrate) and
//! `write` (one `Change`) are the way in; `idb.rs` awaits IndexedDB's
//! requests as promises.

mod idb;
mod read;
mod update;
mod write;

use std::cell::RefCell;

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use wasm_bindgen::JsValue;
use web_sys::{IdbDatabase, IdbObjectStoreParameters};

pub use idb::describe;
pub use read::{newest_rows, read, record_count, record_pages, records, rows, Kept};
pub use update::{update, Update};
pub use write::{write, Change, Written};

/// What is said of a stored record that cannot be read (it is kept as it
/// is), wherever it is read: one text, so the errors banner says it once.
pub fn left_as_it_is(error: impl std::fmt::Display) -> String {
    format!("{error}. This stored trace is left as it is.")
}

/// The database, its version, and its object stores (docs/storage-v2.md).
const DATABASE: &str = "prompttrace";
const VERSION: u32 = 2;
const TRACES: &str = "traces";
const INDEX: &str = "index";
const META: &str = "meta";
/// Layout v1 of the npm package: one JSON Lines file per storage key. Kept
/// in v2 only until what it holds is migrated.
const FILES: &str = "files";
const BY_SESSION: (&str, &str) = ("by_session", "session_id");
const BY_START: (&str, &str) = ("by_start", "started_at");
/// `meta`'s key, and its value once layout v2 is set up.
const LAYOUT_KEY: &str = "layout";
const LAYOUT: u32 = 2;
/// The viewer's layout v1: its own database, one JSON Lines file.
const OLD_DATABASE: &str = "prompttrace-viewer";
const OLD_FILES: &str = "files";
const OLD_KEY: &str = "store";

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

/// The sessionStorage key of the shared link this tab holds unkept.
const SHARED: &str = "prompttrace-shared-link";

/// The text of the shared link this tab holds and has not kept: in the
/// tab's sessionStorage, so a reload (which the address no longer tells,
/// once a click changed it) opens it again, and closing the tab forgets it.
pub fn held_share() -> Option<String> {
    SessionStorage::get(SHARED).ok()
}

pub fn hold_share(text: &str) {
    // Without sessionStorage a reload only loses the unkept share.
    let _ = SessionStorage::set(SHARED, text);
}

pub fn forget_share() {
    SessionStorage::delete(SHARED);
}

/// A downloaded file's page: IndexedDB is never opened (`idb::factory`
/// refuses), so nothing of the file's origin is read or written.
pub fn forbid() {
    idb::FORBIDDEN.store(true, std::sync::atomic::Ordering::Relaxed);
}

thread_local! {
    /// The open connection, shared by every transaction of this page, so
    /// transactions start in the order changes were made.
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// The database, opened (and set up, on first use) once per page.
async fn database() -> Result<IdbDatabase, String> {
    if let Some(database) = OPEN.with_borrow(Clone::clone) {
        return Ok(database);
    }
    let database = idb::open(DATABASE, VERSION, set_up)
        .await
        .map_err(|e| format!("could not open IndexedDB ({e})"))?;
    // A later version opened elsewhere (another tab, the npm package)
    // waits for this connection: let it go.
    let closing = database.clone();
    let on_version_change = wasm_bindgen::closure::Closure::once_into_js(move || {
        closing.close();
        OPEN.with_borrow_mut(|open| *open = None);
    });
    database.set_onversionchange(Some(wasm_bindgen::JsCast::unchecked_ref(
        &on_version_change,
    )));
    // The browser closed it (site data cleared, storage pressure): the next
    // read or write opens a new one.
    let on_close = wasm_bindgen::closure::Closure::once_into_js(move || {
        OPEN.with_borrow_mut(|open| *open = None);
    });
    database.set_onclose(Some(wasm_bindgen::JsCast::unchecked_ref(&on_close)));
    OPEN.with_borrow_mut(|open| *open = Some(database.clone()));
    Ok(database)
}

/// `onupgradeneeded`, from nothing or from the npm package's v1 (whose
/// `files` is kept until migrated): the stores layout v2 lacks.
fn set_up(database: &IdbDatabase) {
    let names = database.object_store_names();
    let missing = |name: &str| !names.contains(name);
    let create = |name: &str| {
        database
            .create_object_store_with_optional_parameters(name, &IdbObjectStoreParameters::new())
    };
    if missing(TRACES) {
        let _ = create(TRACES);
    }
    if missing(INDEX) {
        if let Ok(index) = create(INDEX) {
            for (name, key_path) in [BY_SESSION, BY_START] {
                let _ = index.create_index_with_str(name, key_path);
            }
        }
    }
    if missing(META) {
        let _ = create(META);
    }
}

/// Whether the npm package's v1 `files` store is there (a database this
/// viewer or the package made new at version 2 has none).
fn has_files(database: &IdbDatabase) -> bool {
    database.object_store_names().contains(FILES)
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
