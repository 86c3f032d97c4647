//! Batches of files take turns: one import worker at a time, so each batch
//! has the progress bar, Cancel and its messages to itself. The lists take
//! the rows each file wrote as it is stored.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use prompttrace::format;
use prompttrace::rollup::IndexRow;
use web_sys::Blob;

use super::client::{self, Event};
use crate::records;
use crate::state::{AppState, Progress};
use crate::storage;

type Files = Vec<(String, Blob)>;

/// Told how a batch ended: `Ok` once every file of it was stored, else why
/// not (refused, failed, cancelled).
pub type Done = Box<dyn FnOnce(Result<(), String>)>;

/// Files to import, stored or (storage cannot be used) held by the page.
struct Batch {
    files: Files,
    store: bool,
    done: Option<Done>,
}

thread_local! {
    static WAITING: RefCell<VecDeque<Batch>> = const { RefCell::new(VecDeque::new()) };
    /// The running batch's `done`.
    static RUNNING: RefCell<Option<Done>> = const { RefCell::new(None) };
}

/// Imports `files` after the batches before them: stored, or (`store`
/// false: storage cannot be used) read by the worker and held by this tab
/// only.
pub fn enqueue(state: AppState, files: Files, store: bool) {
    push(
        state,
        Batch {
            files,
            store,
            done: None,
        },
    );
}

/// `enqueue`, and `done` told how the batch ended ("Keep" of a share).
pub fn enqueue_then(
    state: AppState,
    files: Files,
    store: bool,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    push(
        state,
        Batch {
            files,
            store,
            done: Some(Box::new(done)),
        },
    );
}

fn push(state: AppState, batch: Batch) {
    WAITING.with_borrow_mut(|waiting| waiting.push_back(batch));
    if !client::running() {
        next(state);
    }
}

/// Tells the running batch's `done` (out of any borrow: it may queue more).
fn tell(result: Result<(), String>) {
    if let Some(done) = RUNNING.with_borrow_mut(Option::take) {
        done(result);
    }
}

fn next(state: AppState) {
    if let Some(batch) = WAITING.with_borrow_mut(VecDeque::pop_front) {
        run(state, batch);
    }
}

/// "Cancel": stops the import under way and drops the batches waiting. A
/// file already stored stays; the one under way was not committed. The
/// rows are read again, so the lists show exactly what is stored.
pub fn cancel(state: AppState) {
    stop_all(state);
    state.notice.set(Some(
        "Import cancelled: the file under way was not stored; what was stored before is kept."
            .into(),
    ));
    refresh(state);
}

/// Stops every import without a word ("Clear everything" follows).
pub fn stop_all(state: AppState) {
    let waiting = WAITING.with_borrow_mut(std::mem::take);
    client::cancel();
    tell(Err("the import was cancelled".into()));
    for done in waiting.into_iter().filter_map(|batch| batch.done) {
        done(Err("the import was cancelled".into()));
    }
    if state
        .progress
        .with_untracked(|p| p.as_ref().is_some_and(|p| p.cancellable))
    {
        state.progress.set(None);
    }
}

/// Errors, reports and warnings of a batch, said when it ends.
#[derive(Default)]
struct Said {
    errors: Vec<String>,
    loaded: Vec<String>,
    warnings: Vec<String>,
}

fn run(state: AppState, Batch { files, store, done }: Batch) {
    RUNNING.set(done);
    let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let sizes: Vec<f64> = files.iter().map(|(_, blob)| blob.size()).collect();
    let total: f64 = sizes.iter().sum();
    let before = move |file: usize| sizes[..file.min(sizes.len())].iter().sum::<f64>();
    state.progress.set(Some(Progress {
        label: format!("Reading {}…", describe(&names, total)),
        fraction: Some(0.0),
        cancellable: true,
    }));
    let said = Rc::new(RefCell::new(Said::default()));
    let rest = files.clone();
    client::start(files, store, move |event| match event {
        Event::Progress { file, read } => state.progress.set(Some(Progress {
            label: format!("Reading {}", names[file]),
            fraction: Some(fraction(before(file) + read, total)),
            cancellable: true,
        })),
        Event::Importing { file } => state.progress.set(Some(Progress {
            label: format!("Importing {}…", names[file]),
            fraction: None,
            cancellable: true,
        })),
        // Writes, not traces: a trace is a record and an index row.
        Event::Saving { file, done, of } => state.progress.set(Some(Progress {
            label: format!("Saving {}", names[file]),
            fraction: Some(fraction(done, of)),
            cancellable: true,
        })),
        Event::Stored(stored) => {
            match &stored.records {
                Some(records) => hold(state, records, &stored.keys),
                None => take_rows(state, stored.rows, &stored.keys),
            }
            let mut said = said.borrow_mut();
            said.errors.extend(stored.left);
            said.loaded.push(stored.report);
            said.warnings.extend(stored.warnings);
        }
        Event::Refused { error } => said.borrow_mut().errors.push(error),
        Event::Finished => {
            let said = said.take();
            let result = match (said.errors.first(), said.loaded.is_empty()) {
                (Some(error), _) => Err(error.clone()),
                (None, true) => Err("nothing was stored".into()),
                (None, false) => Ok(()),
            };
            finish(state, said);
            tell(result);
            next(state);
        }
        Event::Failed { file, error } => {
            let mut batch = said.take();
            batch.errors.push(match file {
                Some(file) => format!(
                    "{}: the import stopped ({error}); nothing of this file was stored, and what was stored before is kept",
                    names[file]
                ),
                None => format!("{}: not imported ({error})", names.join(", ")),
            });
            let why = batch.errors.last().cloned().unwrap_or_default();
            finish(state, batch);
            tell(Err(why));
            refresh(state);
            // The files after it go on in a new worker.
            let after = file.map_or(0, |file| file + 1);
            if after > 0 && after < rest.len() {
                let files = rest[after..].to_vec();
                WAITING.with_borrow_mut(|waiting| {
                    waiting.push_front(Batch {
                        files,
                        store,
                        done: None,
                    })
                });
            }
            next(state);
        }
    });
}

