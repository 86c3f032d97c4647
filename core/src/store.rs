//! The store: many traces in memory, indexed by id, session, name and
//! model, and the one place records enter it.
//!
//! Invariants:
//! - Every stored record passes `rules::limits`, `rules::lifecycle::check`
//!   and `rules::structure`; an observation id belongs to one trace (or to
//!   none, for LLM calls without a trace) for good.
//! - [`Store::import`] is all-or-nothing: it checks a whole batch against
//!   the stored state first, and on any violation changes nothing.
//! - Ids that are already stored upsert by `rules::merge`.

use std::collections::{BTreeMap, BTreeSet};

use crate::hash::HashMap;

use crate::model::{Observation, Trace};
use crate::rules::lifecycle::{self, Lifecycle};
use crate::rules::rollup::Facts;
use crate::rules::structure::{self, Links};
use crate::rules::{limits, merge, Violation};

/// A trace and its observations.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEntry {
    trace: Trace,
    /// In arrival order; `Store::owner` knows each one's position.
    observations: Vec<Observation>,
    /// `facts[i]` is what rollups read of `observations[i]`.
    facts: Vec<Facts>,
}

impl TraceEntry {
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Its observations, in arrival order.
    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }

    /// What rollups read of each observation, in the same order.
    pub fn facts(&self) -> &[Facts] {
        &self.facts
    }

    /// Its observations by start time, then id: the order files and trees use.
    pub fn observations_in_order(&self) -> Vec<&Observation> {
        let mut all: Vec<&Observation> = self.observations.iter().collect();
        all.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        all
    }

    /// Its observations as a tree: children in start order (then id).
    pub fn tree(&self) -> Tree<'_> {
        let ordered = self.observations_in_order();
        let index: HashMap<&str, usize> = ordered
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); ordered.len()];
        let mut roots = Vec::new();
        for (i, observation) in ordered.iter().enumerate() {
            match observation.parent_id.as_deref().and_then(|p| index.get(p)) {
                Some(&parent) => children[parent].push(i),
                None => roots.push(i),
            }
        }
        Tree {
            ordered,
            children,
            roots,
        }
    }
}

/// A trace's observations as a tree. `children[i]` and `roots` index into
/// `ordered` (start order, then id); depth is at most
/// `rules::structure::MAX_DEPTH`.
pub struct Tree<'a> {
    pub ordered: Vec<&'a Observation>,
    pub children: Vec<Vec<usize>>,
    pub roots: Vec<usize>,
}

/// Records to import together, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    pub traces: Vec<Trace>,
    pub observations: Vec<Observation>,
    /// JSON Lines files may repeat an id (a record's later state); a JSON
    /// file may not.
    pub repeats_allowed: bool,
}

/// Which record of a batch broke a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordIndex {
    Trace(usize),
    Observation(usize),
}

/// Why a batch was refused, and by which record (when it was one of the
/// batch's rather than a stored one).
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub record: Option<RecordIndex>,
    pub violation: Violation,
}

