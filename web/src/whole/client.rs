//! The page's side of a job over every stored record: a worker of its own
//! (beside any import's), its messages as `Event`s. Dropping the `Job`
//! stops the worker, so a newer search replaces an older one.

use js_sys::{Object, Reflect};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{Blob, MessageEvent, Worker, WorkerOptions};

use super::Export;
use crate::import::client::loader;

/// What the worker says.
pub enum Event {
    /// Records read so far, of how many.
    Progress {
        done: u32,
        total: u32,
    },
    /// The traces whose content holds the phrase.
    Found {
        ids: Vec<String>,
        unreadable: Vec<String>,
    },
    /// The file.
    Exported {
        blob: Blob,
        unreadable: Vec<String>,
    },
    Failed(String),
}

/// A job under way; dropped, it stops.
pub struct Job {
    id: u64,
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static STARTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

impl Job {
    /// Which job this is (of those this page started).
    pub fn id(&self) -> u64 {
        self.id
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.worker.terminate();
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
    }
}

/// Searches every stored record but those under `skip` for `query`
/// (core's `Query`).
pub fn search(
    query: &str,
    skip: &[String],
    on_event: impl Fn(Event) + 'static,
) -> Result<Job, String> {
    start(&[("job", "search"), ("query", query)], skip, on_event)
}

/// Writes every stored record but those under `skip`, then `also` (JSON
/// Lines records only the page holds), as one file of `kind`.
pub fn export(
    kind: Export,
    also: &str,
    skip: &[String],
    on_event: impl Fn(Event) + 'static,
) -> Result<Job, String> {
    start(
        &[("job", "export"), ("format", kind.name()), ("also", also)],
        skip,
        on_event,
    )
}

fn start(
    fields: &[(&str, &str)],
    skip: &[String],
    on_event: impl Fn(Event) + 'static,
) -> Result<Job, String> {
    let url = loader().ok_or("this page has no import worker (a build without it)")?;
    let options = WorkerOptions::new();
    options.set_name("prompttrace job");
    let worker =
        Worker::new_with_options(&url, &options).map_err(|e| crate::storage::describe(&e))?;
    let request = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&request, &(*key).into(), &(*value).into());
    }
    let skip: js_sys::Array = skip.iter().map(|key| JsValue::from_str(key)).collect();
    let _ = Reflect::set(&request, &"skip".into(), &skip);
    let on_event = std::rc::Rc::new(on_event);
    let on_message = {
        let (worker, on_event) = (worker.clone(), on_event.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let data = message.data();
            let get = |key: &str| Reflect::get(&data, &key.into()).unwrap_or(JsValue::UNDEFINED);
            let number = |key: &str| get(key).as_f64().unwrap_or_default() as u32;
            let strings = |key: &str| -> Vec<String> {
                match get(key).dyn_into::<js_sys::Array>() {
                    Ok(items) => items.iter().filter_map(|s| s.as_string()).collect(),
                    Err(_) => Vec::new(),
                }
            };
            let event = match get("kind").as_string().as_deref() {
                Some("ready") => {
                    let _ = worker.post_message(&request);
                    return;
                }
                Some("progress") => Event::Progress {
                    done: number("done"),
                    total: number("total"),
                },
                Some("found") => Event::Found {
                    ids: strings("ids"),
                    unreadable: strings("unreadable"),
                },
                Some("exported") => match get("blob").dyn_into::<Blob>() {
                    Ok(blob) => Event::Exported {
                        blob,
                        unreadable: strings("unreadable"),
                    },
                    Err(_) => Event::Failed("the worker sent no file".into()),
                },
                Some("failed") => Event::Failed(get("error").as_string().unwrap_or_default()),
                _ => return,
            };
            on_event(event);
        })
    };
    // A trap, or a script that did not load.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let message = Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "the worker could not start".into());
        on_event(Event::Failed(message));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Job {
        id: STARTED.with(|started| {
            started.set(started.get() + 1);
            started.get()
        }),
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}
