//! Traces' records, read from storage when a page shows them: a trace page
//! its trace, a session page its traces, the LLM calls page the traces of
//! the calls it shows. (Jobs over every record, content search and
//! "Export", run in a worker: `crate::whole`.) What was opened stays in
//! the store, the least recently opened going first once it holds more
//! than `KEEP_OBSERVATIONS`; records this tab could not store are never
//! let go.
//!
//! Reads take time: an answer is dropped when storage changed under it
//! meanwhile (an import, a delete, a clear bump `epoch`), and the page
//! asks again.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use leptos::prelude::*;
use leptos::task::spawn_local;
use prompttrace::format::{self, jsonl};
use prompttrace::rollup::IndexRow;
use prompttrace::Store;

use crate::state::AppState;
use crate::storage;

/// Observations kept opened before the least recently opened traces go.
const KEEP_OBSERVATIONS: usize = 200_000;

#[derive(Default)]
struct Opened {
    /// When each opened trace was last asked for, and the reverse: the
    /// least recently asked for first (a map each way, so a million spans'
    /// traces cost no scan).
    asked: HashMap<String, u64>,
    by_age: BTreeMap<u64, String>,
    clock: u64,
    /// Being read now.
    reading: HashSet<String>,
    /// Read, and not stored (a row without its record), or not readable
    /// (named in the errors): not asked again until storage changes.
    absent: HashSet<String>,
    /// Only in this tab (storage refused them): never let go.
    pinned: HashSet<String>,
    /// Deleted in this tab: rows read later skip it, and no read brings
    /// it back.
    gone: HashSet<String>,
    /// Bumped whenever storage changes under the reads (an import, a
    /// delete, a clear): an answer read before is dropped.
    epoch: u64,
}

thread_local! {
    static OPENED: RefCell<Opened> = RefCell::new(Opened::default());
}

/// Whether `id`'s record is being read (a page says "Opening…").
pub fn reading(id: &str) -> bool {
    OPENED.with_borrow(|opened| opened.reading.contains(id))
}

/// Whether `id`'s record was read and is not stored (a row without its
/// record, or no calls without a trace).
pub fn absent(id: &str) -> bool {
    OPENED.with_borrow(|opened| opened.absent.contains(id))
}

/// Whether the store holds the record under `key`.
fn holds(store: &Store, key: &str) -> bool {
    match key {
        jsonl::WITHOUT_TRACE => !store.observations_without_trace().is_empty(),
        id => store.trace(id).is_some(),
    }
}

/// Whether `id` was deleted in this tab (rows read later skip it).
pub fn gone(id: &str) -> bool {
    OPENED.with_borrow(|opened| opened.gone.contains(id))
}

/// Bumped whenever storage changes under a read (an import, a delete, a
/// clear): a read that began before it is no longer what is stored.
pub fn epoch() -> u64 {
    OPENED.with_borrow(|opened| opened.epoch)
}

