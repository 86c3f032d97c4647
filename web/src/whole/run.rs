//! What pages ask of the jobs over every record: the progress bar while
//! one runs, its answer handed back, and what it could not read named in
//! the errors banner. One search and one export at a time: a newer one
//! replaces the older.

use std::cell::RefCell;
use std::collections::HashSet;

use leptos::prelude::*;
use prompttrace::format::{jsonl, otlp};

use super::client::{self, Event, Job};
use super::Export;
use crate::state::{AppState, Progress};
use crate::{download_blob, records};

thread_local! {
    static SEARCHING: RefCell<Option<Job>> = const { RefCell::new(None) };
    /// What the running or last finished search looked for, and in which
    /// state of storage (`records::epoch`): asked again for the same, it
    /// is not run again (the rows also change when nothing stored did: a
    /// live file's lines, a share).
    static SEARCHED: RefCell<Option<(String, u64)>> = const { RefCell::new(None) };
    static EXPORTING: RefCell<Option<Job>> = const { RefCell::new(None) };
}

const SEARCHING_LABEL: &str = "Searching every stored trace…";
const EXPORTING_LABEL: &str = "Exporting every stored trace…";

/// Shows the job's progress, unless the bar is taken (an import).
fn show(state: AppState, label: &'static str, done: u32, total: u32) {
    let ours = state
        .progress
        .with_untracked(|p| p.as_ref().is_none_or(|p| p.label == label));
    if ours {
        state.progress.set(Some(Progress {
            label: label.into(),
            fraction: (total > 0).then(|| f64::from(done) / f64::from(total)),
            cancellable: false,
        }));
    }
}

/// Adds what a job could not read to the errors banner, once each (a
/// search runs again as the phrase changes).
fn say(state: AppState, unreadable: Vec<String>) {
    state.errors.update(|errors| {
        for message in unreadable {
            if !errors.contains(&message) {
                errors.push(message);
            }
        }
    });
}

fn hide(state: AppState, label: &'static str) {
    if state
        .progress
        .with_untracked(|p| p.as_ref().is_some_and(|p| p.label == label))
    {
        state.progress.set(None);
    }
}

/// Searches every stored record for `text` in a worker, and gives `found`
/// the traces whose content holds it. Where storage cannot be used the
/// tab holds all there is: nothing is stored to search.
pub fn search(state: AppState, text: String, found: impl Fn(HashSet<String>) + 'static) {
    let asked = Some((text.clone(), records::epoch()));
    if SEARCHED.with_borrow(|searched| *searched == asked) {
        return;
    }
    stop_search(state);
    if state.unavailable.get_untracked() {
        return found(HashSet::new());
    }
    SEARCHED.set(asked);
    show(state, SEARCHING_LABEL, 0, 0);
    let job = client::search(&text, &pinned_keys(state), move |event| match event {
        Event::Progress { done, total } => show(state, SEARCHING_LABEL, done, total),
        Event::Found { ids, unreadable } => {
            hide(state, SEARCHING_LABEL);
            say(state, unreadable);
            found(ids.into_iter().collect());
            let_go(&SEARCHING);
        }
        Event::Exported { .. } => {}
        Event::Failed(error) => {
            hide(state, SEARCHING_LABEL);
            say(state, vec![format!("Content search: {error}")]);
            let_go(&SEARCHING);
        }
    });
    match job {
        Ok(job) => SEARCHING.with_borrow_mut(|searching| *searching = Some(job)),
        Err(error) => {
            SEARCHED.set(None);
            hide(state, SEARCHING_LABEL);
            say(state, vec![format!("Content search: {error}")]);
        }
    }
}

/// The keys of the records only this tab holds as they are (storage
/// refused them, live files): searched and exported from the tab, and
/// their stored copies, if any, left out.
fn pinned_keys(state: AppState) -> Vec<String> {
    state.peek(|store| {
        (store.traces().map(|entry| entry.trace().id.clone()))
            .chain([jsonl::WITHOUT_TRACE.to_string()])
            .filter(|key| records::pinned(key))
            .collect()
    })
}

/// Stops the search under way (its page went, or the phrase was cleared).
pub fn stop_search(state: AppState) {
    SEARCHED.set(None);
    if SEARCHING.with_borrow_mut(Option::take).is_some() {
        hide(state, SEARCHING_LABEL);
    }
}

/// Downloads every stored trace, and the traces only this tab holds, as
/// one file of `kind`, written by a worker a page of records at a time.
pub fn export(state: AppState, kind: Export) {
    // A tab that cannot use storage holds all there is: written a trace at
    // a time into the file's parts (a JSON Lines file may repeat its
    // header), or as one OTLP request.
    if state.unavailable.get_untracked() {
        let parts = state.peek(|store| {
            let parts = js_sys::Array::new();
            match kind {
                Export::JsonLines => {
                    parts.push(&jsonl::header_line().into());
                    (store.traces().map(|entry| entry.trace().id.as_str()))
                        .chain([jsonl::WITHOUT_TRACE])
                        .filter_map(|key| jsonl::write_trace(store, key))
                        .for_each(|text| {
                            parts.push(&text.into());
                        });
                }
                Export::Otlp => {
                    parts.push(&otlp::write(store).into());
                }
            }
            parts
        });
        if let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) {
            download_blob(kind.file_name(), &blob);
        }
        return;
    }
    // Records storage refused, live files: only here, in place of any
    // stored copy.
    let skip = pinned_keys(state);
    let also: String = state.peek(|store| {
        skip.iter()
            .filter_map(|key| jsonl::write_trace(store, key))
            .collect()
    });
    show(state, EXPORTING_LABEL, 0, 0);
    let failed = move |error: String| {
        hide(state, EXPORTING_LABEL);
        say(state, vec![format!("Export: {error}")]);
    };
    let job = client::export(kind, &also, &skip, move |event| match event {
        Event::Progress { done, total } => show(state, EXPORTING_LABEL, done, total),
        Event::Exported { blob, unreadable } => {
            hide(state, EXPORTING_LABEL);
            say(state, unreadable);
            download_blob(kind.file_name(), &blob);
            let_go(&EXPORTING);
        }
        Event::Found { .. } => {}
        Event::Failed(error) => {
            failed(error);
            let_go(&EXPORTING);
        }
    });
    match job {
        Ok(job) => EXPORTING.with_borrow_mut(|exporting| *exporting = Some(job)),
        Err(error) => failed(error),
    }
}

/// Lets a finished job's worker (and its memory) go, on the next turn: the
/// handler that asks is the job's own, and a closure may not be dropped
/// while it runs. A newer job started meanwhile is kept.
fn let_go(job: &'static std::thread::LocalKey<RefCell<Option<Job>>>) {
    let finished = job.with_borrow(|job| job.as_ref().map(Job::id));
    leptos::task::spawn_local(async move {
        job.with_borrow_mut(|job| {
            if job.as_ref().map(Job::id) == finished {
                job.take();
            }
        });
    });
}
