//! Traces stored by another context on this origin: the app's tracer
//! (`storage: "indexedDB"`, which the viewer opened by `openViewer` shows
//! live) says which traces each flush stored on the `BroadcastChannel`
//! "prompttrace" (`{"kind":"stored","traces":[ids]}`). Their rows are read
//! again, and opened copies of them are read again when shown; a trace
//! whose row is gone was deleted there and leaves the lists.

use std::cell::RefCell;
use std::collections::BTreeSet;

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

thread_local! {
    /// Traces to read again, and whether a read is under way (one at a time).
    static PENDING: RefCell<(BTreeSet<String>, bool)> = RefCell::new(Default::default());
}

/// Listens for the page's lifetime (from before the stored rows are read,
/// so no flush is missed); nothing happens where BroadcastChannel is
/// missing.
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
                if stored.kind == "stored" {
                    refresh(state, stored.traces);
                }
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // The channel lives as long as the page: dropping it would close it.
    std::mem::forget(channel);
}

/// Reads the rows of `keys` again (and lets their opened copies go): what
/// another context stored, or what live files no longer hold. Keys asked
/// before the stored rows are read wait for them.
pub fn refresh(state: AppState, keys: impl IntoIterator<Item = String>) {
    PENDING.with_borrow_mut(|(pending, _)| pending.extend(keys));
    read_pending(state);
}

/// Once the stored rows are read: reads what was asked meanwhile.
pub fn loaded(state: AppState) {
    read_pending(state);
}

fn read_pending(state: AppState) {
    if !state.loaded.get_untracked() {
        return;
    }
    let start = PENDING.with_borrow_mut(|(pending, reading)| {
        let start = !*reading && !pending.is_empty();
        *reading |= start;
        start
    });
    if !start {
        return;
    }
    spawn_local(async move {
        loop {
            let keys: Vec<String> = PENDING
                .with_borrow_mut(|(pending, _)| std::mem::take(pending).into_iter().collect());
            if keys.is_empty() {
                break;
            }
            let began = records::epoch();
            let (rows, missing) = match storage::rows(&keys).await {
                Ok(read) => read,
                Err(error) => {
                    // Asked again with the next flush's traces.
                    PENDING.with_borrow_mut(|(pending, _)| pending.extend(keys));
                    state.errors.update(|errors| errors.push(error));
                    break;
                }
            };
            // Changed here meanwhile (an import, a delete): read them again.
            if records::epoch() != began {
                PENDING.with_borrow_mut(|(pending, _)| pending.extend(keys));
                continue;
            }
            // What only this tab holds (a live file's trace) keeps its row.
            let keys: Vec<String> = keys.into_iter().filter(|k| !records::pinned(k)).collect();
            let asked: BTreeSet<&String> = keys.iter().collect();
            records::back(&keys);
            state.change_rows(|all| {
                for row in rows.into_iter().filter(|row| asked.contains(&row.id)) {
                    all.insert(row.id.clone(), row);
                }
                for key in missing.iter().filter(|key| asked.contains(key)) {
                    all.remove(key);
                }
            });
            records::stale(state, &keys);
        }
        PENDING.with_borrow_mut(|(_, reading)| *reading = false);
    });
}
