//! Getting trace files in: file picker, drag and drop, paste, `?url=`, the
//! demo. Every path ends in `import_all`, which queues the files for the
//! import worker (`import::queue`): each file is read, imported (all or
//! nothing) and stored there, and the lists take the rows it wrote. While
//! storage cannot be used, files open in this tab only. Deletes and
//! clears are written from here (`persist`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::import::queue;
use crate::state::{AppState, Dirty, Progress};
use crate::storage::{self, Change};

/// Text or bytes made into a file for the worker.
pub fn blob_of(bytes: &[u8]) -> Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    Blob::new_with_u8_array_sequence(&parts).expect("a Blob can always be made from bytes")
}

/// Imports files in order; each is all or nothing, and a refused one does
/// not stop the others. Errors name the file, line and column.
pub fn import_all(state: AppState, files: Vec<(String, Blob)>) {
    if files.is_empty() {
        return;
    }
    if crate::share::file_page() {
        state.errors.set(vec![
            "files cannot be opened in a shared file's page: open them in the prompttrace viewer"
                .into(),
        ]);
        return;
    }
    if !state.loaded.get_untracked() {
        state.pending.update_value(|pending| pending.extend(files));
        return;
    }
    // A new import's errors replace the last ones.
    state.errors.set(Vec::new());
    // While the stored traces cannot be read (an unreadable layout v1) or
    // IndexedDB cannot be used, files open in this tab only: never saved
    // over what is stored.
    let in_tab_only = state.blocked.get_untracked() || state.unavailable.get_untracked();
    if in_tab_only {
        state.errors.set(vec![if state.unavailable.get_untracked() {
            "not saved: IndexedDB cannot be used here; the files stay in this tab only".into()
        } else {
            "not saved: the stored traces could not be read, and are kept as they are until you clear storage".into()
        }]);
    }
    queue::enqueue(state, files, !in_tab_only);
}

/// Writes deletes and clears to IndexedDB in the background, one
/// transaction (or, before the index is read, once it is).
pub fn persist(state: AppState, dirty: Dirty) {
    if !state.loaded.get_untracked() {
        state.unsaved.update_value(|unsaved| unsaved.add(dirty));
        return;
    }
    // A downloaded file's page stores nothing, so has nothing to delete.
    if dirty.is_empty() || crate::share::file_page() {
        return;
    }
    if state.blocked.get_untracked() && !dirty.cleared {
        return; // only in this tab: nothing stored to change
    }
    let change = Change {
        clear: dirty.cleared,
        keys: dirty.keys.into_iter().collect(),
        ..Change::default()
    };
    let prices = state.prices();
    state.saving.update(|n| *n += 1);
    spawn_local(async move {
        // The keys are ones the store no longer holds: they are deleted.
        let empty = prompttrace::Store::new();
        match storage::write(&change, &empty, &prices).await {
            Ok(_) => {}
            Err(reason) => state.errors.update(|errors| {
                errors.push(if change.clear {
                    format!("could not clear IndexedDB ({reason}); the stored traces are kept, and a reload shows them again")
                } else {
                    format!("could not delete from IndexedDB ({reason}); the stored copy is kept, and a reload shows it again")
                })
            }),
        }
        state.saving.update(|n| *n -= 1);
    });
}

/// Browser `File`s (picker or drop) to import.
pub fn import_files(state: AppState, list: web_sys::FileList) {
    let files: Vec<(String, Blob)> = (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| (file.name(), Blob::from(file)))
        .collect();
    import_all(state, files);
}

/// Fetches a trace file by URL and imports it.
pub fn import_url(state: AppState, url: String) {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        state.errors.set(vec![format!(
            "{url}: only http:// and https:// addresses can be loaded"
        )]);
        return;
    }
    state
        .progress
        .set(Some(Progress::busy(format!("Fetching {url}…"))));
    let fetching = format!("Fetching {url}…");
    spawn_local(async move {
        let result = fetch(&url).await;
        // Not an import's bar that started meanwhile.
        if state
            .progress
            .with_untracked(|p| p.as_ref().is_some_and(|p| p.label == fetching))
        {
            state.progress.set(None);
        }
        match result {
            Ok(blob) => import_all(state, vec![(url, blob)]),
            Err(message) => state.errors.set(vec![format!("{url}: {message}")]),
        }
    });
}

async fn fetch(url: &str) -> Result<Blob, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| {
        "the request failed: the server is unreachable, or it does not allow this page to read it \
         (CORS: it must send Access-Control-Allow-Origin)"
            .to_string()
    })?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response")?;
    if !response.ok() {
        return Err(format!(
            "the server answered {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let blob = JsFuture::from(response.blob().map_err(|_| "no body")?)
        .await
        .map_err(|_| "the download was interrupted")?;
    blob.dyn_into::<Blob>()
        .map_err(|_: JsValue| "the download was interrupted".to_string())
}
