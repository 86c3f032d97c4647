//! Sharing without a server. Out: "Copy link" puts a trace (core's
//! `share::shared_lines`, redacted as the user chose) in the link's
//! fragment, `#t=…`; "Download as HTML" writes one file holding the viewer
//! and the trace (`html`). In: a page opened from either reads the shared
//! text here (`codec`), through core's JSON Lines import, into this tab's
//! store — held (pinned) and never written to IndexedDB until "Keep",
//! which stores it through the import worker as a file would be.
//!
//! A fragment is never sent to a server, and nothing here copies it into
//! a query: the link names no page (the trace's id is read from the data).
//! The first click in the viewer replaces the address, fragment and all,
//! so the text of a link held unkept is also in the tab's sessionStorage
//! (`storage::held_share`): a reload opens it again. Keep forgets it.

pub mod codec;
pub mod html;

use leptos::prelude::*;
use prompttrace::format;
use prompttrace::Store;

use crate::state::AppState;
use crate::{import, loader, records, storage};

/// The fragment that carries a shared trace.
pub const FRAGMENT: &str = "#t=";
/// The id of a downloaded HTML file's data block.
pub const DATA_BLOCK: &str = "prompttrace-shared";
/// How the traces are named in messages and to the import ("Keep").
const NAME: &str = "shared trace";
/// The longest fragment a link carries. Browsers take far longer URLs
/// (Chromium 2 MB), but chat tools, mail and issue trackers cut or refuse
/// long links well before that; 64 KB of base64 holds about 48 KB
/// compressed, a few hundred KB of JSON Lines. Larger traces go as a file.
pub const LINK_LIMIT: usize = 64 * 1024;
/// A fragment longer than this is refused before it is decoded (a link's
/// limit and room for a viewer address made elsewhere).
const FRAGMENT_LIMIT: usize = LINK_LIMIT + 4 * 1024;
/// The most JSON Lines a link may inflate to: a few KB can inflate to
/// gigabytes (a decompression bomb); real traces a link carries stay far
/// below.
const LINK_INFLATED_LIMIT: usize = 32 * 1024 * 1024;
/// The same for a downloaded file, whose size has no link's limit.
const FILE_INFLATED_LIMIT: usize = 512 * 1024 * 1024;

/// Where this page's shared traces came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A link's `#t=` fragment.
    Link,
    /// A downloaded HTML file's data block: no import worker, no storage.
    File,
}

/// Where "Keep" is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keeping {
    /// Not asked, or asked again after a failure (`Failed` says why).
    Not,
    /// The import worker is storing it.
    Under,
    /// It was not stored (cancelled, refused, storage failed): still held.
    Failed(String),
}

/// A shared trace this page was opened with (in context when there is one).
#[derive(Clone, Copy)]
pub struct Shared {
    pub origin: Origin,
    /// Opened again from the tab's sessionStorage (a reload after the
    /// address changed): the page shown is left as it is.
    pub restored: bool,
    /// The traces it brought once read; `None` before, when it could not
    /// be read, and after "Keep".
    pub ids: RwSignal<Option<Vec<String>>>,
    pub keeping: RwSignal<Keeping>,
    text: StoredValue<String>,
    /// Its JSON Lines, once read: what "Keep" stores.
    lines: StoredValue<String>,
}

/// Whether this page is a downloaded file's (it holds the data block).
pub fn file_page() -> bool {
    document().get_element_by_id(DATA_BLOCK).is_some()
}

/// The shared text this page was opened with: a data block (a downloaded
/// file), else the address's fragment, else the link this tab held unkept
/// before a reload.
pub fn found() -> Option<Shared> {
    let block = document()
        .get_element_by_id(DATA_BLOCK)
        .and_then(|block| block.text_content());
    let (origin, text, restored) = match (block, fragment()) {
        (Some(text), _) => (Origin::File, text, false),
        (None, Some(text)) => {
            storage::hold_share(&text);
            (Origin::Link, text, false)
        }
        (None, None) => (Origin::Link, storage::held_share()?, true),
    };
    Some(Shared {
        origin,
        restored,
        ids: RwSignal::new(None),
        keeping: RwSignal::new(Keeping::Not),
        text: StoredValue::new(text),
        lines: StoredValue::new(String::new()),
    })
}

