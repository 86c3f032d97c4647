//! The page's side of an import: starts a worker for a batch of files,
//! turns its messages into `Event`s, and stops it (done, cancelled, or
//! failed). The worker under way is kept, so "Cancel" stops it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use prompttrace::rollup::IndexRow;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Blob, MessageEvent, Worker, WorkerOptions};

/// How long a worker may take to say it is ready (its wasm compiles
/// first) before the import is given up as failed.
const START_LIMIT_MS: i32 = 60_000;

/// What the worker says, per file of the batch (by position).
pub enum Event {
    /// Bytes of file `file` read so far.
    Progress {
        file: usize,
        read: f64,
    },
    /// File `file` is read, and being imported.
    Importing {
        file: usize,
    },
    /// IndexedDB has done `done` of file `file`'s `of` writes.
    Saving {
        file: usize,
        done: f64,
        of: f64,
    },
    Stored(Stored),
    Refused {
        error: String,
    },
    /// Every file is done; the worker is let go.
    Finished,
    /// The worker stopped (a trap, a script that did not load): `file`,
    /// the last one it spoke of, and the ones after it were not stored.
    Failed {
        file: Option<usize>,
        error: String,
    },
}

/// One stored file.
pub struct Stored {
    pub rows: Vec<IndexRow>,
    pub keys: Vec<String>,
    pub report: String,
    pub warnings: Vec<String>,
    pub left: Vec<String>,
    /// Read only: the file's records (native JSON Lines) for the page.
    pub records: Option<String>,
}

/// A worker under way, with what it must let go when it stops (its
/// handlers are held here only to be dropped then).
struct Running {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    /// The timer's handle, and its closure (which holds the batch).
    start_limit: i32,
    _give_up: Closure<dyn FnMut()>,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
}

/// Whether an import is under way.
pub fn running() -> bool {
    RUNNING.with_borrow(Option::is_some)
}

/// Stops the import under way; what a file had not committed is not stored.
pub fn cancel() {
    stop();
}

/// Lets the worker go, with its handlers (after the event that called one
/// has returned) and the files it was given.
fn stop() {
    let Some(running) = RUNNING.with_borrow_mut(Option::take) else {
        return;
    };
    running.worker.terminate();
    running.worker.set_onmessage(None);
    running.worker.set_onerror(None);
    if let Some(window) = web_sys::window() {
        window.clear_timeout_with_handle(running.start_limit);
    }
    // A closure may not be dropped while it runs (`stop` is called from
    // them): dropped on the next turn.
    wasm_bindgen_futures::spawn_local(async move { drop(running) });
}

/// The worker's loader, named in `index.html` by the build
/// (xtask/src/viewer.rs), versioned by the worker's content.
pub(crate) fn loader() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector("meta[name=prompttrace-import-worker]")
        .ok()??
        .get_attribute("content")
}

/// Imports `files` in a new worker (after stopping any other), storing
/// them or (`store` false) reading them for the page; `on_event` hears how
/// it goes, ending with `Finished` or `Failed`.
pub fn start(files: Vec<(String, Blob)>, store: bool, on_event: impl Fn(Event) + 'static) {
    stop();
    let on_event = Rc::new(on_event);
    let failed = {
        let on_event = on_event.clone();
        move |file: Option<usize>, error: String| {
            stop();
            on_event(Event::Failed { file, error });
        }
    };
    let Some(url) = loader() else {
        return failed(
            None,
            "this page has no import worker (a build without it)".into(),
        );
    };
    let options = WorkerOptions::new();
    options.set_name("prompttrace import");
    let worker = match Worker::new_with_options(&url, &options) {
        Ok(worker) => worker,
        Err(error) => return failed(None, crate::storage::describe(&error)),
    };
    // Given once the worker is ready, then let go.
    let request = RefCell::new(Some(request(&files, store)));
    let last_file = Rc::new(RefCell::new(None::<usize>));
    let on_message = {
        let (worker, on_event, failed, last_file) = (
            worker.clone(),
            on_event.clone(),
            failed.clone(),
            last_file.clone(),
        );
        Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let data = message.data();
            let text = |key: &str| {
                Reflect::get(&data, &key.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            let number = |key: &str| {
                Reflect::get(&data, &key.into())
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            let file = number("file").unwrap_or_default() as usize;
            if number("file").is_some() {
                *last_file.borrow_mut() = Some(file);
            }
            let event = match text("kind").as_str() {
                "ready" => {
                    if let Some(window) = web_sys::window() {
                        RUNNING.with_borrow(|running| {
                            if let Some(running) = running {
                                window.clear_timeout_with_handle(running.start_limit);
                            }
                        });
                    }
                    if let Some(request) = request.borrow_mut().take() {
                        let _ = worker.post_message(&request);
                    }
                    return;
                }
                "failed" => return failed(*last_file.borrow(), text("error")),
                "progress" => Event::Progress {
                    file,
                    read: number("read").unwrap_or_default(),
                },
                "importing" => Event::Importing { file },
                "saving" => Event::Saving {
                    file,
                    done: number("done").unwrap_or_default(),
                    of: number("of").unwrap_or_default(),
                },
                "done" if Reflect::get(&data, &"ok".into()).ok() == Some(JsValue::TRUE) => {
                    Event::Stored(Stored {
                        rows: serde_json::from_str(&text("rows")).unwrap_or_default(),
                        keys: strings(&data, "keys"),
                        report: text("report"),
                        warnings: strings(&data, "warnings"),
                        left: strings(&data, "left"),
                        records: Reflect::get(&data, &"records".into())
                            .ok()
                            .and_then(|records| records.as_string()),
                    })
                }
                "done" => Event::Refused {
                    error: text("error"),
                },
                "finished" => {
                    stop();
                    Event::Finished
                }
                _ => return,
            };
            on_event(event);
        })
    };
    // A trap, an uncaught error, or a script that did not load (then a
    // plain `Event`, without a message).
    let on_error = {
        let (failed, last_file) = (failed.clone(), last_file.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let message = Reflect::get(&event, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the import worker could not start".into());
            failed(*last_file.borrow(), message);
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let give_up = Closure::<dyn FnMut()>::new(move || {
        failed(
            None,
            format!(
                "the import worker did not start in {} s",
                START_LIMIT_MS / 1000
            ),
        )
    });
    let start_limit = web_sys::window()
        .and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    give_up.as_ref().unchecked_ref(),
                    START_LIMIT_MS,
                )
                .ok()
        })
        .unwrap_or(0);
    RUNNING.with_borrow_mut(|running| {
        *running = Some(Running {
            worker,
            _on_message: on_message,
            _on_error: on_error,
            start_limit,
            _give_up: give_up,
        })
    });
}

fn request(files: &[(String, Blob)], store: bool) -> JsValue {
    let list: Array = files
        .iter()
        .map(|(name, blob)| {
            let entry = Object::new();
            let _ = Reflect::set(&entry, &"name".into(), &name.into());
            let _ = Reflect::set(&entry, &"blob".into(), blob);
            JsValue::from(entry)
        })
        .collect();
    let request = Object::new();
    let _ = Reflect::set(&request, &"files".into(), &list);
    let _ = Reflect::set(&request, &"store".into(), &store.into());
    request.into()
}

fn strings(data: &JsValue, key: &str) -> Vec<String> {
    Reflect::get(data, &key.into())
        .ok()
        .filter(|v| v.is_object())
        .map(|v| {
            v.unchecked_into::<Array>()
                .iter()
                .filter_map(|item| item.as_string())
                .collect()
        })
        .unwrap_or_default()
}
