//! Getting trace files in: file picker, drag and drop, paste, `?url=`.
//! Every path ends in `import`, which hands the bytes to the core
//! (all-or-nothing per file), then saves the traces it changed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use prompttrace::format::jsonl;
use prompttrace::{format, PriceTable};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::state::{AppState, Dirty};
use crate::storage::{self, Change, Record};

/// Imports files in order; each is all-or-nothing, and a refused one does
/// not stop the others. Errors name the file, line and column.
pub fn import_all(state: AppState, files: Vec<(String, Vec<u8>)>) {
    if !state.loaded.get_untracked() {
        state.pending.update_value(|pending| pending.extend(files));
        return;
    }
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut loaded = Vec::new();
    let mut dirty = Dirty::default();
    for (name, bytes) in files {
        match state.change(|store| format::import(store, &name, &bytes)) {
            Ok(report) => {
                loaded.push(format!(
                    "{name}: {} traces, {} observations{}",
                    report.traces_added + report.traces_updated,
                    report.observations_added + report.observations_updated,
                    match report.orphans {
                        0 => String::new(),
                        n => format!(
                            " ({n} spans without their parent span, shown at the top of their trace)"
                        ),
                    }
                ));
                // A last line cut short (a crash mid-write) is skipped: said, not hidden.
                warnings.extend(report.warnings.iter().map(|w| format!("{name}: {w}")));
                dirty.add(Dirty::of_import(&report));
            }
            Err(error) => errors.push(error.to_string()),
        }
    }
    state.errors.set(errors);
    state.notice.set((!loaded.is_empty()).then(|| {
        let mut notice = format!("Loaded {}", loaded.join("; "));
        for warning in &warnings {
            notice.push_str(&format!(". Skipped: {warning}"));
        }
        notice
    }));
    if !dirty.is_empty() {
        persist(state, dirty);
    }
}

/// Saves what changed to IndexedDB in the background, one transaction (or,
/// before the stored traces are loaded, once they are). What an earlier
/// refused save left (`AppState::retry`) goes with it.
pub fn persist(state: AppState, dirty: Dirty) {
    if !state.loaded.get_untracked() {
        state.unsaved.update_value(|unsaved| unsaved.add(dirty));
        return;
    }
    if state.blocked.get_untracked() {
        state.errors.update(|errors| {
            errors.push("not saved: the stored traces could not be read, and are kept as they are until you clear storage".into())
        });
        return;
    }
    let mut all = state.retry.get_untracked();
    if !all.is_empty() {
        state.retry.set(Dirty::default());
    }
    all.add(dirty);
    if all.is_empty() {
        return;
    }
    let (change, prices) = change_of(state, all.clone());
    let failure = failure(&change);
    state.saving.update(|n| *n += 1);
    spawn_local(async move {
        match storage::write(change, &prices).await {
            // A stored record that could not be read was kept as it is.
            Ok(left) if !left.is_empty() => state.errors.update(|errors| errors.extend(left)),
            Ok(_) => {}
            Err(reason) => {
                let (what, kept) = failure;
                state.errors.update(|errors| {
                    errors.push(format!(
                        "{what} ({reason}); {kept}. Saved again with the next change, or with \"Retry save\" on the Storage page"
                    ))
                });
                keep_for_retry(state, all);
            }
        }
        state.saving.update(|n| *n -= 1);
    });
}

/// Puts a refused save's keys back for the next one. A refused clear
/// comes back with every key the store holds now: a save that went through
/// meanwhile would otherwise be cleared again without being rewritten.
fn keep_for_retry(state: AppState, mut refused: Dirty) {
    if refused.cleared {
        state.peek(|store| {
            refused
                .keys
                .extend(store.traces().map(|entry| entry.trace().id.clone()));
            if !store.observations_without_trace().is_empty() {
                refused.keys.insert(jsonl::WITHOUT_TRACE.to_string());
            }
        });
    }
    state.retry.update(|retry| {
        refused.add(std::mem::take(retry));
        *retry = refused;
    });
}

/// The change that saves `dirty`: the records of its keys as the store
/// holds them now, and the prices their rows (and any merge) are made with.
pub fn change_of(state: AppState, dirty: Dirty) -> (Change, PriceTable) {
    state.peek_priced(|store, prices| {
        let records = dirty
            .keys
            .into_iter()
            .map(|key| Record::of(store, prices, key))
            .collect();
        let change = Change {
            clear: dirty.cleared,
            records,
            migrate: false,
        };
        (change, prices.clone())
    })
}

/// What a failed write says: what could not be done, and what is kept.
fn failure(change: &Change) -> (&'static str, &'static str) {
    if change.clear {
        (
            "could not clear IndexedDB",
            "the stored traces are kept, and a reload shows them again",
        )
    } else if change.records.iter().any(|record| record.text.is_some()) {
        (
            "could not save to IndexedDB",
            "what was stored before is kept, and what was just loaded stays in this tab only",
        )
    } else {
        (
            "could not delete from IndexedDB",
            "the stored copy is kept, and a reload shows it again",
        )
    }
}

/// Reads browser `File`s (picker or drop) and imports them.
pub fn import_files(state: AppState, list: web_sys::FileList) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    if files.is_empty() {
        return;
    }
    let total: f64 = files.iter().map(|f| f.size()).sum();
    state.busy.set(Some(format!(
        "Reading {} file(s), {:.1} MB…",
        files.len(),
        total / 1e6
    )));
    spawn_local(async move {
        let mut read = Vec::new();
        for file in files {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => read.push((file.name(), js_sys::Uint8Array::new(&buffer).to_vec())),
                Err(_) => state.errors.update(|e| {
                    e.push(format!(
                        "{}: the browser could not read the file",
                        file.name()
                    ))
                }),
            }
        }
        state.busy.set(Some("Importing…".into()));
        // Let the progress bar paint before the (synchronous) import runs.
        yield_to_browser().await;
        import_all(state, read);
        state.busy.set(None);
    });
}

/// Fetches a trace file by URL and imports it.
pub fn import_url(state: AppState, url: String) {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        state.errors.set(vec![format!(
            "{url}: only http:// and https:// addresses can be loaded"
        )]);
        return;
    }
    state.busy.set(Some(format!("Fetching {url}…")));
    spawn_local(async move {
        let result = fetch(&url).await;
        state.busy.set(None);
        match result {
            Ok(bytes) => import_all(state, vec![(url, bytes)]),
            Err(message) => state.errors.set(vec![format!("{url}: {message}")]),
        }
    });
}

async fn fetch(url: &str) -> Result<Vec<u8>, String> {
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
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| "no body")?)
        .await
        .map_err(|_| "the download was interrupted")?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}