fn describe(names: &[String], total: f64) -> String {
    match names {
        [one] => format!("{one} ({:.1} MB)", total / 1e6),
        many => format!("{} files ({:.1} MB)", many.len(), total / 1e6),
    }
}

fn fraction(done: f64, total: f64) -> f64 {
    if total > 0.0 {
        (done / total).clamp(0.0, 1.0)
    } else {
        1.0
    }
}

/// Rows the worker wrote go into the lists; the opened copies of what it
/// changed are read again when shown. A trace deleted in this tab while
/// the file was imported is stored or not depending on which write came
/// last (IndexedDB runs them in order): its row is read back, and shown
/// only if it is still stored.
fn take_rows(state: AppState, rows: Vec<IndexRow>, keys: &[String]) {
    let (raced, written): (Vec<String>, Vec<String>) =
        keys.iter().cloned().partition(|key| records::gone(key));
    records::back(&written);
    state.change_rows(|all| {
        for row in rows.into_iter().filter(|row| !records::gone(&row.id)) {
            all.insert(row.id.clone(), row);
        }
    });
    records::stale(state, keys);
    if raced.is_empty() {
        return;
    }
    spawn_local(async move {
        let (stored, _deleted) = match storage::rows(&raced).await {
            Ok(read) => read,
            Err(error) => {
                // Not known: no longer taken as deleted, so the next read
                // of the rows lists what is stored.
                records::back(&raced);
                return state.errors.update(|errors| errors.push(error));
            }
        };
        let ids: Vec<String> = stored.iter().map(|row| row.id.clone()).collect();
        records::back(&ids);
        state.change_rows(|all| {
            for row in stored {
                all.insert(row.id.clone(), row);
            }
        });
    });
}

/// A file read only (storage cannot be used): its records go into this
/// tab's store, held there (never let go), with rows made from them.
fn hold(state: AppState, records: &str, keys: &[String]) {
    let read = state.change(|store| format::import_jsonl(store, "read file", records.as_bytes()));
    if let Err(error) = read {
        state.errors.update(|errors| errors.push(error.to_string()));
        return;
    }
    records::hold(state, keys);
}

/// Says how a batch went. Once something was stored, the demo is not
/// offered again.
fn finish(state: AppState, said: Said) {
    if !said.loaded.is_empty() {
        storage::set_setting(storage::DEMO_SEEN, "1");
    }
    if !client::running() {
        state.progress.set(None);
    }
    state.errors.update(|all| all.extend(said.errors));
    state.notice.set((!said.loaded.is_empty()).then(|| {
        let mut notice = format!("Loaded {}", said.loaded.join("; "));
        for warning in &said.warnings {
            notice.push_str(&format!(". Skipped: {warning}"));
        }
        notice
    }));
}

/// Reads the index rows again (an import stopped midway: a file may have
/// been stored without its rows reaching the page); records whose rows
/// changed are read again when shown.
fn refresh(state: AppState) {
    let began = records::epoch();
    spawn_local(async move {
        let Ok(kept) = storage::read().await else {
            return;
        };
        // Cleared or changed meanwhile: what was read is no longer so.
        if records::epoch() != began {
            return;
        }
        let fresh: std::collections::BTreeMap<String, IndexRow> = kept
            .rows
            .into_iter()
            .filter(|row| !records::gone(&row.id))
            .map(|row| (row.id.clone(), row))
            .collect();
        let changed: Vec<String> = state.peek_rows(|rows| {
            fresh
                .iter()
                .filter(|(id, row)| rows.get(*id) != Some(row))
                .map(|(id, _)| id.clone())
                .collect()
        });
        if changed.is_empty() {
            return;
        }
        state.change_rows(|rows| {
            for id in &changed {
                rows.insert(id.clone(), fresh[id].clone());
            }
        });
        records::stale(state, &changed);
    });
}
