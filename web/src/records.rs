//! Traces' records, read from storage when a page shows them: a trace page
//! its trace, a session page its traces, and the pages that need every
//! record (LLM calls, content search, export of everything) all of them.
//! What was opened stays in the store, the least recently opened going
//! first once it holds more than `KEEP_OBSERVATIONS` (unless everything
//! was asked for); records this tab could not store are never let go.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet, VecDeque};

use leptos::prelude::*;
use leptos::task::spawn_local;
use prompttrace::format::{self, jsonl};

use crate::state::{AppState, Progress};
use crate::storage;

/// Observations kept opened before the least recently opened traces go.
const KEEP_OBSERVATIONS: usize = 200_000;

#[derive(Default)]
struct Opened {
    /// Trace ids, least recently opened first.
    order: VecDeque<String>,
    /// Being read now.
    reading: HashSet<String>,
    /// Every stored record is in the store.
    everything: bool,
    /// Only in this tab (storage refused them): never let go.
    pinned: HashSet<String>,
}

thread_local! {
    static OPENED: RefCell<Opened> = RefCell::new(Opened::default());
}

/// Whether `id`'s record is being read (a page says "Opening…").
pub fn reading(id: &str) -> bool {
    OPENED.with_borrow(|opened| opened.reading.contains(id) || opened.everything_pending())
}

impl Opened {
    fn everything_pending(&self) -> bool {
        self.reading.contains(ALL)
    }
}

/// The key `reading` holds while every record is read.
const ALL: &str = "\u{0}all";

/// Opens the records of `ids` the store does not hold yet.
pub fn open(state: AppState, ids: Vec<String>) {
    let missing: Vec<String> = OPENED.with_borrow_mut(|opened| {
        let mut missing = Vec::new();
        for id in ids {
            if state.peek(|store| store.trace(&id).is_some()) {
                touch(opened, &id);
            } else if !opened.reading.contains(&id) && !opened.everything {
                missing.push(id);
            }
        }
        opened.reading.extend(missing.iter().cloned());
        missing
    });
    if missing.is_empty() {
        return;
    }
    // Pages waiting for these say "Opening…" now.
    state.change(|_| ());
    spawn_local(async move {
        let answers = storage::records(&missing).await;
        OPENED.with_borrow_mut(|opened| {
            for id in &missing {
                opened.reading.remove(id);
            }
        });
        match answers {
            Ok(answers) => {
                let found: Vec<(String, Result<String, String>)> = missing
                    .into_iter()
                    .zip(answers)
                    .filter_map(|(id, answer)| Some((id, answer?)))
                    .collect();
                take_in(state, found);
            }
            Err(error) => state.errors.update(|errors| errors.push(error)),
        }
        // `reading` changed: pages that said "Opening…" look again.
        state.change(|_| ());
    });
}

/// Opens every stored record, then runs `then` (an export, a search); at
/// once when they are all open already.
pub fn open_everything(state: AppState, then: impl FnOnce() + 'static) {
    let ready = OPENED.with_borrow(|opened| opened.everything);
    if ready {
        then();
        return;
    }
    let first = OPENED.with_borrow_mut(|opened| opened.reading.insert(ALL.to_string()));
    WAITING.with_borrow_mut(|waiting| waiting.push(Box::new(then)));
    if !first {
        return;
    }
    state
        .progress
        .set(Some(Progress::busy("Opening every stored trace…")));
    spawn_local(async move {
        match storage::all_records().await {
            Ok((records, unreadable)) => {
                // Records this tab opened may be newer than a stored copy
                // only when pinned; the rest is read again as stored.
                let pinned = OPENED.with_borrow(|opened| opened.pinned.clone());
                state.change(|store| {
                    let keep: BTreeSet<String> = pinned.iter().cloned().collect();
                    let ids: Vec<String> = store
                        .traces()
                        .map(|entry| entry.trace().id.clone())
                        .filter(|id| !keep.contains(id))
                        .collect();
                    for id in ids {
                        store.remove_trace(&id);
                    }
                });
                let records = records
                    .into_iter()
                    .filter(|(key, _)| !pinned.contains(key))
                    .map(|(key, text)| (key, Ok(text)))
                    .collect();
                state.errors.update(|errors| errors.extend(unreadable));
                OPENED.with_borrow_mut(|opened| opened.everything = true);
                take_in(state, records);
            }
            Err(error) => state.errors.update(|errors| errors.push(error)),
        }
        OPENED.with_borrow_mut(|opened| opened.reading.remove(ALL));
        state.progress.set(None);
        state.change(|_| ());
        for then in WAITING.with_borrow_mut(std::mem::take) {
            then();
        }
    });
}

