//! The import worker's side: waits for one batch of files, imports them in
//! order (each all or nothing), and says how it goes. The same worker runs
//! the jobs over every stored record (`crate::whole`).

use js_sys::{Array, Object, Reflect, Uint8Array};
use prompttrace::PriceTable;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use super::file;
use super::stages::Stages;

/// Bytes read per step: the progress bar moves at least this often.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

/// The worker's entry (`src/bin/prompttrace-import.rs`).
pub fn run() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let request = event.data();
        match crate::whole::worker::is_job(&request) {
            true => spawn_local(crate::whole::worker::run(request)),
            false => spawn_local(batch(request)),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post("ready", &[]);
}

/// Sends a message to the page.
pub(crate) fn post(kind: &str, fields: &[(&str, JsValue)]) {
    let message = Object::new();
    let _ = Reflect::set(&message, &"kind".into(), &kind.into());
    for (key, value) in fields {
        let _ = Reflect::set(&message, &(*key).into(), value);
    }
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&message);
}

pub(crate) fn strings(items: &[String]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

async fn batch(request: JsValue) {
    let files: Array = Reflect::get(&request, &"files".into())
        .map(JsCast::unchecked_into)
        .unwrap_or_default();
    let prices = PriceTable::builtin();
    // `store: false`: storage cannot be used; files are read for the page.
    let stores = Reflect::get(&request, &"store".into())
        .ok()
        .and_then(|store| store.as_bool())
        .unwrap_or(true);
    for (at, entry) in files.iter().enumerate() {
        let at = JsValue::from(at as u32);
        let name = Reflect::get(&entry, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        let blob: Blob = match Reflect::get(&entry, &"blob".into()) {
            Ok(blob) if blob.is_instance_of::<Blob>() => blob.unchecked_into(),
            _ => continue,
        };
        let mut stages = Stages::start();
        let result = match read(&blob, &at).await {
            Ok(bytes) => {
                stages.mark("read");
                post("importing", &[("file", at.clone())]);
                let size = bytes.len();
                let result = match stores {
                    true => {
                        let file = at.clone();
                        let saved = move |done: usize, of: usize| {
                            let (done, of) = (done as f64, of as f64);
                            post(
                                "saving",
                                &[
                                    ("file", file.clone()),
                                    ("done", done.into()),
                                    ("of", of.into()),
                                ],
                            );
                        };
                        file::import(&name, bytes, &prices, &mut stages, saved).await
                    }
                    false => file::read_only(&name, &bytes),
                };
                if stores && result.is_ok() {
                    web_sys::console::info_1(&stages.line(&name, size).into());
                }
                result
            }
            Err(error) => Err(format!("{name}: could not be read ({error})")),
        };
        match result {
            Ok(done) => {
                let rows =
                    serde_json::to_string(&done.written.rows).expect("index rows always serialize");
                post(
                    "done",
                    &[
                        ("file", at),
                        ("ok", true.into()),
                        ("rows", rows.into()),
                        ("keys", strings(&done.keys)),
                        ("report", done.report.into()),
                        ("warnings", strings(&done.warnings)),
                        ("left", strings(&done.written.left)),
                        ("records", done.records.map_or(JsValue::NULL, JsValue::from)),
                    ],
                );
            }
            Err(error) => post(
                "done",
                &[("file", at), ("ok", false.into()), ("error", error.into())],
            ),
        }
    }
    post("finished", &[]);
}

/// The whole file, read a chunk at a time, saying how far it got.
async fn read(blob: &Blob, at: &JsValue) -> Result<Vec<u8>, String> {
    let total = blob.size();
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(total as usize)
        .map_err(|_| format!("{:.0} MB do not fit in this tab's memory", total / 1e6))?;
    let mut read = 0.0;
    while read < total {
        let end = (read + CHUNK).min(total);
        let part = blob
            .slice_with_f64_and_f64(read, end)
            .map_err(|e| crate::storage::describe(&e))?;
        let buffer = JsFuture::from(part.array_buffer())
            .await
            .map_err(|e| crate::storage::describe(&e))?;
        let chunk = Uint8Array::new(&buffer);
        let from = bytes.len();
        bytes.resize(from + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[from..]);
        read = end;
        post(
            "progress",
            &[
                ("file", at.clone()),
                ("read", read.into()),
                ("total", total.into()),
            ],
        );
    }
    Ok(bytes)
}
