//! Live files. When `npx prompttrace view` serves the viewer, `index.html`
//! names its event stream (`<meta name="prompttrace-live">`). The server
//! sends each file's native JSON Lines as it grows (`append`: whole lines,
//! numbered as in the file), `reset` when a file was truncated or replaced
//! (everything follows again), and `problem` for a file it cannot read.
//!
//! The records go through core's JSON Lines import into this tab's store,
//! held there (pinned) and never written to IndexedDB: the files are the
//! source, and a later run must not meet a stale copy. Files opened by hand
//! are stored as usual. "Pause" keeps what arrives and applies it on
//! "Resume"; EventSource reconnects by itself, and the server then sends
//! everything again after a `reset`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use leptos::prelude::*;
use prompttrace::format::{self, jsonl};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::records;
use crate::state::AppState;

/// What the indicator shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Connecting,
    Live,
    /// Updates held back, applied on resume.
    Paused(usize),
    Reconnecting,
    /// The server said no (not an event stream): EventSource gave up.
    Stopped,
}

/// The indicator's state, in context when the page is live.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<Status>,
    pub files: RwSignal<Vec<String>>,
}

enum Message {
    Reset(Vec<String>),
    Files(Vec<String>),
    Append {
        file: String,
        line: usize,
        text: String,
    },
    Problem(String),
}

