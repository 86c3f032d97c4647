//! The store's lookups by session, trace name and model, and the model
//! names `Facts::model` numbers.

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::HashMap;
use crate::model::Trace;

/// Key → ids of the traces that have it, both sorted.
pub(super) type Index = BTreeMap<String, BTreeSet<String>>;

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Indexes {
    pub by_session: Index,
    pub by_name: Index,
    pub by_model: Index,
    model_names: Vec<String>,
    model_ids: HashMap<String, u32>,
}

impl Indexes {
    /// Indexes a trace that is not indexed: a trace is added once, or
    /// again after `remove_trace` of its earlier record.
    pub fn add_trace(&mut self, trace: &Trace) {
        if let Some(session) = &trace.session_id {
            insert_new(&mut self.by_session, session, &trace.id);
        }
        insert_new(&mut self.by_name, &trace.name, &trace.id);
    }

    pub fn remove_trace(&mut self, trace: &Trace) {
        if let Some(session) = &trace.session_id {
            remove_from(&mut self.by_session, session, &trace.id);
        }
        remove_from(&mut self.by_name, &trace.name, &trace.id);
    }

    pub fn add_model(&mut self, model: &str, trace_id: &str) {
        insert_into(&mut self.by_model, model, trace_id);
    }

    pub fn remove_model(&mut self, model: &str, trace_id: &str) {
        remove_from(&mut self.by_model, model, trace_id);
    }

    /// The number `Facts::model` holds for a model name.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.model_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.model_names.len()).expect("fewer than 4 billion model names");
        self.model_names.push(name.to_string());
        self.model_ids.insert(name.to_string(), id);
        id
    }

    pub fn model_name(&self, id: u32) -> &str {
        &self.model_names[id as usize]
    }
}

fn insert_into(index: &mut Index, key: &str, id: &str) {
    match index.get_mut(key) {
        Some(ids) => {
            if !ids.contains(id) {
                ids.insert(id.to_string());
            }
        }
        None => {
            index.insert(key.to_string(), only(id));
        }
    }
}

/// As `insert_into`, for an id not under `key` yet: one walk of its set, not
/// two (a name's set holds every trace of that name).
fn insert_new(index: &mut Index, key: &str, id: &str) {
    match index.get_mut(key) {
        Some(ids) => {
            ids.insert(id.to_string());
        }
        None => {
            index.insert(key.to_string(), only(id));
        }
    }
}

/// A set of one id. Not `BTreeSet::from([id])`: that sorts its array
/// first, a sort of its own in the record-only wasm.
fn only(id: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    ids.insert(id.to_string());
    ids
}

fn remove_from(index: &mut Index, key: &str, id: &str) {
    if let Some(ids) = index.get_mut(key) {
        ids.remove(id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}
