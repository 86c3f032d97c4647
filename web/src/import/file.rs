//! One file's import, in the worker: read by the core, merged into what is
//! stored of the traces it touches, and written in one transaction.

use prompttrace::format::{self, jsonl};
use prompttrace::{PriceTable, Store};

use crate::storage::{self, Change, Written};

/// What one stored file did.
pub struct Imported {
    /// "12 traces, 340 observations (…)", for the notice.
    pub report: String,
    /// Lines skipped (a last line cut short by a crash), said in the notice.
    pub warnings: Vec<String>,
    /// The keys written (trace ids, or `jsonl::WITHOUT_TRACE`).
    pub keys: Vec<String>,
    pub written: Written,
}

/// Imports `bytes` (the file `name`) and stores what it changed; the error
/// names the file and place, and then nothing of it was stored.
pub async fn import(name: &str, bytes: &[u8], prices: &PriceTable) -> Result<Imported, String> {
    let parsed = format::read(name, bytes).map_err(|e| e.to_string())?;
    // What is stored of the traces the file touches goes in first, so the
    // file merges as it would into everything stored.
    let mut store = Store::new();
    let mut seen = std::collections::HashMap::new();
    let mut ids = parsed.trace_ids();
    ids.push(jsonl::WITHOUT_TRACE.to_string());
    for (id, answer) in ids.iter().zip(storage::records(&ids).await?) {
        // One that cannot be read is left out here; writing names it and
        // keeps it as it is (`storage::write`).
        let Some(Ok(text)) = answer else { continue };
        if format::import(&mut store, &format!("stored trace {id}"), text.as_bytes()).is_ok() {
            seen.insert(id.clone(), text);
        }
    }
    let report = format::import_parsed(&mut store, name, parsed).map_err(|e| e.to_string())?;
    let mut keys: Vec<String> = report.changed_traces.iter().cloned().collect();
    if report.changed_without_trace {
        keys.push(jsonl::WITHOUT_TRACE.to_string());
    }
    seen.retain(|key, _| keys.contains(key));
    let change = Change {
        keys: keys.clone(),
        seen,
        ..Change::default()
    };
    let written = storage::write(&change, &store, prices)
        .await
        .map_err(|reason| {
            format!("{name}: could not save to IndexedDB ({reason}); what was stored before is kept, and nothing of this file was stored")
        })?;
    let orphans = match report.orphans {
        0 => String::new(),
        n => format!(" ({n} spans without their parent span, shown at the top of their trace)"),
    };
    Ok(Imported {
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
    })
}
