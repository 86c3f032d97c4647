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
//! (`storage::held_share`): a reload opens it again. Keep forgets it, and
//! so do "Clear everything" and deleting the last of its traces (`let_go`).
//! A link whose traces this browser already stores as they are is not held
//! again: the stored copy is shown (Back after Keep, the link pasted again).

pub mod codec;
pub mod html;

use std::cell::OnceCell;

use leptos::prelude::*;
use prompttrace::format::{self, jsonl};
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
    /// The traces it brought once read and held unkept; `None` before,
    /// when it could not be read, after "Keep", once they were deleted or
    /// cleared, and when this browser already stored them as they are.
    pub ids: RwSignal<Option<Vec<String>>>,
    /// The traces it names once read, held or already stored: the page to
    /// show.
    pub shown: RwSignal<Option<Vec<String>>>,
    pub keeping: RwSignal<Keeping>,
    text: StoredValue<String>,
    /// Its JSON Lines, once read: what "Keep" stores.
    lines: StoredValue<String>,
}

thread_local! {
    /// Whether this page is a downloaded file's, looked up once: the data
    /// block is in the page as served and never added later.
    static FILE_PAGE: OnceCell<bool> = const { OnceCell::new() };
}

/// Whether this page is a downloaded file's (it holds the data block).
/// Such a page never opens IndexedDB (`storage::forbid`) nor touches
/// sessionStorage, opens no files and makes no links; of localStorage
/// (which Chromium shares among all file pages) it reads and writes only
/// the preferences chosen: the theme and the content view.
pub fn file_page() -> bool {
    FILE_PAGE.with(|page| *page.get_or_init(|| document().get_element_by_id(DATA_BLOCK).is_some()))
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
            // One too long is refused by `open`: never written to the tab.
            if text.len() <= LINK_LIMIT {
                storage::hold_share(&text);
            }
            (Origin::Link, text, false)
        }
        (None, None) => (Origin::Link, storage::held_share()?, true),
    };
    Some(Shared {
        origin,
        restored,
        ids: RwSignal::new(None),
        shown: RwSignal::new(None),
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
        // Longer than any link a viewer makes: refused before it is decoded.
        Origin::Link if text.len() > LINK_LIMIT => {
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
    if shared.origin == Origin::Link && stored_as_shared(state, &alone, &ids).await {
        storage::forget_share();
        drop_fragment();
        state.notice.set(Some(format!(
            "This {} is already kept in this browser: the stored copy is shown.",
            if ids.len() == 1 {
                "shared trace"
            } else {
                "shared link's traces"
            }
        )));
        shared.shown.set(Some(ids));
        return;
    }
    drop(alone);
    if let Err(error) = state.change(|store| format::import_jsonl(store, NAME, lines.as_bytes())) {
        return refuse(error.to_string());
    }
    records::hold(state, &ids);
    shared.lines.set_value(lines);
    shared.shown.set(Some(ids.clone()));
    shared.ids.set(Some(ids));
}

/// Whether storage holds every one of `ids` with the very records the
/// link brought (`alone` holds them): nothing to keep.
async fn stored_as_shared(state: AppState, alone: &Store, ids: &[String]) -> bool {
    if state.unavailable.get_untracked() {
        return false;
    }
    let Ok(stored) = storage::records(ids).await else {
        return false;
    };
    ids.iter().zip(stored).all(|(id, stored)| match stored {
        Some(Ok(record)) => jsonl::write_trace(alone, id).is_some_and(|shared| shared == record),
        _ => false,
    })
}

/// Shared traces gone from this tab: `gone` deleted, or everything
/// (`None`, "Clear everything"). They are no longer held; once none are
/// left the tab's copy and the fragment go too, so neither a reload nor
/// Keep brings them back. Some left: Keep stores only those.
pub fn let_go(state: AppState, shared: Option<Shared>, gone: Option<&[String]>) {
    let Some(shared) = shared else { return };
    // A downloaded file's page keeps no tab copy (its data is the file).
    let from_link = shared.origin == Origin::Link;
    let Some(held) = shared.ids.get_untracked() else {
        // Kept, refused or never held: only a cleared tab copy can be left.
        if gone.is_none() && from_link {
            storage::forget_share();
            drop_fragment();
        }
        return;
    };
    let left: Vec<String> = match gone {
        None => Vec::new(),
        Some(gone) => held.into_iter().filter(|id| !gone.contains(id)).collect(),
    };
    drop_fragment();
    if left.is_empty() {
        if from_link {
            storage::forget_share();
        }
        shared.ids.set(None);
        return;
    }
    let lines = state
        .peek(|store| prompttrace::share::shared_lines(store, &left, Default::default()))
        .unwrap_or_default();
    shared.lines.set_value(lines.clone());
    shared.ids.set(Some(left));
    if !from_link {
        return;
    }
    // What a reload opens: only the traces left.
    leptos::task::spawn_local(async move {
        match codec::encode(&lines).await {
            Ok(text) if text.len() <= LINK_LIMIT => storage::hold_share(&text),
            _ => storage::forget_share(),
        }
    });
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
        // Deleted or cleared meanwhile: nothing is held any more.
        _ if shared.ids.with_untracked(Option::is_none) => shared.keeping.set(Keeping::Not),
        Err(why) => shared.keeping.set(Keeping::Failed(why)),
        Ok(()) => {
            records::unpin(&ids);
            // Read again from storage, which holds what the import made of
            // them (merged with a copy stored before), and let go of like
            // any opened record.
            records::stale(state, &ids);
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
