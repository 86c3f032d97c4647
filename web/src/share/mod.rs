//! Sharing without a server. Out: "Copy link" puts a trace (core's
//! `share::shared_lines`, redacted as the user chose) in the link's
//! fragment, `#t=…`; "Download as HTML" writes one file holding the viewer
//! and the trace (`html`). In: a page opened from either reads the shared
//! text here (`codec`), through core's JSON Lines import, into this tab's
//! store — held (pinned) and never written to IndexedDB until "Keep",
//! which stores it through the import worker as a file would be.
//!
//! A fragment is never sent to a server, and nothing here copies it into
//! a query: the link names no page (the trace's id is read from the data),
//! and the trace page it opens keeps the fragment only in the address bar.

pub mod codec;
pub mod html;

use leptos::prelude::*;
use prompttrace::format;
use prompttrace::Store;

use crate::state::AppState;
use crate::{loader, records};

/// The fragment that carries a shared trace.
pub const FRAGMENT: &str = "#t=";
/// The id of a downloaded HTML file's data block.
pub const DATA_BLOCK: &str = "prompttrace-shared";
/// How the traces are named in messages and to the import ("Keep").
const NAME: &str = "shared trace";

/// Where this page's shared traces came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A link's `#t=` fragment.
    Link,
    /// A downloaded HTML file's data block: no import worker, no storage.
    File,
}

/// A shared trace this page was opened with (in context when there is one).
#[derive(Clone, Copy)]
pub struct Shared {
    pub origin: Origin,
    /// The traces it brought once read; `None` before, when it could not
    /// be read, and after "Keep".
    pub ids: RwSignal<Option<Vec<String>>>,
    text: StoredValue<String>,
    /// Its JSON Lines, once read: what "Keep" stores.
    lines: StoredValue<String>,
}

/// The shared text this page was opened with: a data block (a downloaded
/// file), else the address's fragment.
pub fn found() -> Option<Shared> {
    let block = document()
        .get_element_by_id(DATA_BLOCK)
        .and_then(|block| block.text_content());
    let (origin, text) = match block {
        Some(text) => (Origin::File, text),
        None => (Origin::Link, fragment()?),
    };
    Some(Shared {
        origin,
        ids: RwSignal::new(None),
        text: StoredValue::new(text),
        lines: StoredValue::new(String::new()),
    })
}

/// A link pasted into this tab's address bar changes only the fragment,
/// and browsers load nothing for that: the page is loaded again, so the
/// link opens as in a new tab.
pub fn follow_links() {
    window_event_listener(leptos::ev::hashchange, |_| {
        if fragment().is_some() {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
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
    let lines = match codec::decode(&shared.text.get_value()).await {
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

/// "Keep": stores the shared traces as an imported file would be, and
/// drops the fragment (a reload shows the stored copy).
pub fn keep(state: AppState, shared: Shared) {
    let Some(ids) = shared.ids.get_untracked() else {
        return;
    };
    records::unpin(&ids);
    shared.ids.set(None);
    if let Some(window) = web_sys::window() {
        let location = window.location();
        let address = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        if let Ok(history) = window.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
        }
    }
    let lines = shared.lines.get_value();
    loader::import_all(
        state,
        vec![(NAME.into(), loader::blob_of(lines.as_bytes()))],
    );
}

/// The address of this viewer, without query or fragment: what a link
/// starts with.
pub fn viewer_address() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    let end = href.find(['?', '#']).unwrap_or(href.len());
    Some(href[..end].to_string())
}
