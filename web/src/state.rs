//! App-wide state, shared through context as one small `Copy` struct.
//!
//! Two things are held: the index rows of every stored trace (`rows`: what
//! the lists are drawn from, read at start), and the records of the traces
//! opened so far (`store`: read from storage on demand by `records`, kept
//! in a least-recently-opened order, or all of them for a page that needs
//! every record). Each lives in a `StoredValue` (large, never cloned) with
//! a version signal that says when it changed, so memos that read it
//! recompute.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use prompttrace::rollup::IndexRow;
use prompttrace::{PriceTable, Store};

/// The index rows, by trace id.
pub type Rows = BTreeMap<String, IndexRow>;

/// Work under way, shown as a progress bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub label: String,
    /// Done so far, 0 to 1; `None` when unknown (an indeterminate bar).
    pub fraction: Option<f64>,
    /// Whether "Cancel" stops it (an import).
    pub cancellable: bool,
}

impl Progress {
    pub fn busy(label: impl Into<String>) -> Progress {
        Progress {
            label: label.into(),
            fraction: None,
            cancellable: false,
        }
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    rows: StoredValue<Rows>,
    rows_version: RwSignal<u64>,
    store: StoredValue<Store>,
    version: RwSignal<u64>,
    /// What the last action found wrong (file errors), shown in a banner.
    pub errors: RwSignal<Vec<String>>,
    /// What the last action did, shown in a banner.
    pub notice: RwSignal<Option<String>>,
    /// Work under way (an import, opening stored traces).
    pub progress: RwSignal<Option<Progress>>,
    prices: StoredValue<PriceTable>,
    /// False until the index rows are read: until then a list would show
    /// nothing, and a delete could not be applied to rows not read yet.
    pub loaded: RwSignal<bool>,
    /// Deletes and clears made before loading finished; saved once it has.
    pub unsaved: StoredValue<Dirty>,
    /// Saves under way (shown, so nobody closes the tab mid-save).
    pub saving: RwSignal<u32>,
    /// The stored copy could not be read: it is left as it is, and nothing
    /// is saved over it until the user clears storage; files are then
    /// opened in this tab only.
    pub blocked: RwSignal<bool>,
    /// IndexedDB cannot be used here (private mode, disabled, an open held
    /// up by another tab): files open in this tab only.
    pub unavailable: RwSignal<bool>,
    /// Files given before the index was read; imported after.
    pub pending: StoredValue<Vec<(String, web_sys::Blob)>>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            rows: StoredValue::new(Rows::new()),
            rows_version: RwSignal::new(0),
            store: StoredValue::new(Store::new()),
            version: RwSignal::new(0),
            errors: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            progress: RwSignal::new(None),
            prices: StoredValue::new(PriceTable::builtin()),
            loaded: RwSignal::new(false),
            unsaved: StoredValue::new(Dirty::default()),
            saving: RwSignal::new(0),
            blocked: RwSignal::new(false),
            unavailable: RwSignal::new(false),
            pending: StoredValue::new(Vec::new()),
        }
    }

    /// Reads the index rows, subscribing the caller to their changes.
    pub fn rows<R>(&self, read: impl FnOnce(&Rows) -> R) -> R {
        self.rows_version.track();
        self.rows.with_value(read)
    }

    /// Reads the index rows without subscribing (event handlers).
    pub fn peek_rows<R>(&self, read: impl FnOnce(&Rows) -> R) -> R {
        self.rows.with_value(read)
    }

    /// Changes the index rows and tells every list.
    pub fn change_rows<R>(&self, change: impl FnOnce(&mut Rows) -> R) -> R {
        let result = self
            .rows
            .try_update_value(change)
            .expect("the rows live as long as the app");
        self.rows_version.update(|v| *v += 1);
        result
    }

    /// Reads the opened records, subscribing the caller to their changes.
    pub fn read<R>(&self, read: impl FnOnce(&Store, &PriceTable) -> R) -> R {
        self.version.track();
        self.prices
            .with_value(|prices| self.store.with_value(|store| read(store, prices)))
    }

    /// Reads the opened records without subscribing (event handlers).
    pub fn peek<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        self.store.with_value(read)
    }

    /// Reads the opened records and the prices without subscribing.
    pub fn peek_priced<R>(&self, read: impl FnOnce(&Store, &PriceTable) -> R) -> R {
        self.prices
            .with_value(|prices| self.store.with_value(|store| read(store, prices)))
    }

    pub fn prices(&self) -> PriceTable {
        self.prices.get_value()
    }

    /// Changes the opened records and tells every reader.
    pub fn change<R>(&self, change: impl FnOnce(&mut Store) -> R) -> R {
        let result = self
            .store
            .try_update_value(change)
            .expect("the store lives as long as the app");
        self.version.update(|v| *v += 1);
        result
    }
}

/// What to write to storage: the records to write again (by key: a trace
/// id, or `jsonl::WITHOUT_TRACE`; a key the store does not hold is
/// deleted), after clearing everything if `cleared`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dirty {
    pub cleared: bool,
    pub keys: BTreeSet<String>,
}

impl Dirty {
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
