//! Traces stored by another context on this origin: the app's tracer
//! (`storage: "indexedDB"`, which the viewer opened by `openViewer` shows
//! live) says which traces each flush stored on the `BroadcastChannel`
//! "prompttrace" (`{"kind":"stored","traces":[ids]}`). Their rows are read
//! again, and opened copies of them are read again when shown; a trace
//! whose row is gone was deleted there and leaves the lists.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::records;
use crate::state::AppState;
use crate::storage;

/// The channel's name, shared with the npm package (`storage-indexeddb.mts`).
const CHANNEL: &str = "prompttrace";

#[derive(Deserialize)]
struct Stored {
    kind: String,
    traces: Vec<String>,
}

/// Listens for the page's lifetime; nothing happens where BroadcastChannel
/// is missing.
pub fn listen(state: AppState) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|text| text.as_string())
            else {
                return;
            };
            if let Ok(stored) = serde_json::from_str::<Stored>(&text) {
                if stored.kind == "stored" && !stored.traces.is_empty() {
                    reread(state, stored.traces);
                }
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // The channel lives as long as the page: dropping it would close it.
    std::mem::forget(channel);
}

fn reread(state: AppState, keys: Vec<String>) {
    if !state.loaded.get_untracked() {
        return; // the rows being read at start include them
    }
    let began = records::epoch();
    spawn_local(async move {
        let Ok((rows, missing)) = storage::rows(&keys).await else {
            return;
        };
        // Cleared or changed here meanwhile: what was read is no longer so.
        if records::epoch() != began {
            return;
        }
        records::back(&keys);
        state.change_rows(|all| {
            for row in rows {
                all.insert(row.id.clone(), row);
            }
            for key in &missing {
                all.remove(key);
            }
        });
        records::stale(state, &keys);
    });
}
