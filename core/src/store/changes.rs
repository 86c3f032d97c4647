//! The change feed: which records were written since storage last took
//! them, so storage that keeps a copy (a file appended to, IndexedDB)
//! writes only what changed. Like the endings feed, it is off until
//! watched, and has one reader.

use std::collections::BTreeSet;

use crate::hash::HashSet;

use super::Store;

/// Ids of the records written since the feed was last taken, each once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    traces: HashSet<String>,
    observations: HashSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.traces.is_empty() && self.observations.is_empty()
    }

    /// Ids of traces whose own record changed.
    pub fn traces(&self) -> impl Iterator<Item = &str> {
        self.traces.iter().map(String::as_str)
    }

    /// Ids of observations whose record changed.
    pub fn observations(&self) -> impl Iterator<Item = &str> {
        self.observations.iter().map(String::as_str)
    }

    /// The traces these changes touched: each changed trace and the trace
    /// of each changed observation that is still stored, sorted; and
    /// whether an LLM call without trace changed.
    pub fn touched(&self, store: &Store) -> (BTreeSet<String>, bool) {
        // Inserted, not collected: `collect` into a set sorts first, a sort
        // of its own in the record-only wasm.
        let mut traces = BTreeSet::new();
        for id in &self.traces {
            traces.insert(id.clone());
        }
        let mut calls = false;
        for id in &self.observations {
            match store.observation(id).map(|o| &o.trace_id) {
                Some(Some(trace_id)) => {
                    traces.insert(trace_id.clone());
                }
                Some(None) => calls = true,
                None => {} // removed since
            }
        }
        (traces, calls)
    }
}

impl Store {
    /// Starts noting which records are written, for [`Store::take_changes`].
    /// What was written before is not noted.
    pub fn watch_changes(&mut self) {
        self.changes.get_or_insert_with(Changes::default);
    }

    /// Whether the change feed is on: storage keeps a copy of every record.
    pub fn watches_changes(&self) -> bool {
        self.changes.is_some()
    }

    /// What was written since the last call; the feed is emptied.
    pub fn take_changes(&mut self) -> Changes {
        self.changes
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// What was written and not yet taken (none when the feed is off).
    pub fn pending_changes(&self) -> Option<&Changes> {
        self.changes.as_ref()
    }

    pub(super) fn note_trace_change(&mut self, id: &str) {
        if let Some(changes) = &mut self.changes {
            if !changes.traces.contains(id) {
                changes.traces.insert(id.to_string());
            }
        }
    }

    pub(super) fn note_observation_change(&mut self, id: &str) {
        if let Some(changes) = &mut self.changes {
            if !changes.observations.contains(id) {
                changes.observations.insert(id.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Observation, ObservationType, Trace};
    use crate::store::{End, Store, TraceUpdate, Update};
    use crate::time::Timestamp;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_nanos(ms * 1_000_000)
    }

    fn sorted<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut ids: Vec<&str> = ids.collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn changes_note_every_write_once_until_taken() {
        let mut store = Store::new();
        store.add_trace(Trace::new("before", "b", at(0))).unwrap();
        store.watch_changes();
        store.add_trace(Trace::new("t1", "t", at(0))).unwrap();
        let mut span = Observation::new("s1", ObservationType::Span, "s", at(1));
        span.trace_id = Some("t1".into());
        store.add_observation(span).unwrap();
        store
            .add_observation(Observation::new(
                "call",
                ObservationType::Generation,
                "c",
                at(1),
            ))
            .unwrap();
        store.update_observation("s1", Update::default()).unwrap();
        store
            .end_observation("s1", at(2), End::completed())
            .unwrap();
        store.update_trace("t1", TraceUpdate::default()).unwrap();
        store.end_trace("t1", at(3), End::completed()).unwrap();

        let changes = store.take_changes();
        assert_eq!(
            sorted(changes.traces()),
            ["t1"],
            "not what was written before"
        );
        assert_eq!(sorted(changes.observations()), ["call", "s1"]);
        let (traces, calls) = changes.touched(&store);
        assert_eq!(traces.into_iter().collect::<Vec<_>>(), ["t1"]);
        assert!(calls);
        assert!(store.take_changes().is_empty(), "taken once");

        store.end_trace("before", at(4), End::completed()).unwrap();
        assert_eq!(sorted(store.take_changes().traces()), ["before"]);
    }

    #[test]
    fn changes_are_noted_for_imports_and_survive_clear_only_as_a_watch() {
        let mut store = Store::new();
        assert!(!store.watches_changes());
        store.add_trace(Trace::new("t0", "t", at(0))).unwrap();
        assert!(store.take_changes().is_empty(), "off until watched");
        store.watch_changes();
        let batch = crate::store::Batch {
            traces: vec![Trace::new("t2", "t", at(0))],
            ..Default::default()
        };
        store.import(batch).unwrap();
        assert_eq!(sorted(store.pending_changes().unwrap().traces()), ["t2"]);
        store.clear();
        assert!(store.watches_changes());
        assert!(store.take_changes().is_empty());
    }
}