/// What an import changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub traces_added: usize,
    pub traces_updated: usize,
    pub observations_added: usize,
    pub observations_updated: usize,
    /// Records that changed nothing: an ended record was already stored.
    pub unchanged: usize,
    /// OTLP spans whose parent span is neither in the file nor stored: they
    /// are shown at the top of their trace, flagged in their metadata.
    pub orphans: usize,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    traces: HashMap<String, TraceEntry>,
    without_trace: Vec<Observation>,
    without_trace_facts: Vec<Facts>,
    /// Observation id → its trace id (`None`: an LLM call without trace) and
    /// its position in that trace's (or `without_trace`'s) list.
    owner: HashMap<String, (Option<String>, usize)>,
    by_session: BTreeMap<String, BTreeSet<String>>,
    by_name: BTreeMap<String, BTreeSet<String>>,
    by_model: BTreeMap<String, BTreeSet<String>>,
    /// Model names as `Facts::model` numbers them.
    model_names: Vec<String>,
    model_ids: HashMap<String, u32>,
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
        match self.owner.get(id)? {
            (Some(trace_id), at) => self.traces.get(trace_id)?.observations.get(*at),
            (None, at) => self.without_trace.get(*at),
        }
    }

    /// LLM calls (and other observations) recorded without a trace, by start.
    pub fn observations_without_trace(&self) -> &[Observation] {
        &self.without_trace
    }

    pub fn facts_without_trace(&self) -> &[Facts] {
        &self.without_trace_facts
    }

    /// The model name behind a `Facts::model` number.
    pub fn model_name(&self, id: u32) -> &str {
        &self.model_names[id as usize]
    }

    pub fn observations_without_trace_in_order(&self) -> Vec<&Observation> {
        let mut all: Vec<&Observation> = self.without_trace.iter().collect();
        all.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        all
    }

    /// Session ids with the ids of their traces.
    pub fn sessions(&self) -> impl Iterator<Item = (&str, &BTreeSet<String>)> {
        self.by_session
            .iter()
            .map(|(id, traces)| (id.as_str(), traces))
    }

    pub fn traces_in_session(&self, session_id: &str) -> impl Iterator<Item = &TraceEntry> {
        self.lookup_all(self.by_session.get(session_id))
    }

    pub fn traces_named(&self, name: &str) -> impl Iterator<Item = &TraceEntry> {
        self.lookup_all(self.by_name.get(name))
    }

    /// Traces with at least one observation of this model.
    pub fn traces_using_model(&self, model: &str) -> impl Iterator<Item = &TraceEntry> {
        self.lookup_all(self.by_model.get(model))
    }

    pub fn trace_names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub fn models(&self) -> impl Iterator<Item = &str> {
        self.by_model.keys().map(String::as_str)
    }

    fn lookup_all<'s>(
        &'s self,
        ids: Option<&'s BTreeSet<String>>,
    ) -> impl Iterator<Item = &'s TraceEntry> {
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.traces.get(id))
    }

    /// Merges a batch: all of it, or (on the first violation) none of it.
    pub fn import(&mut self, batch: Batch) -> Result<ImportReport, Rejection> {
        let plan = self.plan(&batch)?;
        Ok(self.apply(batch, plan))
    }

    /// Removes a trace and its observations; `false` if it was not stored.
    pub fn remove_trace(&mut self, id: &str) -> bool {
        let Some(entry) = self.traces.remove(id) else {
            return false;
        };
        self.unindex_trace(&entry.trace);
        for observation in &entry.observations {
            self.owner.remove(&observation.id);
            if let Some(model) = &observation.model {
                remove_from(&mut self.by_model, model, id);
            }
        }
        true
    }

    /// Removes every trace of a session; returns how many.
    pub fn remove_session(&mut self, session_id: &str) -> usize {
        let ids: Vec<String> = self
            .by_session
            .get(session_id)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        ids.iter().filter(|id| self.remove_trace(id)).count()
    }

    pub fn clear(&mut self) {
        *self = Store::default();
    }

    /// Decides, without changing anything, what each record of the batch does.
    fn plan(&self, batch: &Batch) -> Result<Plan, Rejection> {
        let reject = |record, violation| Rejection {
            record: Some(record),
            violation,
        };
        for (i, trace) in batch.traces.iter().enumerate() {
            check_record(trace, limits::check_trace)
                .map_err(|v| reject(RecordIndex::Trace(i), v))?;
        }
        for (i, observation) in batch.observations.iter().enumerate() {
            check_record(observation, limits::check_observation)
                .map_err(|v| reject(RecordIndex::Observation(i), v))?;
        }

        // The winning record per id inside the batch.
        let trace_winners = winners(
            &batch.traces,
            batch.repeats_allowed,
            |t| &t.id,
            |_, _| Ok(()),
        )
        .map_err(|(i, v)| reject(RecordIndex::Trace(i), v))?;
        let observation_winners = winners(
            &batch.observations,
            batch.repeats_allowed,
            |o| &o.id,
            same_trace,
        )
        .map_err(|(i, v)| reject(RecordIndex::Observation(i), v))?;

        // Against the store: which winners get written.
        let mut plan = Plan::default();
        for (&id, &i) in &trace_winners {
            match self.traces.get(id) {
                Some(entry) if !merge::incoming_wins(&entry.trace, &batch.traces[i]) => {
                    plan.unchanged += 1
                }
                _ => plan.traces.push(i),
            }
        }
        for (&id, &i) in &observation_winners {
            let incoming = &batch.observations[i];
            match self.owner.get(id) {
                Some((owner, _)) if owner != &incoming.trace_id => {
                    return Err(reject(
                        RecordIndex::Observation(i),
                        Violation::MovedTrace {
                            subject: incoming.subject(),
                            from: owner.clone(),
                            to: incoming.trace_id.clone(),
                        },
                    ));
                }
                Some(_)
                    if !merge::incoming_wins(
                        self.observation(id).expect("owner is indexed"),
                        incoming,
                    ) =>
                {
                    plan.unchanged += 1
                }
                _ => plan.observations.push(i),
            }
        }
        plan.traces.sort_unstable();
        plan.observations.sort_unstable();

        // Every written observation's trace exists, and every touched tree holds.
        let written: HashMap<&str, &Observation> = plan
            .observations
            .iter()
            .map(|&i| (batch.observations[i].id.as_str(), &batch.observations[i]))
            .collect();
        let mut touched: BTreeSet<&str> = BTreeSet::new();
        for &i in &plan.observations {
            let observation = &batch.observations[i];
            if let Some(trace_id) = observation.trace_id.as_deref() {
                if !trace_winners.contains_key(trace_id) && !self.traces.contains_key(trace_id) {
                    return Err(reject(
                        RecordIndex::Observation(i),
                        Violation::UnknownTrace {
                            subject: observation.subject(),
                            trace_id: trace_id.to_string(),
                        },
                    ));
                }
                touched.insert(trace_id);
            }
        }
        let lookup = |id: &str| -> Option<Links<'_>> {
            let observation = written.get(id).copied().or_else(|| self.observation(id))?;
            Some(links(observation))
        };
        let stored_in_touched = touched
            .iter()
            .filter_map(|trace_id| self.traces.get(*trace_id))
            .flat_map(|entry| entry.observations.iter().map(|o| o.id.as_str()));
        let written_ids = plan
            .observations
            .iter()
            .map(|&i| batch.observations[i].id.as_str());
        let incoming = |id: &str| written.contains_key(id);
        structure::check_tree(written_ids.chain(stored_in_touched), lookup, incoming).map_err(
            |violation| {
                let record = observation_winners
                    .get(violation.subject().id())
                    .map(|&i| RecordIndex::Observation(i));
                Rejection { record, violation }
            },
        )?;
        Ok(plan)
    }

    fn apply(&mut self, batch: Batch, plan: Plan) -> ImportReport {
        let mut report = ImportReport {
            unchanged: plan.unchanged,
            ..ImportReport::default()
        };
        // The plan's indexes are sorted and distinct: walk the batch once,
        // moving each planned record straight into the store.
        for trace in planned(batch.traces, plan.traces) {
            if self.put_trace(trace) {
                report.traces_added += 1;
            } else {
                report.traces_updated += 1;
            }
        }
        for observation in planned(batch.observations, plan.observations) {
            if self.put_observation(observation) {
                report.observations_added += 1;
            } else {
                report.observations_updated += 1;
            }
        }
        report
    }

    /// Inserts or replaces a trace whose rules were checked; `true` if new.
    pub(crate) fn put_trace(&mut self, trace: Trace) -> bool {
        let id = trace.id.clone();
        match self.traces.get_mut(&id) {
            Some(entry) => {
                let old = std::mem::replace(&mut entry.trace, trace);
                self.unindex_trace(&old);
                let entry = &self.traces[&id];
                index_trace(&mut self.by_session, &mut self.by_name, &entry.trace);
                false
            }
            None => {
                index_trace(&mut self.by_session, &mut self.by_name, &trace);
                self.traces.insert(
                    id,
                    TraceEntry {
                        trace,
                        observations: Vec::new(),
                        facts: Vec::new(),
                    },
                );
                true
            }
        }
    }

    /// Inserts or replaces an observation whose rules were checked (its trace
    /// is stored); `true` if new.
    pub(crate) fn put_observation(&mut self, observation: Observation) -> bool {
        let model = observation
            .model
            .as_deref()
            .map(|name| intern(&mut self.model_ids, &mut self.model_names, name));
        let facts = Facts::of(&observation, model);
        let trace_id = observation.trace_id.clone();
        let (records, all_facts) = match &trace_id {
            Some(trace_id) => {
                let entry = self
                    .traces
                    .get_mut(trace_id)
                    .expect("trace of a checked observation is stored");
                (&mut entry.observations, &mut entry.facts)
            }
            None => (&mut self.without_trace, &mut self.without_trace_facts),
        };
        if let Some(&(_, at)) = self.owner.get(&observation.id) {
            let old = std::mem::replace(&mut records[at], observation);
            all_facts[at] = facts;
            if let (Some(trace_id), Some(old_model)) = (&trace_id, old.model) {
                if !records.iter().any(|o| o.model.as_ref() == Some(&old_model)) {
                    remove_from(&mut self.by_model, &old_model, trace_id);
                }
            }
            if let (Some(trace_id), Some(model)) = (&trace_id, &records[at].model) {
                insert_into(&mut self.by_model, model, trace_id);
            }
            return false;
        }
        if let (Some(trace_id), Some(model)) = (&trace_id, &observation.model) {
            insert_into(&mut self.by_model, model, trace_id);
        }
        self.owner
            .insert(observation.id.clone(), (trace_id, records.len()));
        records.push(observation);
        all_facts.push(facts);
        true
    }

    pub(crate) fn trace_mut(&mut self, id: &str) -> Option<&mut Trace> {
        self.traces.get_mut(id).map(|entry| &mut entry.trace)
    }

    /// Changes a stored observation in place (the recorder ending it). The
    /// change must keep its id, trace, parent and model.
    pub(crate) fn update_observation<R>(
        &mut self,
        id: &str,
        update: impl FnOnce(&mut Observation) -> R,
    ) -> Option<R> {
        let (trace_id, at) = self.owner.get(id)?;
        let (records, facts) = match trace_id {
            Some(trace_id) => {
                let entry = self.traces.get_mut(trace_id)?;
                (&mut entry.observations, &mut entry.facts)
            }
            None => (&mut self.without_trace, &mut self.without_trace_facts),
        };
        let observation = &mut records[*at];
        let result = update(observation);
        facts[*at] = Facts::of(observation, facts[*at].model);
        Some(result)
    }

    fn unindex_trace(&mut self, trace: &Trace) {
        if let Some(session) = &trace.session_id {
            remove_from(&mut self.by_session, session, &trace.id);
        }
        remove_from(&mut self.by_name, &trace.name, &trace.id);
    }
}

