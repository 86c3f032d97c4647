//! The worker's side of a job over every stored record (see `mod.rs`).

use std::collections::HashSet;

use js_sys::{Array, Reflect};
use prompttrace::format::{self, jsonl, otlp};
use prompttrace::search::{self, Query};
use prompttrace::store::Store;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use super::Export;
use crate::import::stages::now;
use crate::import::worker::{post, strings};
use crate::storage;

/// Records read at a time: a page of a few MB of text, usually.
const PAGE: u32 = 256;
/// Text gathered before it is handed to a `Blob` (which the browser may
/// keep on disk), so the worker's memory stays bounded.
const BLOB_PART: usize = 32 * 1024 * 1024;

/// Whether `request` is a job of this module (else it is an import).
pub fn is_job(request: &JsValue) -> bool {
    text(request, "job").is_some()
}

fn text(request: &JsValue, key: &str) -> Option<String> {
    Reflect::get(request, &key.into()).ok()?.as_string()
}

/// Runs the job `request` asks for, and says how it went.
pub async fn run(request: JsValue) {
    // Stored records the page holds as they are: its copy counts.
    let skip: HashSet<String> = Reflect::get(&request, &"skip".into())
        .ok()
        .and_then(|skip| skip.dyn_into::<Array>().ok())
        .map(|skip| skip.iter().filter_map(|key| key.as_string()).collect())
        .unwrap_or_default();
    let format = text(&request, "format");
    let result = match text(&request, "job").as_deref() {
        Some("search") => search(&text(&request, "query").unwrap_or_default(), &skip).await,
        Some("export") => match format.as_deref().and_then(Export::from_name) {
            Some(kind) => {
                let also = text(&request, "also").unwrap_or_default();
                export(kind, &also, &skip).await
            }
            None => Err("an export of an unknown format".into()),
        },
        _ => Err("an unknown job".into()),
    };
    if let Err(error) = result {
        post("failed", &[("error", error.into())]);
    }
}

/// Goes through every stored record but those under `skip` a page at a
/// time: each page's records that are `wanted` (by their text) read into a
/// store of its own (records that cannot be read are named in
/// `unreadable`) and given to `each`, with progress said after each page.
async fn pages(
    job: &str,
    skip: &HashSet<String>,
    unreadable: &mut Vec<String>,
    wanted: impl Fn(&str) -> bool,
    mut each: impl FnMut(&Store),
) -> Result<(), String> {
    let started = now();
    let total = storage::record_count().await?;
    let mut done = 0u32;
    let (mut bytes, mut read_in, mut working) = (0usize, 0u32, 0.0);
    storage::record_pages(PAGE, |page| {
        let began = now();
        done += page.len() as u32;
        let mut store = Store::new();
        for (key, text) in page.into_iter().filter(|(key, _)| !skip.contains(key)) {
            let read = text.and_then(|text| {
                bytes += text.len();
                if !wanted(&text) {
                    return Ok(());
                }
                read_in += 1;
                format::import_jsonl(&mut store, &format!("stored trace {key}"), text.as_bytes())
                    .map(|_| ())
                    .map_err(storage::left_as_it_is)
            });
            if let Err(why) = read {
                unreadable.push(why);
            }
        }
        each(&store);
        working += now() - began;
        post(
            "progress",
            &[("done", done.into()), ("total", total.max(done).into())],
        );
    })
    .await?;
    // Where the time went, for whoever wonders why a search is slow.
    let all = now() - started;
    web_sys::console::info_1(
        &format!(
            "prompttrace {job}: {done} records ({:.1} MB) in {all:.0} ms: {:.0} ms reading them from IndexedDB, {working:.0} ms on the {read_in} read into a store and the rest",
            bytes as f64 / 1e6,
            all - working,
        )
        .into(),
    );
    Ok(())
}

async fn search(text: &str, skip: &HashSet<String>) -> Result<(), String> {
    let mut ids: Vec<String> = Vec::new();
    let mut unreadable = Vec::new();
    if let Some(query) = Query::new(text) {
        // A record whose text cannot hold the phrase is not read.
        let wanted = |text: &str| search::record_may_match(text, &query);
        pages("search", skip, &mut unreadable, wanted, |store| {
            ids.extend(
                search::traces_matching(store, &query)
                    .into_iter()
                    .map(str::to_string),
            )
        })
        .await?;
    }
    post(
        "found",
        &[("ids", strings(&ids)), ("unreadable", strings(&unreadable))],
    );
    Ok(())
}

/// The file's text, gathered into `Blob`s a part at a time.
struct Parts {
    texts: Array,
    size: usize,
    blobs: Array,
}

impl Parts {
    fn new() -> Parts {
        Parts {
            texts: Array::new(),
            size: 0,
            blobs: Array::new(),
        }
    }

    fn push(&mut self, text: &str) -> Result<(), String> {
        self.texts.push(&JsValue::from_str(text));
        self.size += text.len();
        if self.size >= BLOB_PART {
            self.seal()?;
        }
        Ok(())
    }

    fn seal(&mut self) -> Result<(), String> {
        let blob = Blob::new_with_str_sequence(&self.texts).map_err(|e| storage::describe(&e))?;
        self.blobs.push(&blob);
        self.texts = Array::new();
        self.size = 0;
        Ok(())
    }

    fn blob(mut self) -> Result<Blob, String> {
        self.seal()?;
        Blob::new_with_blob_sequence(&self.blobs).map_err(|e| storage::describe(&e))
    }
}

/// Every stored record but those under `skip`, then `also` (JSON Lines
/// records only the page holds, in their place), as one file.
async fn export(kind: Export, also: &str, skip: &HashSet<String>) -> Result<(), String> {
    let mut parts = Parts::new();
    let mut unreadable = Vec::new();
    let mut failed = None;
    let mut first = true;
    let mut add = |parts: &mut Parts, store: &Store| {
        if store.is_empty() {
            return;
        }
        let part = match kind {
            Export::JsonLines => jsonl::write_records(store),
            Export::Otlp if first => otlp::write_part(store),
            Export::Otlp => format!(",{}", otlp::write_part(store)),
        };
        first = false;
        if let Err(error) = parts.push(&part) {
            failed.get_or_insert(error);
        }
    };
    let start = match kind {
        Export::JsonLines => jsonl::header_line(),
        Export::Otlp => otlp::REQUEST_START.to_string(),
    };
    parts.push(&start)?;
    pages(
        "export",
        skip,
        &mut unreadable,
        |_| true,
        |store| add(&mut parts, store),
    )
    .await?;
    if !also.is_empty() {
        let mut store = Store::new();
        format::import_jsonl(&mut store, "this tab's traces", also.as_bytes())
            .map_err(|e| e.to_string())?;
        add(&mut parts, &store);
    }
    if let Some(error) = failed {
        return Err(error);
    }
    if kind == Export::Otlp {
        parts.push(otlp::REQUEST_END)?;
    }
    let blob = parts.blob()?;
    post(
        "exported",
        &[
            ("blob", blob.unchecked_into()),
            ("unreadable", strings(&unreadable)),
        ],
    );
    Ok(())
}
