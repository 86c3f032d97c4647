//! The store: many traces in memory, indexed by id, session, name and
//! model, and the one place records enter it: whole files through
//! [`Store::import`], single records while an app runs through
//! [`Store::add_trace`], [`Store::add_observation`], [`Store::end_trace`],
//! [`Store::end_observation`] and the two updates.
//!
//! Invariants:
//! - Every stored record passes `rules::limits`, `rules::lifecycle::check`
//!   and `rules::structure`; an observation id belongs to one trace (or to
//!   none, for LLM calls without a trace) for good. Each check is made in
//!   this module, once per way in.
//! - [`Store::import`] is all-or-nothing: it checks a whole batch against
//!   the stored state first, and on any violation changes nothing.
//! - Ids that are already stored upsert by `rules::merge`.

mod changes;
mod entry;
mod facts;
mod id_key;
mod import;
mod index;
mod left;
mod traces;
mod update;
mod write;

use std::collections::BTreeSet;

use crate::hash::HashMap;
use crate::model::Observation;
use crate::rules::{Subject, Violation};

pub use changes::Changes;
pub use entry::{TraceEntry, Tree};
pub use facts::Facts;
pub use import::{Batch, ImportReport, RecordIndex, Rejection};
pub use left::LEFT_KEPT;
pub use update::{TraceUpdate, Update};
pub use write::End;

use id_key::IdKey;
use index::Indexes;
use traces::{Slot, Traces};

#[derive(Clone, Debug, Default)]
pub struct Store {
    traces: Traces,
    without_trace: Vec<Observation>,
    without_trace_facts: Vec<Facts>,
    /// Observation id → its trace's slot (`None`: an LLM call without
    /// trace) and its position in that trace's (or `without_trace`'s) list.
    owner: HashMap<IdKey, (Option<Slot>, usize)>,
    indexes: Indexes,
    /// What ended since [`Store::take_endings`] was last called, while
    /// [`Store::watch_endings`] is on (an exporter's feed).
    endings: Option<Vec<Ending>>,
    /// What was written since [`Store::take_changes`] was last called,
    /// while [`Store::watch_changes`] is on (storage's feed).
    changes: Option<Changes>,
    /// The last traces that left memory (`retention`), to say so when a
    /// record for one arrives later.
    left: left::Left,
}

/// Two stores are equal when they hold the same records, feeds and
/// indexes: where each put a trace (its slot) is not compared, only the
/// trace an observation belongs to.
impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        // Every field but `owner` (and the slots in it), as a derive would.
        let Store {
            traces,
            without_trace,
            without_trace_facts,
            owner,
            indexes,
            endings,
            changes,
            left,
        } = self;
        let same_owners = owner.len() == other.owner.len()
            && owner.iter().all(|(id, (slot, at))| {
                other.owner.get(id).is_some_and(|(other_slot, other_at)| {
                    at == other_at && self.trace_id_at(*slot) == other.trace_id_at(*other_slot)
                })
            });
        *traces == other.traces
            && *without_trace == other.without_trace
            && *without_trace_facts == other.without_trace_facts
            && same_owners
            && *indexes == other.indexes
            && *endings == other.endings
            && *changes == other.changes
            && *left == other.left
    }
}