/// The structural links of a stored or incoming observation.
pub(crate) fn links(observation: &Observation) -> Links<'_> {
    Links {
        trace_id: observation.trace_id.as_deref(),
        parent_id: observation.parent_id.as_deref(),
    }
}

#[derive(Default)]
struct Plan {
    traces: Vec<usize>,
    observations: Vec<usize>,
    unchanged: usize,
}

fn check_record<R: Lifecycle>(
    record: &R,
    limits: fn(&R) -> Result<(), Violation>,
) -> Result<(), Violation> {
    limits(record)?;
    lifecycle::check(record)
}

/// Index of the winning record for each id, by `rules::merge` in file order.
fn winners<R: Lifecycle>(
    records: &[R],
    repeats_allowed: bool,
    id: impl Fn(&R) -> &String,
    compatible: impl Fn(&R, &R) -> Result<(), Violation>,
) -> Result<HashMap<&str, usize>, (usize, Violation)> {
    let mut winners: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(records.len(), Default::default());
    for (i, record) in records.iter().enumerate() {
        match winners.get_mut(id(record).as_str()) {
            None => {
                winners.insert(id(record), i);
            }
            Some(_) if !repeats_allowed => {
                return Err((
                    i,
                    Violation::DuplicateId {
                        subject: record.subject(),
                    },
                ));
            }
            Some(current) => {
                compatible(&records[*current], record).map_err(|v| (i, v))?;
                if merge::incoming_wins(&records[*current], record) {
                    *current = i;
                }
            }
        }
    }
    Ok(winners)
}