#[derive(Default)]
struct Held {
    paused: bool,
    connected: bool,
    /// EventSource gave up: no Pause or Resume brings it back.
    stopped: bool,
    /// Arrived, not applied yet: paused, or waiting for the next batch.
    waiting: VecDeque<Message>,
    batch_due: bool,
    /// The keys the live files brought: dropped on reset.
    keys: BTreeSet<String>,
    /// Live traces deleted (or cleared) here: their later lines are skipped
    /// until the files are sent again, so no half trace comes back.
    hidden: BTreeSet<String>,
    /// Since the files were last sent: files whose header was refused (the
    /// rest of them is not read), lines refused per file, and the banner
    /// lines said (they go on reset, and are said again if still true).
    refused_files: BTreeSet<String>,
    refused_lines: BTreeMap<String, usize>,
    said: Vec<String>,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

/// Messages arriving within this many milliseconds are applied together:
/// one import per file and one redraw, however fast the app writes (and a
/// large file's parts, which arrive back to back, as one). One frame.
const BATCH_MS: i32 = 16;
/// Refused lines named one by one, at most.
const NAMED_REFUSALS: usize = 5;

/// The event stream's address, when the page is served live.
pub fn address() -> Option<String> {
    let meta = document()
        .query_selector("meta[name=prompttrace-live]")
        .ok()??;
    meta.get_attribute("content").filter(|a| !a.is_empty())
}

impl Live {
    pub fn new() -> Live {
        Live {
            status: RwSignal::new(Status::Connecting),
            files: RwSignal::new(Vec::new()),
        }
    }
}

/// Follows the files. Called once the stored rows are read, so the live
/// rows are never written over by them.
pub fn connect(state: AppState, live: Live, address: &str) {
    let Ok(source) = web_sys::EventSource::new(address) else {
        live.status.set(Status::Stopped);
        return;
    };
    let on = |name: &str, handle: Box<dyn FnMut(web_sys::MessageEvent)>| {
        let closure = Closure::wrap(handle);
        let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        // Listens as long as the page lives.
        closure.forget();
    };
    #[derive(Deserialize)]
    struct Files {
        files: Vec<String>,
    }
    on(
        "reset",
        Box::new(move |event| {
            if let Some(f) = data(&event).and_then(|d| serde_json::from_str::<Files>(&d).ok()) {
                arrive(state, live, Message::Reset(f.files));
            }
        }),
    );
    on(
        "files",
        Box::new(move |event| {
            if let Some(f) = data(&event).and_then(|d| serde_json::from_str::<Files>(&d).ok()) {
                arrive(state, live, Message::Files(f.files));
            }
        }),
    );
    on(
        "append",
        Box::new(move |event| {
            #[derive(Deserialize)]
            struct Part {
                file: String,
                line: usize,
            }
            let Some(data) = data(&event) else { return };
            let (head, text) = data.split_once('\n').unwrap_or((&data, ""));
            if let Ok(Part { file, line }) = serde_json::from_str(head) {
                let text = format!("{text}\n");
                arrive(state, live, Message::Append { file, line, text });
            }
        }),
    );
    on(
        "problem",
        Box::new(move |event| {
            // The message names the file already.
            #[derive(Deserialize)]
            struct Problem {
                message: String,
            }
            if let Some(p) = data(&event).and_then(|d| serde_json::from_str::<Problem>(&d).ok()) {
                arrive(state, live, Message::Problem(p.message));
            }
        }),
    );
    let opened = Closure::<dyn FnMut()>::new(move || {
        HELD.with_borrow_mut(|held| held.connected = true);
        show_status(live);
    });
    source.set_onopen(Some(opened.as_ref().unchecked_ref()));
    opened.forget();
    let errored = {
        let source = source.clone();
        Closure::<dyn FnMut()>::new(move || {
            HELD.with_borrow_mut(|held| {
                held.connected = false;
                held.stopped = source.ready_state() == web_sys::EventSource::CLOSED;
            });
            show_status(live);
        })
    };
    source.set_onerror(Some(errored.as_ref().unchecked_ref()));
    errored.forget();
}

fn data(event: &web_sys::MessageEvent) -> Option<String> {
    event.data().as_string()
}

/// The indicator from the connection and the pause.
fn show_status(live: Live) {
    let status = HELD.with_borrow(|held| match (held.stopped, held.paused, held.connected) {
        (true, _, _) => Status::Stopped,
        (false, true, _) => Status::Paused(held.waiting.len()),
        (false, false, true) => Status::Live,
        (false, false, false) => Status::Reconnecting,
    });
    if live.status.get_untracked() != status {
        live.status.set(status);
    }
}

fn arrive(state: AppState, live: Live, message: Message) {
    let schedule = HELD.with_borrow_mut(|held| {
        held.connected = true;
        if matches!(message, Message::Reset(_)) {
            // Everything follows again: what waited is moot.
            held.waiting.clear();
        }
        held.waiting.push_back(message);
        let schedule = !held.paused && !held.batch_due;
        held.batch_due |= schedule;
        schedule
    });
    show_status(live);
    if schedule {
        set_timeout(
            move || {
                HELD.with_borrow_mut(|held| held.batch_due = false);
                apply_waiting(state, live);
            },
            std::time::Duration::from_millis(BATCH_MS as u64),
        );
    }
}

/// "Pause": what arrives waits. "Resume": it is applied, in order.
pub fn set_paused(state: AppState, live: Live, paused: bool) {
    HELD.with_borrow_mut(|held| held.paused = paused);
    show_status(live);
    if !paused {
        apply_waiting(state, live);
    }
}

/// Applies what waited (not while paused): parts of one file that follow
/// each other are imported as one, and the lists redrawn once.
fn apply_waiting(state: AppState, live: Live) {
    let waiting = HELD.with_borrow_mut(|held| {
        if held.paused {
            VecDeque::new()
        } else {
            std::mem::take(&mut held.waiting)
        }
    });
    let mut changed = BTreeSet::new();
    let mut messages = waiting.into_iter().peekable();
    while let Some(message) = messages.next() {
        match message {
            Message::Reset(files) => {
                apply_changed(state, std::mem::take(&mut changed));
                live.files.set(files);
                drop_held(state);
            }
            Message::Files(files) => live.files.set(files),
            Message::Problem(problem) => say(state, problem),
            Message::Append {
                file,
                line,
                mut text,
            } => {
                // The parts of this file right after it, joined.
                let mut next = line + lines_in(&text);
                while let Some(Message::Append {
                    file: next_file,
                    line: next_line,
                    text: next_text,
                }) = messages.peek()
                {
                    if *next_file != file || *next_line != next {
                        break;
                    }
                    next += lines_in(next_text);
                    text.push_str(next_text);
                    messages.next();
                }
                changed.extend(take(state, &file, line, &text));
            }
        }
    }
    apply_changed(state, changed);
    show_status(live);
}

fn lines_in(text: &str) -> usize {
    text.bytes().filter(|&b| b == b'\n').count()
}

/// Everything the files brought goes (they are sent again, and what was
/// said about them is said again if still true); stored copies of the same
/// traces, if any, are read again. Traces deleted here come back.
fn drop_held(state: AppState) {
    let (keys, hidden, said) = HELD.with_borrow_mut(|held| {
        held.refused_files.clear();
        held.refused_lines.clear();
        (
            std::mem::take(&mut held.keys),
            std::mem::take(&mut held.hidden),
            std::mem::take(&mut held.said),
        )
    });
    state
        .errors
        .update(|errors| errors.retain(|error| !said.contains(error)));
    let deleted: Vec<String> = hidden
        .into_iter()
        .chain(keys.iter().filter(|key| records::gone(key)).cloned())
        .collect();
    records::back(&deleted);
    let keys: Vec<String> = keys.into_iter().collect();
    if keys.is_empty() {
        return;
    }
    records::unpin(&keys);
    state.change(|store| {
        for key in &keys {
            records::remove(store, key);
        }
    });
    state.change_rows(|rows| {
        for key in &keys {
            rows.remove(key);
        }
    });
    crate::elsewhere::refresh(state, keys);
}

/// "Clear everything": the live traces go too, and their later lines are
/// skipped until the files are sent again.
pub fn cleared() {
    HELD.with_borrow_mut(|held| {
        let keys = std::mem::take(&mut held.keys);
        held.hidden.extend(keys);
    });
}

/// Lines of `file` from line `line` on, merged through core; the keys they
/// changed. A part refused whole is taken line by line, so one bad line
/// (named by file and line) loses only itself.
fn take(state: AppState, file: &str, line: usize, text: &str) -> Vec<String> {
    if HELD.with_borrow(|held| held.refused_files.contains(file)) {
        return Vec::new();
    }
    let result = state.change(|store| import(store, file, line, text));
    let report = match result {
        Ok(report) => report,
        Err(_) => return take_by_line(state, file, line, text),
    };
    if !report.warnings.is_empty() {
        state
            .notice
            .set(Some(format!("Skipped: {}", report.warnings.join("; "))));
    }
    keys_of(report)
}

fn import(
    store: &mut prompttrace::Store,
    file: &str,
    line: usize,
    text: &str,
) -> Result<prompttrace::store::ImportReport, prompttrace::ImportError> {
    if line <= 1 {
        format::import_jsonl(store, file, text.as_bytes())
    } else {
        format::import_jsonl_from(store, file, text.as_bytes(), line)
    }
}

fn take_by_line(state: AppState, file: &str, first: usize, text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut refused = Vec::new();
    let mut warnings = Vec::new();
    let mut hidden: Vec<String> = HELD.with_borrow(|held| held.hidden.iter().cloned().collect());
    hidden.extend(records::gone_ids());
    // A line of a trace deleted here fails for want of its trace: not news.
    let of_hidden = |message: &str| {
        hidden
            .iter()
            .any(|id| message.contains(&format!("\"{id}\"")))
    };
    let header_refused = state.change(|store| {
        for (at, one) in text.split_inclusive('\n').enumerate() {
            match import(store, file, first + at, one) {
                Ok(report) => {
                    warnings.extend(report.warnings.iter().cloned());
                    keys.extend(keys_of(report));
                }
                // A file whose header is refused is not read further.
                Err(error) if first + at == 1 => {
                    refused.push(error.to_string());
                    return true;
                }
                Err(error) if of_hidden(&error.to_string()) => {}
                Err(error) => refused.push(error.to_string()),
            }
        }
        false
    });
    if !warnings.is_empty() {
        state
            .notice
            .set(Some(format!("Skipped: {}", warnings.join("; "))));
    }
    let said = HELD.with_borrow_mut(|held| {
        if header_refused {
            held.refused_files.insert(file.to_string());
        }
        let count = held.refused_lines.entry(file.to_string()).or_default();
        let before = *count;
        *count += refused.len();
        // A few named per file, then one line that says there are more.
        let mut said: Vec<String> = refused
            .into_iter()
            .take(NAMED_REFUSALS.saturating_sub(before))
            .collect();
        if before <= NAMED_REFUSALS && *count > NAMED_REFUSALS {
            said.push(format!(
                "{file}: more lines are refused; they are not listed"
            ));
        }
        said
    });
    for line in said {
        say(state, line);
    }
    keys
}

/// An error banner line about the live files, taken back when they are
/// sent again.
fn say(state: AppState, line: String) {
    HELD.with_borrow_mut(|held| held.said.push(line.clone()));
    state.errors.update(|errors| errors.push(line));
}

fn keys_of(report: prompttrace::store::ImportReport) -> Vec<String> {
    let mut keys: Vec<String> = report.changed_traces.into_iter().collect();
    if report.changed_without_trace {
        keys.push(jsonl::WITHOUT_TRACE.to_string());
    }
    keys
}

/// The changed traces into the lists (and held: never stored, never let
/// go); traces deleted here stay deleted.
fn apply_changed(state: AppState, changed: BTreeSet<String>) {
    if changed.is_empty() {
        return;
    }
    let (shown, hidden): (Vec<String>, Vec<String>) = changed.into_iter().partition(|key| {
        !records::gone(key) && !HELD.with_borrow(|held| held.hidden.contains(key))
    });
    if !hidden.is_empty() {
        HELD.with_borrow_mut(|held| held.hidden.extend(hidden.iter().cloned()));
        state.change(|store| {
            for key in &hidden {
                records::remove(store, key);
            }
        });
    }
    if shown.is_empty() {
        return;
    }
    HELD.with_borrow_mut(|held| held.keys.extend(shown.iter().cloned()));
    records::hold(state, &shown);
}

/// The header's indicator: the files followed, and pause or resume.
#[component]
pub fn LiveBadge(live: Live) -> impl IntoView {
    let state = crate::state::use_state();
    let paused = move || matches!(live.status.get(), Status::Paused(_));
    let label = move || match live.status.get() {
        Status::Connecting => "Connecting…".to_string(),
        Status::Live => "Live".to_string(),
        Status::Paused(0) => "Paused".to_string(),
        Status::Paused(n) => format!("Paused · {n} waiting"),
        Status::Reconnecting => "Reconnecting…".to_string(),
        Status::Stopped => "Not following (the server refused)".to_string(),
    };
    // The files by their names, in full on hover.
    let files = move || {
        live.files.with(|files| match files.as_slice() {
            [] => String::new(),
            [one] => format!(" · {}", base_name(one)),
            [first, rest @ ..] => format!(" · {} +{}", base_name(first), rest.len()),
        })
    };
    let title = move || format!("Following {}", live.files.get().join(", "));
    view! {
        <div class="live" data-testid="live" data-status=move || format!("{:?}", live.status.get()) title=title>
            <span class="live-dot" class:on=move || live.status.get() == Status::Live aria-hidden="true"></span>
            <span>{label}<span class="live-files">{files}</span></span>
            <button
                data-testid="live-toggle"
                on:click=move |_| set_paused(state, live, !paused())
            >
                {move || if paused() { "Resume" } else { "Pause" }}
            </button>
        </div>
    }
}

fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}