/// Opens the records of `ids` the store does not hold yet; none of `ids`
/// is let go to make room for the others.
pub fn open(state: AppState, ids: Vec<String>) {
    let unavailable = state.unavailable.get_untracked();
    let missing: Vec<String> = OPENED.with_borrow_mut(|opened| {
        let mut missing = Vec::new();
        for id in &ids {
            if state.peek(|store| holds(store, id)) {
                touch(opened, id);
            } else if unavailable {
                // Nothing to read from: the tab holds all there is.
                opened.absent.insert(id.clone());
            } else if !(opened.reading.contains(id)
                || opened.absent.contains(id)
                || opened.gone.contains(id))
            {
                missing.push(id.clone());
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
    let began = epoch();
    spawn_local(async move {
        let answers = storage::records(&missing).await;
        let current = epoch() == began;
        OPENED.with_borrow_mut(|opened| {
            for id in &missing {
                opened.reading.remove(id);
            }
        });
        match answers {
            Ok(answers) if current => {
                let mut found = Vec::new();
                for (id, answer) in missing.into_iter().zip(answers) {
                    match answer {
                        Some(answer) => found.push((id, answer)),
                        None => {
                            OPENED.with_borrow_mut(|opened| opened.absent.insert(id));
                        }
                    }
                }
                take_in(state, found, &ids);
            }
            // Storage changed meanwhile: the pages ask again (below).
            Ok(_) => {}
            // Not asked again until storage changes: a page would loop.
            Err(error) => {
                OPENED.with_borrow_mut(|opened| opened.absent.extend(missing));
                state.errors.update(|errors| errors.push(error));
            }
        }
        // `reading` changed: pages that said "Opening…" look again.
        state.change(|_| ());
    });
}

/// Records read from storage go into the store; one that cannot be read is
/// named and left as it is. None of `keep` is let go for room.
fn take_in(state: AppState, records: Vec<(String, Result<String, String>)>, keep: &[String]) {
    let mut errors = Vec::new();
    let keep: HashSet<String> = keep
        .iter()
        .chain(records.iter().map(|(key, _)| key))
        .cloned()
        .collect();
    state.change(|store| {
        for (key, text) in records {
            if gone(&key) {
                continue; // deleted in this tab, its delete not saved yet
            }
            let read = text.and_then(|text| {
                let name = format!("stored trace {key}");
                format::import_jsonl(store, &name, text.as_bytes())
                    .map(|_| ())
                    .map_err(storage::left_as_it_is)
            });
            OPENED.with_borrow_mut(|opened| match read {
                Ok(()) => touch(opened, &key),
                Err(error) => {
                    errors.push(error);
                    opened.absent.insert(key);
                }
            });
        }
        let evict = OPENED.with_borrow_mut(|opened| to_let_go(opened, store, &keep));
        for id in evict {
            store.remove_trace(&id);
        }
    });
    if !errors.is_empty() {
        state.errors.update(|all| all.extend(errors));
    }
}

fn touch(opened: &mut Opened, id: &str) {
    if id == jsonl::WITHOUT_TRACE {
        return; // one record, never let go
    }
    opened.clock += 1;
    if let Some(old) = opened.asked.insert(id.to_string(), opened.clock) {
        opened.by_age.remove(&old);
    }
    opened.by_age.insert(opened.clock, id.to_string());
}

fn untouch(opened: &mut Opened, id: &str) {
    if let Some(old) = opened.asked.remove(id) {
        opened.by_age.remove(&old);
    }
}

/// The least recently asked for traces past the budget: never one the
/// page asks for now (`keep`), never a pinned one.
fn to_let_go(opened: &mut Opened, store: &Store, keep: &HashSet<String>) -> Vec<String> {
    let mut held = store.observation_count();
    let mut gone = Vec::new();
    for id in opened.by_age.values() {
        if held <= KEEP_OBSERVATIONS {
            break;
        }
        if opened.pinned.contains(id) || keep.contains(id) {
            continue;
        }
        held = held.saturating_sub(store.trace(id).map_or(0, |e| e.observations().len()));
        gone.push(id.clone());
    }
    for id in &gone {
        untouch(opened, id);
    }
    gone
}

/// Records storage changed (an import, another tab): the opened copies go,
/// and are read again when shown. What only this tab holds (pinned: a live
/// file's traces) stays as it is.
pub fn stale(state: AppState, keys: &[String]) {
    let keys: Vec<String> = OPENED.with_borrow(|opened| {
        keys.iter()
            .filter(|key| !opened.pinned.contains(*key))
            .cloned()
            .collect()
    });
    OPENED.with_borrow_mut(|opened| {
        opened.epoch += 1;
        for key in &keys {
            opened.absent.remove(key);
            untouch(opened, key);
        }
    });
    state.change(|store| {
        for key in &keys {
            remove(store, key);
        }
    });
}

/// Removes one key's records from the store: a trace, or the calls without
/// trace (`jsonl::WITHOUT_TRACE`).
pub fn remove(store: &mut Store, key: &str) {
    if key == jsonl::WITHOUT_TRACE {
        store.remove_calls_without_trace(|_| true);
    } else {
        store.remove_trace(key);
    }
}

/// Traces the store now holds that only this tab has (a file read while
/// storage is unusable, live files, a share): pinned, no longer gone, and
/// their rows, made from the store, into the lists.
pub fn hold(state: AppState, ids: &[String]) {
    let rows: Vec<IndexRow> = state.peek_priced(|store, prices| {
        ids.iter()
            .filter_map(|id| store.trace(id))
            .map(|entry| IndexRow::of(store, entry, prices))
            .collect()
    });
    back(ids);
    pin(ids.iter().cloned());
    state.change_rows(|all| {
        for row in rows {
            all.insert(row.id.clone(), row);
        }
    });
}

/// Records only this tab holds (storage refused them): kept opened.
pub fn pin(keys: impl IntoIterator<Item = String>) {
    OPENED.with_borrow_mut(|opened| opened.pinned.extend(keys));
}

/// The traces deleted in this tab.
pub fn gone_ids() -> Vec<String> {
    OPENED.with_borrow(|opened| opened.gone.iter().cloned().collect())
}

/// Whether only this tab holds `key`'s records (never let go or made stale).
pub fn pinned(key: &str) -> bool {
    OPENED.with_borrow(|opened| opened.pinned.contains(key))
}

/// Records no longer held by this tab alone (live files sent again).
pub fn unpin(keys: &[String]) {
    OPENED.with_borrow_mut(|opened| {
        for key in keys {
            opened.pinned.remove(key);
        }
    });
}

/// Everything went ("Clear everything").
pub fn forget_all() {
    OPENED.with_borrow_mut(|opened| {
        opened.asked.clear();
        opened.by_age.clear();
        opened.pinned.clear();
        opened.gone.clear();
        opened.absent.clear();
        opened.epoch += 1;
    });
}

/// A trace went (deleted).
pub fn forget(id: &str) {
    OPENED.with_borrow_mut(|opened| {
        untouch(opened, id);
        opened.pinned.remove(id);
        opened.gone.insert(id.to_string());
        opened.epoch += 1;
    });
}

/// Traces stored again (an import brought them): no longer gone.
pub fn back(ids: &[String]) {
    OPENED.with_borrow_mut(|opened| {
        for id in ids {
            opened.gone.remove(id);
            opened.absent.remove(id);
        }
    });
}
