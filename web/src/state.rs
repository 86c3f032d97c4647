//! App-wide state, shared through context as one small `Copy` struct.
//!
//! The store lives in a `StoredValue` (it is large and never cloned); a
//! version signal says when it changed, so memos that read it recompute.

use leptos::prelude::*;
use prompttrace::{PriceTable, Store};

#[derive(Clone, Copy)]
pub struct AppState {
    store: StoredValue<Store>,
    version: RwSignal<u64>,
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
    /// A change was made before loading finished; save once it has.
    pub unsaved: StoredValue<bool>,
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
        AppState {
            store: StoredValue::new(store),
            version: RwSignal::new(0),
            errors: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            busy: RwSignal::new(None),
            prices: StoredValue::new(PriceTable::builtin()),
            loaded: RwSignal::new(false),
            unsaved: StoredValue::new(false),
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

    /// Reads the store without subscribing (event handlers).
    pub fn peek<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        self.store.with_value(read)
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

pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
