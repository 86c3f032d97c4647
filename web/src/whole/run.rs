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
    stop_search(state);
    if state.unavailable.get_untracked() {
        return found(HashSet::new());
    }
    show(state, SEARCHING_LABEL, 0, 0);
    let job = client::search(&text, move |event| match event {
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
            hide(state, SEARCHING_LABEL);
            say(state, vec![format!("Content search: {error}")]);
        }
    }
}

/// Stops the search under way (its page went, or the phrase was cleared).
pub fn stop_search(state: AppState) {
    if SEARCHING.with_borrow_mut(Option::take).is_some() {
        hide(state, SEARCHING_LABEL);
    }
}

/// Downloads every stored trace, and the traces only this tab holds, as
/// one file of `kind`, written by a worker a page of records at a time.
pub fn export(state: AppState, kind: Export) {
    // Records storage refused, or a tab that cannot use storage: they are
    // only here.
    let (also, all_here) = state.peek(|store| {
        let also: String = (store.traces().map(|entry| entry.trace().id.as_str()))
            .chain([jsonl::WITHOUT_TRACE])
            .filter(|key| records::pinned(key))
            .filter_map(|key| jsonl::write_trace(store, key))
            .collect();
        let all_here = state.unavailable.get_untracked().then(|| match kind {
            Export::JsonLines => jsonl::write(store),
            Export::Otlp => otlp::write(store),
        });
        (also, all_here)
    });
    if let Some(text) = all_here {
        let parts = js_sys::Array::of1(&text.into());
        if let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) {
            download_blob(kind.file_name(), &blob);
        }
        return;
    }
    show(state, EXPORTING_LABEL, 0, 0);
    let failed = move |error: String| {
        hide(state, EXPORTING_LABEL);
        let_go(&EXPORTING);
        say(state, vec![format!("Export: {error}")]);
    };
    let job = client::export(kind, &also, move |event| match event {
        Event::Progress { done, total } => show(state, EXPORTING_LABEL, done, total),
        Event::Exported { blob, unreadable } => {
            hide(state, EXPORTING_LABEL);
            say(state, unreadable);
            download_blob(kind.file_name(), &blob);
            let_go(&EXPORTING);
        }
        Event::Found { .. } => {}
        Event::Failed(error) => failed(error),
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