/// A link pasted into this tab's address bar changes only the fragment,
/// and browsers load nothing for that: the page is loaded again, so the
/// link opens as in a new tab — unless it is the link already shown.
pub fn follow_links(shown: Option<Shared>) {
    window_event_listener(leptos::ev::hashchange, move |_| {
        let Some(text) = fragment() else { return };
        if shown.is_some_and(|shown| shown.text.with_value(|shown| *shown == text)) {
            return;
        }
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
}

/// The text after `#t=` in the address, if any.
fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix(FRAGMENT).map(str::to_string)
}

/// Reads the shared traces into this tab's store, all of them or (a
/// damaged or cut text, a refused record) none, and says why not.
pub async fn open(state: AppState, shared: Shared) {
    let refuse = |why: String| {
        // A link that cannot be read is not opened again on a reload.
        if shared.origin == Origin::Link {
            storage::forget_share();
        }
        state.errors.update(|errors| {
            errors.push(format!(
                "This {} could not be opened: {why}. Nothing was stored.",
                match shared.origin {
                    Origin::Link => "shared link",
                    Origin::File => "shared file",
                }
            ))
        })
    };
    let text = shared.text.get_value();
    let inflated_limit = match shared.origin {
        Origin::Link if text.len() > FRAGMENT_LIMIT => {
            return refuse(format!(
                "it is {} KB long, and a link carries up to {} KB",
                text.len() / 1024,
                LINK_LIMIT / 1024
            ))
        }
        Origin::Link => LINK_INFLATED_LIMIT,
        Origin::File => FILE_INFLATED_LIMIT,
    };
    let lines = match codec::decode(&text, inflated_limit).await {
        Ok(lines) => lines,
        Err(why) => return refuse(why),
    };
    // Read whole on its own first: a line cut short is a warning to a file
    // import, but here it means the link was cut.
    let mut alone = Store::new();
    match format::import_jsonl(&mut alone, NAME, lines.as_bytes()) {
        Err(error) => return refuse(error.to_string()),
        Ok(report) if !report.warnings.is_empty() => {
            return refuse(format!("it was cut short ({})", report.warnings.join("; ")))
        }
        Ok(_) if alone.trace_count() == 0 => return refuse("it holds no trace".into()),
        Ok(_) => {}
    }
    let ids: Vec<String> = alone
        .traces_in_order()
        .iter()
        .map(|entry| entry.trace().id.clone())
        .collect();
    drop(alone);
    if let Err(error) = state.change(|store| format::import_jsonl(store, NAME, lines.as_bytes())) {
        return refuse(error.to_string());
    }
    records::hold(state, &ids);
    shared.lines.set_value(lines);
    shared.ids.set(Some(ids));
}

/// "Keep": stores the shared traces as an imported file would be. Only
/// once the import says they are stored are they let go of (unpinned),
/// the fragment and the tab's copy dropped (a reload shows the stored
/// copy); if not (cancelled, refused, storage failed) they stay held, and
/// `keeping` says why.
pub fn keep(state: AppState, shared: Shared) {
    let Some(ids) = shared.ids.get_untracked() else {
        return;
    };
    if shared.keeping.get_untracked() == Keeping::Under {
        return;
    }
    shared.keeping.set(Keeping::Under);
    state.errors.set(Vec::new());
    let lines = shared.lines.get_value();
    let file = vec![(NAME.into(), loader::blob_of(lines.as_bytes()))];
    import::queue::enqueue_then(state, file, true, move |stored| match stored {
        Err(why) => shared.keeping.set(Keeping::Failed(why)),
        Ok(()) => {
            records::unpin(&ids);
            shared.ids.set(None);
            shared.keeping.set(Keeping::Not);
            storage::forget_share();
            drop_fragment();
        }
    });
}

/// The address without its fragment, in place.
fn drop_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    if location.hash().map_or(true, |hash| hash.is_empty()) {
        return;
    }
    let address = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}

/// The address of this viewer, without query or fragment: what a link
/// starts with.
pub fn viewer_address() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let end = href.find(['?', '#']).unwrap_or(href.len());
    Some(href[..end].to_string())
}
