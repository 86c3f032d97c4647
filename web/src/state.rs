//! App-wide state, shared through context as one small `Copy` struct.
//!
//! The store lives in a `StoredValue` (it is large and never cloned); a
//! version signal says when it changed, so memos that read it recompute.
//! The rollups of the whole store are one memo here, shared by every page.

use std::collections::BTreeSet;
use std::sync::Arc;

use leptos::prelude::*;
use prompttrace::format::jsonl;
use prompttrace::store::ImportReport;
use prompttrace::{PriceTable, Store};

use prompttrace::rollup::{rollups, Rollups};

#[derive(Clone, Copy)]
pub struct AppState {
    store: StoredValue<Store>,
    version: RwSignal<u64>,
    rollups: Memo<Arc<Rollups>>,
    /// What the last action found wrong (file errors), shown in a banner.
    pub errors: RwSignal<Vec<String>>,
    /// What the last action did, shown in a banner.
    pub notice: RwSignal<Option<String>>,
    /// Work under way (importing a large file), shown as a progress bar.
    pub busy: RwSignal<Option<String>>,
    prices: StoredValue<PriceTable>,
    /// False until the stored traces are loaded: saving before would
    /// overwrite them with a partial store.
    pub loaded: RwSignal<bool>,
    /// Changes made before loading finished; saved once it has.
    pub unsaved: StoredValue<Dirty>,
    /// What a refused save (quota) left unsaved: folded into the next save,
    /// or saved again with "Retry save" (Storage page), so a refusal never
    /// drops traces the tab shows.
    pub retry: RwSignal<Dirty>,
    /// Saves under way (shown, so nobody closes the tab mid-save).
    pub saving: RwSignal<u32>,
    /// The stored copy could not be read: it is left as it is, and nothing
    /// is saved over it until the user clears storage.
    pub blocked: RwSignal<bool>,
    /// Files given before the stored traces were loaded; imported after
    /// them, so newer data is never overwritten by older stored records.
    pub pending: StoredValue<Vec<(String, Vec<u8>)>>,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        let store = StoredValue::new(store);
        let version = RwSignal::new(0);
        let prices = StoredValue::new(PriceTable::builtin());
        // Lazy: computed when a page first reads it, then again only after
        // the store changed (the one thing it tracks). A recompute therefore
        // always means a new value, so it is never compared with the old one.
        let rollups = Memo::new_owning(move |_| {
            version.track();
            let figures = prices.with_value(|prices| store.with_value(|s| rollups(s, prices)));
            (Arc::new(figures), true)
        });
        AppState {
            store,
            version,
            rollups,
            errors: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            busy: RwSignal::new(None),
            prices,
            loaded: RwSignal::new(false),
            unsaved: StoredValue::new(Dirty::default()),
            retry: RwSignal::new(Dirty::default()),
            saving: RwSignal::new(0),
            blocked: RwSignal::new(false),
            pending: StoredValue::new(Vec::new()),
        }
    }

    /// Reads the store, subscribing the caller to its changes.
    pub fn read<R>(&self, read: impl FnOnce(&Store, &PriceTable) -> R) -> R {
        self.version.track();
        self.prices
            .with_value(|prices| self.store.with_value(|store| read(store, prices)))
    }

    /// Every rollup of the store (per trace, session, model, name), computed
    /// at most once per store change however many pages read it.
    pub fn rollups(&self) -> Memo<Arc<Rollups>> {
        self.rollups
    }

    /// Reads the store without subscribing (event handlers).
    pub fn peek<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        self.store.with_value(read)
    }

    /// Reads the store and the prices without subscribing (saves).
    pub fn peek_priced<R>(&self, read: impl FnOnce(&Store, &PriceTable) -> R) -> R {
        self.prices
            .with_value(|prices| self.store.with_value(|store| read(store, prices)))
    }

    /// Changes the store and tells every reader.
    pub fn change<R>(&self, change: impl FnOnce(&mut Store) -> R) -> R {
        let result = self
            .store
            .try_update_value(change)
            .expect("the store lives as long as the app");
        self.version.update(|v| *v += 1);
        result
    }
}

/// What changed in the store since it was last saved: the records to write
/// again (by key: a trace id, or `jsonl::WITHOUT_TRACE`; a key the store no
/// longer holds is deleted), after clearing everything if `cleared`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dirty {
    pub cleared: bool,
    pub keys: BTreeSet<String>,
}

impl Dirty {
    /// The records an import changed.
    pub fn of_import(report: &ImportReport) -> Dirty {
        let mut keys = report.changed_traces.clone();
        if report.changed_without_trace {
            keys.insert(jsonl::WITHOUT_TRACE.to_string());
        }
        Dirty {
            cleared: false,
            keys,
        }
    }

    pub fn keys(keys: impl IntoIterator<Item = String>) -> Dirty {
        Dirty {
            cleared: false,
            keys: keys.into_iter().collect(),
        }
    }

    pub fn cleared() -> Dirty {
        Dirty {
            cleared: true,
            keys: BTreeSet::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.cleared && self.keys.is_empty()
    }

    /// How many traces it would save or delete (the record of
    /// observations without a trace is not one).
    pub fn trace_count(&self) -> usize {
        self.keys
            .iter()
            .filter(|key| *key != jsonl::WITHOUT_TRACE)
            .count()
    }

    /// This change, then `later` (a clear makes earlier keys moot).
    pub fn add(&mut self, later: Dirty) {
        if later.cleared {
            *self = later;
        } else {
            self.keys.extend(later.keys);
        }
    }
}

pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
