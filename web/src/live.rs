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
use std::collections::{BTreeSet, VecDeque};

use leptos::prelude::*;
use prompttrace::format::{self, jsonl};
use prompttrace::rollup::IndexRow;
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
}

/// The indicator's state, in context when the page is live.
#[derive(Clone, Copy)]
pub struct Live {
    pub status: RwSignal<Status>,
    pub files: RwSignal<Vec<String>>,
}

enum Message {
    Reset(Vec<String>),
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
    waiting: VecDeque<Message>,
    /// The keys the live files brought: dropped on reset.
    keys: BTreeSet<String>,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

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
        live.status.set(Status::Reconnecting);
        return;
    };
    let on = |name: &str, handle: Box<dyn FnMut(web_sys::MessageEvent)>| {
        let closure = Closure::wrap(handle);
        let _ = source.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        // Listens as long as the page lives.
        closure.forget();
    };
    on(
        "reset",
        Box::new(move |event| {
            #[derive(Deserialize)]
            struct Reset {
                files: Vec<String>,
            }
            if let Some(reset) = data(&event).and_then(|d| serde_json::from_str::<Reset>(&d).ok()) {
                arrive(state, live, Message::Reset(reset.files));
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
            #[derive(Deserialize)]
            struct Problem {
                file: String,
                message: String,
            }
            if let Some(p) = data(&event).and_then(|d| serde_json::from_str::<Problem>(&d).ok()) {
                arrive(
                    state,
                    live,
                    Message::Problem(format!("{}: {}", p.file, p.message)),
                );
            }
        }),
    );
    let opened = Closure::<dyn FnMut()>::new(move || {
        if matches!(
            live.status.get_untracked(),
            Status::Connecting | Status::Reconnecting
        ) {
            live.status.set(Status::Live);
        }
    });
    source.set_onopen(Some(opened.as_ref().unchecked_ref()));
    opened.forget();
    let lost = Closure::<dyn FnMut()>::new(move || {
        if !matches!(live.status.get_untracked(), Status::Paused(_)) {
            live.status.set(Status::Reconnecting);
        }
    });
    source.set_onerror(Some(lost.as_ref().unchecked_ref()));
    lost.forget();
}

fn data(event: &web_sys::MessageEvent) -> Option<String> {
    event.data().as_string()
}

fn arrive(state: AppState, live: Live, message: Message) {
    let mut message = Some(message);
    let paused = HELD.with_borrow_mut(|held| {
        if !held.paused {
            return None;
        }
        if matches!(message, Some(Message::Reset(_))) {
            // Everything follows again: what waited is moot.
            held.waiting.clear();
        }
        held.waiting.extend(message.take());
        Some(held.waiting.len())
    });
    match (paused, message) {
        (Some(waiting), _) => live.status.set(Status::Paused(waiting)),
        (None, Some(message)) => {
            if live.status.get_untracked() != Status::Live {
                live.status.set(Status::Live);
            }
            apply(state, live, message);
        }
        (None, None) => {}
    }
}

/// "Pause": what arrives waits. "Resume": it is applied, in order.
pub fn set_paused(state: AppState, live: Live, paused: bool) {
    let waiting = HELD.with_borrow_mut(|held| {
        held.paused = paused;
        if paused {
            VecDeque::new()
        } else {
            std::mem::take(&mut held.waiting)
        }
    });
    if paused {
        live.status.set(Status::Paused(0));
        return;
    }
    live.status.set(Status::Live);
    for message in waiting {
        apply(state, live, message);
    }
}

fn apply(state: AppState, live: Live, message: Message) {
    match message {
        Message::Reset(files) => {
            live.files.set(files);
            drop_held(state);
        }
        Message::Append { file, line, text } => take(state, &file, line, &text),
        Message::Problem(problem) => state.errors.update(|errors| errors.push(problem)),
    }
}

/// Everything the files brought goes (they are sent again).
fn drop_held(state: AppState) {
    let keys: Vec<String> =
        HELD.with_borrow_mut(|held| std::mem::take(&mut held.keys).into_iter().collect());
    if keys.is_empty() {
        return;
    }
    records::unpin(&keys);
    state.change(|store| {
        for key in &keys {
            if key == jsonl::WITHOUT_TRACE {
                store.remove_calls_without_trace(|_| true);
            } else {
                store.remove_trace(key);
            }
        }
    });
    state.change_rows(|rows| {
        for key in &keys {
            rows.remove(key);
        }
    });
}

/// Lines of `file` from line `line` on, merged through core; a refused
/// part is named by file and line, and the rest goes on.
fn take(state: AppState, file: &str, line: usize, text: &str) {
    let result = state.change(|store| {
        if line <= 1 {
            format::import_jsonl(store, file, text.as_bytes())
        } else {
            format::import_jsonl_from(store, file, text.as_bytes(), line)
        }
    });
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            state.errors.update(|errors| errors.push(error.to_string()));
            return;
        }
    };
    if !report.warnings.is_empty() {
        state
            .notice
            .set(Some(format!("Skipped: {}", report.warnings.join("; "))));
    }
    let mut keys: Vec<String> = report.changed_traces.into_iter().collect();
    if report.changed_without_trace {
        keys.push(jsonl::WITHOUT_TRACE.to_string());
    }
    if keys.is_empty() {
        return;
    }
    HELD.with_borrow_mut(|held| held.keys.extend(keys.iter().cloned()));
    let rows: Vec<IndexRow> = state.peek_priced(|store, prices| {
        keys.iter()
            .filter_map(|id| store.trace(id))
            .map(|entry| IndexRow::of(store, entry, prices))
            .collect()
    });
    records::back(&keys);
    records::pin(keys.iter().cloned());
    state.change_rows(|all| {
        for row in rows {
            all.insert(row.id.clone(), row);
        }
    });
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