/// Something that became ready to send: a trace that ended (or whose last
/// running observation ended while the trace had ended), or an LLM call
/// without trace that ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ending {
    Trace(String),
    Call(String),
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    pub fn is_empty(&self) -> bool {
        self.traces.is_empty() && self.without_trace.is_empty()
    }

    pub fn trace_count(&self) -> usize {
        self.traces.len()
    }

    pub fn observation_count(&self) -> usize {
        self.owner.len()
    }

    /// All traces, in no particular order.
    pub fn traces(&self) -> impl ExactSizeIterator<Item = &TraceEntry> {
        self.traces.values()
    }

    /// All traces by start time, then id.
    pub fn traces_in_order(&self) -> Vec<&TraceEntry> {
        let mut all: Vec<&TraceEntry> = self.traces.values().collect();
        all.sort_unstable_by(|a, b| {
            (a.trace.started_at, &a.trace.id).cmp(&(b.trace.started_at, &b.trace.id))
        });
        all
    }

    pub fn trace(&self, id: &str) -> Option<&TraceEntry> {
        self.traces.get(id)
    }

    pub fn observation(&self, id: &str) -> Option<&Observation> {
        self.observation_at(self.owner.get(&IdKey::new(id))?)
    }

    /// The observation an `owner` entry points at.
    fn observation_at(&self, &(slot, at): &(Option<Slot>, usize)) -> Option<&Observation> {
        match slot {
            Some(slot) => self.traces.at(slot)?.observations.get(at),
            None => self.without_trace.get(at),
        }
    }

    /// LLM calls (and other observations) recorded without a trace, in
    /// arrival order.
    pub fn observations_without_trace(&self) -> &[Observation] {
        &self.without_trace
    }

    pub fn facts_without_trace(&self) -> &[Facts] {
        &self.without_trace_facts
    }

    /// The model name behind a `Facts::model` number.
    pub fn model_name(&self, id: u32) -> &str {
        self.indexes.model_name(id)
    }

    pub fn observations_without_trace_in_order(&self) -> Vec<&Observation> {
        let mut all: Vec<&Observation> = self.without_trace.iter().collect();
        all.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        all
    }

    /// Session ids with the ids of their traces.
    pub fn sessions(&self) -> impl Iterator<Item = (&str, &BTreeSet<String>)> {
        self.indexes
            .by_session
            .iter()
            .map(|(id, traces)| (id.as_str(), traces))
    }

    pub fn traces_in_session(&self, session_id: &str) -> impl Iterator<Item = &TraceEntry> {
        self.lookup_all(self.indexes.by_session.get(session_id))
    }

    pub fn traces_named(&self, name: &str) -> impl Iterator<Item = &TraceEntry> {
        self.lookup_all(self.indexes.by_name.get(name))
    }

    /// Traces with at least one observation of this model.
    pub fn traces_using_model(&self, model: &str) -> impl Iterator<Item = &TraceEntry> {
        self.lookup_all(self.indexes.by_model.get(model))
    }

    pub fn trace_names(&self) -> impl Iterator<Item = &str> {
        self.indexes.by_name.keys().map(String::as_str)
    }

    pub fn models(&self) -> impl Iterator<Item = &str> {
        self.indexes.by_model.keys().map(String::as_str)
    }

    fn lookup_all<'s>(
        &'s self,
        ids: Option<&'s BTreeSet<String>>,
    ) -> impl Iterator<Item = &'s TraceEntry> {
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.traces.get(id))
    }

    /// Removes trace `id` because it left memory (`retention`): a later
    /// record for it is refused with [`Violation::LeftMemory`].
    pub fn evict_trace(&mut self, id: &str) -> bool {
        let removed = self.remove_trace(id);
        if removed {
            self.left.note(id);
        }
        removed
    }

    /// Whether trace `id` left memory (one of the last [`LEFT_KEPT`]).
    pub fn has_left(&self, id: &str) -> bool {
        self.left.contains(id)
    }

    /// The error for a record of trace `id`, which is not in memory.
    pub(crate) fn missing_trace(&self, subject: Subject, trace_id: &str) -> Violation {
        if self.has_left(trace_id) {
            Violation::LeftMemory {
                subject,
                trace_id: trace_id.to_string(),
            }
        } else {
            Violation::UnknownTrace {
                subject,
                trace_id: trace_id.to_string(),
            }
        }
    }

    /// The id of the trace in `slot` (`None`: no trace).
    fn trace_id_at(&self, slot: Option<Slot>) -> Option<&str> {
        Some(self.traces.at(slot?)?.trace.id.as_str())
    }

    /// The error for trace `id`, which is not in memory.
    pub(crate) fn unknown_trace(&self, id: &str) -> Violation {
        let subject = Subject::Trace(id.to_string());
        if self.has_left(id) {
            Violation::LeftMemory {
                subject,
                trace_id: id.to_string(),
            }
        } else {
            Violation::Unknown { subject }
        }
    }

    /// Removes a trace and its observations; `false` if it was not stored.
    pub fn remove_trace(&mut self, id: &str) -> bool {
        let Some(entry) = self.traces.remove(id) else {
            return false;
        };
        self.indexes.remove_trace(&entry.trace);
        for observation in &entry.observations {
            self.owner.remove(&IdKey::new(&observation.id));
            if let Some(model) = &observation.model {
                self.indexes.remove_model(model, id);
            }
        }
        true
    }

    /// Removes the LLM calls without trace that `leaves` picks (one pass,
    /// arrival order kept); returns how many.
    pub fn remove_calls_without_trace(&mut self, leaves: impl Fn(&Observation) -> bool) -> usize {
        let before = self.without_trace.len();
        let calls = std::mem::take(&mut self.without_trace);
        let facts = std::mem::take(&mut self.without_trace_facts);
        for (call, facts) in calls.into_iter().zip(facts) {
            if leaves(&call) {
                self.owner.remove(&IdKey::new(&call.id));
                continue;
            }
            let at = self.without_trace.len();
            if let Some(owner) = self.owner.get_mut(&IdKey::new(&call.id)) {
                owner.1 = at;
            }
            self.without_trace.push(call);
            self.without_trace_facts.push(facts);
        }
        before - self.without_trace.len()
    }

    /// Removes every trace of a session; returns how many.
    pub fn remove_session(&mut self, session_id: &str) -> usize {
        let ids: Vec<String> = self
            .indexes
            .by_session
            .get(session_id)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        ids.iter().filter(|id| self.remove_trace(id)).count()
    }

    /// Forgets every record (a feed that is on stays on, emptied).
    pub fn clear(&mut self) {
        let endings = self.endings.is_some();
        let changes = self.changes.is_some();
        *self = Store::default();
        if endings {
            self.endings = Some(Vec::new());
        }
        if changes {
            self.changes = Some(Changes::default());
        }
    }

    /// Starts noting what ends, for [`Store::take_endings`]. What had
    /// ended before is not noted.
    pub fn watch_endings(&mut self) {
        self.endings.get_or_insert_with(Vec::new);
    }

    /// Whether the endings feed is on (an exporter runs).
    pub fn watches_endings(&self) -> bool {
        self.endings.is_some()
    }

    /// Stops noting what ends, and forgets what was noted.
    pub fn unwatch_endings(&mut self) {
        self.endings = None;
    }

    /// What ended and was not yet taken, in order.
    pub fn pending_endings(&self) -> &[Ending] {
        self.endings.as_deref().unwrap_or_default()
    }

    /// What ended since the last call, in order; the feed is emptied. It
    /// has one reader: an `Outbox` (two would each miss what the other took).
    pub fn take_endings(&mut self) -> Vec<Ending> {
        self.endings
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}
