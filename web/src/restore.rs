//! Start: the index rows of what the browser kept go into the lists, the
//! newest first (the records are read when a trace is opened), and what layout v1 left is
//! migrated to layout v2 (docs/storage-v2.md) in one transaction. A v1
//! store that cannot be read is left as it is: nothing is written until
//! the user clears storage (`AppState::blocked`).

use leptos::prelude::*;
use prompttrace::format;
use prompttrace::Store;

use crate::records;
use crate::state::AppState;
use crate::storage::{self, Change, Kept};

/// Reads the stored index rows into the lists; `false` when nothing at all
/// was stored (a first visit).
pub async fn restore(state: AppState) -> bool {
    let unavailable = |error: String| {
        state.unavailable.set(true);
        state
            .errors
            .update(|errors| errors.push(format!("{error}; traces stay in this tab only")));
        true
    };
    // The newest rows first: the traces list shows while the rest of the
    // index is read (seconds, at a million spans).
    match storage::newest_rows(100).await {
        Ok(newest) if !state.unsaved.with_value(|unsaved| unsaved.cleared) => {
            state.change_rows(|rows| {
                for row in newest.into_iter().filter(|row| !records::gone(&row.id)) {
                    rows.insert(row.id.clone(), row);
                }
            });
        }
        Ok(_) => {}
        Err(error) => return unavailable(error),
    }
    let kept = match storage::read().await {
        Ok(kept) => kept,
        Err(error) => return unavailable(error),
    };
    // "Clear everything" pressed while this was read: what was read goes,
    // and what layout v1 left is neither imported nor guarded (the clear
    // empties it too).
    if state.unsaved.with_value(|unsaved| unsaved.cleared) {
        return true;
    }
    let mut errors = kept.unreadable.clone();
    let found = !kept.rows.is_empty() || kept.old_found;
    // Not a trace deleted while this was read (its delete is saved next).
    state.change_rows(|rows| {
        for row in kept.rows.iter().filter(|row| !records::gone(&row.id)) {
            rows.insert(row.id.clone(), row.clone());
        }
    });
    if let Some(error) = migrate(state, &kept).await {
        errors.push(error);
    }
    state.errors.update(|all| all.extend(errors));
    found
}

/// Migrates what layout v1 left (all of it, or nothing); the error to show.
async fn migrate(state: AppState, kept: &Kept) -> Option<String> {
    let block = |error: String| {
        state.blocked.set(true);
        Some(format!(
            "{error}. The stored traces are left as they are; nothing is saved over them \
             until you clear storage (Storage page)."
        ))
    };
    let files = match &kept.old {
        Err(error) => return block(error.clone()),
        Ok(files) => files,
    };
    if kept.layout && !kept.old_found {
        return None;
    }
    let mut moved = Store::new();
    let mut keys = std::collections::BTreeSet::new();
    // A last line cut short by a crash is skipped (core's rule): said, so
    // the migration does not drop it silently.
    let mut said = Vec::new();
    for (name, text) in files {
        match format::import_jsonl(&mut moved, name, text.as_bytes()) {
            Ok(report) => {
                said.extend(
                    report
                        .warnings
                        .iter()
                        .map(|w| format!("Moved without: {w}")),
                );
                keys.extend(report.changed_traces);
                if report.changed_without_trace {
                    keys.insert(format::jsonl::WITHOUT_TRACE.to_string());
                }
            }
            Err(error) => return block(error.to_string()),
        }
    }
    let change = Change {
        keys: keys.into_iter().collect(),
        migrate: true,
        ..Change::default()
    };
    match storage::write(&change, &moved, &state.prices()).await {
        Ok(written) => {
            // A deep link may have read these before they were moved.
            let moved: Vec<String> = change.keys.clone();
            records::back(&moved);
            state.change_rows(|rows| {
                for row in written.rows {
                    rows.insert(row.id.clone(), row);
                }
            });
            records::stale(state, &moved);
            said.extend(written.left);
            (!said.is_empty()).then(|| said.join(". "))
        }
        Err(error) => Some(format!(
            "could not move the stored traces to IndexedDB's new layout ({error}); \
             they are kept where they were, and moved on the next visit"
        )),
    }
}
