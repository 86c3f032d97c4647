//! The page's side of an import: starts a worker for a batch of files,
//! turns its messages into `Event`s, and stops it (done, cancelled, or
//! failed). Every worker under way is kept, so "Cancel" stops them all.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use prompttrace::rollup::IndexRow;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker, WorkerOptions};

use super::WORKER_SCRIPT;

/// What the worker says, per file of the batch (by position).
pub enum Event {
    Progress {
        file: usize,
        read: f64,
        total: f64,
    },
    Importing {
        file: usize,
    },
    Stored {
        file: usize,
        stored: Stored,
    },
    Refused {
        file: usize,
        error: String,
    },
    /// Every file is done; the worker is let go.
    Finished,
    /// The worker stopped (a trap, a script that did not load): the file
    /// under way and the ones after it were not stored.
    Failed {
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
}

thread_local! {
    static RUNNING: RefCell<Vec<Worker>> = const { RefCell::new(Vec::new()) };
}

/// Whether any import is under way.
pub fn running() -> bool {
    RUNNING.with_borrow(|running| !running.is_empty())
}

/// Stops every import under way; what a file had not committed is not stored.
pub fn cancel_all() {
    for worker in RUNNING.with_borrow_mut(std::mem::take) {
        worker.terminate();
    }
}

/// Imports `files` in a new worker; `on_event` hears how it goes, ending
/// with `Finished` or `Failed` (after which nothing more is heard).
pub fn start(files: Vec<(String, Blob)>, on_event: impl Fn(Event) + 'static) {
    let options = WorkerOptions::new();
    options.set_name("prompttrace import");
    // A new build must not meet an older worker from the cache.
    let url = format!("{WORKER_SCRIPT}?v={}", env!("CARGO_PKG_VERSION"));
    let worker = match Worker::new_with_options(&url, &options) {
        Ok(worker) => worker,
        Err(error) => {
            on_event(Event::Failed {
                error: crate::storage::describe(&error),
            });
            return;
        }
    };
    RUNNING.with_borrow_mut(|running| running.push(worker.clone()));
    let on_event = Rc::new(on_event);
    let request = request(&files);
    let ended = Rc::new(RefCell::new(false));
    let on_message = {
        let (worker, on_event, ended) = (worker.clone(), on_event.clone(), ended.clone());
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
                    .unwrap_or_default()
            };
            let file = number("file") as usize;
            let event = match text("kind").as_str() {
                "ready" => {
                    let _ = worker.post_message(&request);
                    return;
                }
                "progress" => Event::Progress {
                    file,
                    read: number("read"),
                    total: number("total"),
                },
                "importing" => Event::Importing { file },
                "done" if Reflect::get(&data, &"ok".into()).ok() == Some(JsValue::TRUE) => {
                    Event::Stored {
                        file,
                        stored: Stored {
                            rows: serde_json::from_str(&text("rows")).unwrap_or_default(),
                            keys: strings(&data, "keys"),
                            report: text("report"),
                            warnings: strings(&data, "warnings"),
                            left: strings(&data, "left"),
                        },
                    }
                }
                "done" => Event::Refused {
                    file,
                    error: text("error"),
                },
                "finished" => {
                    stop(&worker, &ended);
                    Event::Finished
                }
                _ => return,
            };
            on_event(event);
        })
    };
    let on_error = {
        let (worker, on_event, ended) = (worker.clone(), on_event.clone(), ended.clone());
        Closure::<dyn FnMut(ErrorEvent)>::new(move |error: ErrorEvent| {
            error.prevent_default();
            if *ended.borrow() {
                return;
            }
            stop(&worker, &ended);
            let message = error.message();
            on_event(Event::Failed {
                error: if message.is_empty() {
                    "the import worker could not start".into()
                } else {
                    message
                },
            });
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // They live as long as the worker; a batch is one worker.
    on_message.forget();
    on_error.forget();
}

fn stop(worker: &Worker, ended: &RefCell<bool>) {
    *ended.borrow_mut() = true;
    worker.terminate();
    RUNNING.with_borrow_mut(|running| running.retain(|other| other != worker));
}

fn request(files: &[(String, Blob)]) -> JsValue {
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
