//! Start: what the browser kept goes into the store, and what layout v1
//! left is migrated to layout v2 (docs/storage-v2.md) in one transaction.
//! A v1 store that cannot be read is left as it is: nothing is written
//! until the user clears storage (`AppState::blocked`).

use leptos::prelude::*;
use prompttrace::format;

use crate::loader;
use crate::state::{AppState, Dirty};
use crate::storage::{self, Kept};

/// Reads the stored traces into the store; `false` when nothing at all was
/// stored (a first visit).
pub async fn restore(state: AppState) -> bool {
    let kept = match storage::read().await {
        Ok(kept) => kept,
        Err(error) => {
            state
                .errors
                .set(vec![format!("{error}; traces stay in this tab only")]);
            return true;
        }
    };
    // "Clear everything" pressed while this was read: what was read goes,
    // and what layout v1 left is neither imported nor guarded (the clear
    // empties it too).
    if state.unsaved.with_value(|unsaved| unsaved.cleared) {
        return true;
    }
    let mut errors = kept.unreadable.clone();
    state.change(|store| {
        for (key, text) in &kept.records {
            let name = format!("stored trace {key}");
            if let Err(error) = format::import(store, &name, text.as_bytes()) {
                errors.push(format!("{error}. This stored trace is left as it is."));
            }
        }
    });
    if let Some(error) = migrate(state, &kept).await {
        errors.push(error);
    }
    state.errors.set(errors);
    !kept.records.is_empty() || kept.old_found
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
    let mut dirty = Dirty::default();
    // A last line cut short by a crash is skipped (core's rule): said, so
    // the migration does not drop it silently.
    let mut said = Vec::new();
    for (name, text) in files {
        match state.change(|store| format::import(store, name, text.as_bytes())) {
            Ok(report) => {
                said.extend(
                    report
                        .warnings
                        .iter()
                        .map(|w| format!("Moved without: {w}")),
                );
                dirty.add(Dirty::of_import(&report));
            }
            Err(error) => return block(error.to_string()),
        }
    }
    let (mut change, prices) = loader::change_of(state, dirty);
    change.migrate = true;
    match storage::write(change, &prices).await {
        Ok(left) => {
            said.extend(left);
            (!said.is_empty()).then(|| said.join(". "))
        }
        Err(error) => Some(format!(
            "could not move the stored traces to IndexedDB's new layout ({error}); \
             they are kept where they were, and moved on the next visit"
        )),
    }
}