thread_local! {
    /// What waits for every record to be open.
    static WAITING: RefCell<Vec<Box<dyn FnOnce()>>> = RefCell::new(Vec::new());
}

/// Records read from storage go into the store; one that cannot be read is
/// named and left as it is.
fn take_in(state: AppState, records: Vec<(String, Result<String, String>)>) {
    let mut errors = Vec::new();
    state.change(|store| {
        for (key, text) in records {
            let text = match text {
                Ok(text) => text,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            let name = format!("stored trace {key}");
            match format::import(store, &name, text.as_bytes()) {
                Ok(_) if key != jsonl::WITHOUT_TRACE => {
                    OPENED.with_borrow_mut(|opened| touch(opened, &key))
                }
                Ok(_) => {}
                Err(error) => errors.push(format!("{error}. This stored trace is left as it is.")),
            }
        }
        let evict = OPENED.with_borrow_mut(|opened| to_let_go(opened, store));
        for id in evict {
            store.remove_trace(&id);
        }
    });
    if !errors.is_empty() {
        state.errors.update(|all| all.extend(errors));
    }
}

fn touch(opened: &mut Opened, id: &str) {
    opened.order.retain(|other| other != id);
    opened.order.push_back(id.to_string());
}

/// The least recently opened traces past the budget (never the one opened
/// last, never a pinned one; none while everything is open).
fn to_let_go(opened: &mut Opened, store: &prompttrace::Store) -> Vec<String> {
    if opened.everything {
        return Vec::new();
    }
    let mut held = store.observation_count();
    let mut gone = Vec::new();
    while held > KEEP_OBSERVATIONS && opened.order.len() > 1 {
        let Some(id) = opened.order.pop_front() else {
            break;
        };
        if opened.pinned.contains(&id) {
            opened.order.push_back(id);
            if gone.len() + opened.pinned.len() >= opened.order.len() {
                break;
            }
            continue;
        }
        held = held.saturating_sub(store.trace(&id).map_or(0, |e| e.observations().len()));
        gone.push(id);
    }
    gone
}

/// Records storage changed (an import, another tab): the opened copies go,
/// and are read again when shown (at once, while everything is open).
pub fn stale(state: AppState, keys: &[String]) {
    let everything = OPENED.with_borrow(|opened| opened.everything);
    let held: Vec<String> = state.peek(|store| {
        keys.iter()
            .filter(|key| store.trace(key).is_some() || key.as_str() == jsonl::WITHOUT_TRACE)
            .cloned()
            .collect()
    });
    if everything {
        let keys = keys.to_vec();
        spawn_local(async move {
            if let Ok(answers) = storage::records(&keys).await {
                state.change(|store| {
                    for key in &keys {
                        remove(store, key);
                    }
                });
                let found = keys
                    .into_iter()
                    .zip(answers)
                    .filter_map(|(key, answer)| Some((key, answer?)))
                    .collect();
                take_in(state, found);
            }
        });
        return;
    }
    if held.is_empty() {
        return;
    }
    state.change(|store| {
        for key in &held {
            remove(store, key);
        }
    });
    OPENED.with_borrow_mut(|opened| opened.order.retain(|id| !held.contains(id)));
}

fn remove(store: &mut prompttrace::Store, key: &str) {
    if key == jsonl::WITHOUT_TRACE {
        store.remove_calls_without_trace(|_| true);
    } else {
        store.remove_trace(key);
    }
}

/// Records only this tab holds (storage refused them): kept opened.
pub fn pin(keys: impl IntoIterator<Item = String>) {
    OPENED.with_borrow_mut(|opened| opened.pinned.extend(keys));
}

/// Everything went ("Clear everything").
pub fn forget_all() {
    OPENED.with_borrow_mut(|opened| {
        opened.order.clear();
        opened.pinned.clear();
        opened.everything = false;
    });
}

/// A trace went (deleted).
pub fn forget(id: &str) {
    OPENED.with_borrow_mut(|opened| {
        opened.order.retain(|other| other != id);
        opened.pinned.remove(id);
    });
}