fn same_trace(earlier: &Observation, later: &Observation) -> Result<(), Violation> {
    if earlier.trace_id == later.trace_id {
        return Ok(());
    }
    Err(Violation::MovedTrace {
        subject: later.subject(),
        from: earlier.trace_id.clone(),
        to: later.trace_id.clone(),
    })
}

fn index_trace(
    by_session: &mut BTreeMap<String, BTreeSet<String>>,
    by_name: &mut BTreeMap<String, BTreeSet<String>>,
    trace: &Trace,
) {
    if let Some(session) = &trace.session_id {
        insert_into(by_session, session, &trace.id);
    }
    insert_into(by_name, &trace.name, &trace.id);
}

fn intern(ids: &mut HashMap<String, u32>, names: &mut Vec<String>, name: &str) -> u32 {
    if let Some(&id) = ids.get(name) {
        return id;
    }
    let id = u32::try_from(names.len()).expect("fewer than 4 billion model names");
    names.push(name.to_string());
    ids.insert(name.to_string(), id);
    id
}

fn insert_into(index: &mut BTreeMap<String, BTreeSet<String>>, key: &str, id: &str) {
    match index.get_mut(key) {
        Some(ids) => {
            if !ids.contains(id) {
                ids.insert(id.to_string());
            }
        }
        None => {
            index.insert(key.to_string(), BTreeSet::from([id.to_string()]));
        }
    }
}

fn remove_from(index: &mut BTreeMap<String, BTreeSet<String>>, key: &str, id: &str) {
    if let Some(ids) = index.get_mut(key) {
        ids.remove(id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}

/// The records at `indexes` (sorted, distinct), in order.
fn planned<T>(records: Vec<T>, indexes: Vec<usize>) -> impl Iterator<Item = T> {
    let mut indexes = indexes.into_iter().peekable();
    records
        .into_iter()
        .enumerate()
        .filter_map(move |(i, record)| indexes.next_if_eq(&i).map(|_| record))
}
