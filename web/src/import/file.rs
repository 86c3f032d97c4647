//! One file's import, in the worker: read by the core, merged over what is
//! stored of the traces it touches, and written, in one transaction from
//! the read of those traces to the write (`storage::update`).

use std::collections::BTreeSet;

use prompttrace::format::{self, jsonl, Parsed};
use prompttrace::store::ImportReport;
use prompttrace::{PriceTable, Store};

use super::stages::Stages;
use crate::storage::{self, Update, Written};

/// What one stored file did.
pub struct Imported {
    /// "12 traces, 340 observations (…)", for the notice.
    pub report: String,
    /// Lines skipped (a last line cut short by a crash), said in the notice.
    pub warnings: Vec<String>,
    /// The keys written (trace ids, or `jsonl::WITHOUT_TRACE`).
    pub keys: Vec<String>,
    pub written: Written,
    /// Read only (storage cannot be used): the file's records as native
    /// JSON Lines, for the page to hold.
    pub records: Option<String>,
}

/// Files larger than this let their bytes go once read, before the merge:
/// the file, what was read of it and the store would not all fit in
/// wasm32's 4 GiB (a 1.3 GB OTLP file peaked at 4.2 GB). A rule broken in
/// the merge is then named by its record rather than its line
/// (`Parsed::detach`).
const LET_GO_ABOVE: usize = 128 << 20;

/// Imports `bytes` (the file `name`) and stores what it changed, saying
/// how far the save has got (`saved`: writes done, of); the error names
/// the file and place, and then nothing of it was stored.
pub async fn import(
    name: &str,
    bytes: Vec<u8>,
    prices: &PriceTable,
    stages: &mut Stages,
    saved: impl Fn(usize, usize) + 'static,
) -> Result<Imported, String> {
    // Read before the transaction: the slow part holds no lock.
    let parsed = format::read(name, &bytes).map_err(|e| e.to_string())?;
    stages.mark("parse");
    if bytes.len() > LET_GO_ABOVE {
        let parsed = parsed.detach();
        drop(bytes);
        return store(name, parsed, prices, stages, saved, true).await;
    }
    store(name, parsed, prices, stages, saved, false).await
}

/// Merges what was read over the stored records of the traces it touches,
/// and writes what changed (`detached`: what was read no longer has the
/// file's text).
async fn store(
    name: &str,
    parsed: Parsed<'_>,
    prices: &PriceTable,
    stages: &mut Stages,
    saved: impl Fn(usize, usize) + 'static,
    detached: bool,
) -> Result<Imported, String> {
    let mut ids = parsed.trace_ids();
    ids.push(jsonl::WITHOUT_TRACE.to_string());
    let lookup = ids.clone();
    let (mut written, (report, keys, left)) = storage::update(&ids, prices, &mut |what| stages.mark(what), saved, move |stored| {
        merge(name, parsed, detached, &lookup, stored)
    })
    .await
    .map_err(|reason| {
        format!("{name}: could not save to IndexedDB ({reason}); what was stored before is kept, and nothing of this file was stored")
    })?;
    written.left = left;
    Ok(imported(name, &report, keys, written, None))
}

/// Reads a file without storing it (storage cannot be used here): its
/// records come back as native JSON Lines, for the page to hold.
pub fn read_only(name: &str, bytes: &[u8]) -> Result<Imported, String> {
    let mut store = Store::new();
    let report = format::import(&mut store, name, bytes).map_err(|e| e.to_string())?;
    let mut keys: Vec<String> = report.changed_traces.iter().cloned().collect();
    if report.changed_without_trace {
        keys.push(jsonl::WITHOUT_TRACE.to_string());
    }
    let records = jsonl::write(&store);
    Ok(imported(
        name,
        &report,
        keys,
        Written::default(),
        Some(records),
    ))
}

fn imported(
    name: &str,
    report: &ImportReport,
    keys: Vec<String>,
    written: Written,
    records: Option<String>,
) -> Imported {
    let orphans = match report.orphans {
        0 => String::new(),
        n => format!(" ({n} spans without their parent span, shown at the top of their trace)"),
    };
    Imported {
        report: format!(
            "{name}: {} traces, {} observations{orphans}",
            report.traces_added + report.traces_updated,
            report.observations_added + report.observations_updated,
        ),
        warnings: report
            .warnings
            .iter()
            .map(|w| format!("{name}: {w}"))
            .collect(),
        keys,
        written,
        records,
    }
}

type Merged = (ImportReport, Vec<String>, Vec<String>);

/// The stored records of the traces the file touches, then the file, in
/// one store: the file merges as it would into everything stored. A stored
/// record that cannot be read is kept as it is (and named): this file's
/// part of that trace is not written over it. `detached`: the file's text
/// was let go, so a broken rule is named by its record, and said so.
fn merge(
    name: &str,
    parsed: Parsed<'_>,
    detached: bool,
    ids: &[String],
    stored: Vec<Option<Result<String, String>>>,
) -> Result<Update<Merged>, String> {
    let mut store = Store::new();
    let mut kept = BTreeSet::new();
    let mut left = Vec::new();
    for (id, answer) in ids.iter().zip(stored) {
        let text = match answer {
            None => continue,
            Some(Ok(text)) => text,
            Some(Err(error)) => {
                left.push(error);
                kept.insert(id.clone());
                continue;
            }
        };
        let stored_name = format!("stored trace {id}");
        if let Err(error) = format::import_jsonl(&mut store, &stored_name, text.as_bytes()) {
            left.push(format!("{error}; it is left as it is"));
            kept.insert(id.clone());
        }
    }
    let report = format::import_parsed(&mut store, name, parsed).map_err(|e| match e.line {
        None if detached => {
            format!("{e} (a file this large is not pointed into: search it for the id)")
        }
        _ => e.to_string(),
    })?;
    let mut keys: Vec<String> = report.changed_traces.iter().cloned().collect();
    if report.changed_without_trace {
        keys.push(jsonl::WITHOUT_TRACE.to_string());
    }
    for key in keys.iter().filter(|key| kept.contains(*key)) {
        left.push(format!(
            "{name}: its part of stored trace {key} is not saved (the stored record above is kept)"
        ));
    }
    keys.retain(|key| !kept.contains(key));
    Ok(Update {
        store,
        keys: keys.clone(),
        extra: (report, keys, left),
    })
}
