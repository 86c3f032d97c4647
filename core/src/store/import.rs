//! Importing a whole file's records: all of them, or (on the first broken
//! rule) none of them.

use std::collections::BTreeSet;

use crate::hash::HashMap;
use crate::model::{Observation, Trace};
use crate::rules::lifecycle::Lifecycle;
use crate::rules::structure::{self, Links};
use crate::rules::{merge, Violation};

use super::entry::TraceEntry;
use super::traces::Slot;
use super::write::{check_observation, check_trace, links};
use super::{IdKey, Store};

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// Ids of the traces whose records changed (the trace's own, or any of
    /// its observations'): what a copy kept elsewhere, such as the viewer's
    /// IndexedDB, writes again. A record put again exactly as it was stored
    /// (counted as updated by the merge rule) leaves its trace out.
    pub changed_traces: BTreeSet<String>,
    /// Whether any observation recorded without a trace changed.
    pub changed_without_trace: bool,
    /// What was skipped and why, one located sentence each: JSON Lines
    /// cut short by a crash (`format::jsonl`). Set by `format::import`.
    pub warnings: Vec<String>,
}

impl Store {
    /// Merges a batch: all of it, or (on the first violation) none of it.
    pub fn import(&mut self, batch: Batch) -> Result<ImportReport, Rejection> {
        let plan = self.plan(&batch)?;
        Ok(self.apply(batch, plan))
    }

    /// Decides, without changing anything, what each record of the batch does.
    fn plan(&self, batch: &Batch) -> Result<Plan, Rejection> {
        let reject = |record, violation| Rejection {
            record: Some(record),
            violation,
        };
        for (i, trace) in batch.traces.iter().enumerate() {
            check_trace(trace).map_err(|v| reject(RecordIndex::Trace(i), v))?;
        }
        for (i, observation) in batch.observations.iter().enumerate() {
            check_observation(observation).map_err(|v| reject(RecordIndex::Observation(i), v))?;
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

        // Against the store: which winners get written, each looked up once.
        let mut plan = Plan::default();
        for (&id, &i) in &trace_winners {
            match self.traces.get(id) {
                Some(entry) if !merge::incoming_wins(&entry.trace, &batch.traces[i]) => {
                    plan.unchanged += 1
                }
                _ => plan.traces.push(i),
            }
        }
        plan.traces.sort_unstable();
        plan.fresh = vec![false; batch.observations.len()];
        let mut planned = vec![false; batch.observations.len()];
        // Whether a stored observation gets another parent (see below).
        let mut moves = false;
        let mut consider = |i: usize| -> Result<(), Rejection> {
            let incoming = &batch.observations[i];
            let Some(owner) = self.owner.get(&IdKey::new(&incoming.id)) else {
                plan.fresh[i] = true;
                planned[i] = true;
                plan.observations.push(i);
                return Ok(());
            };
            let trace_id = self.trace_id_at(owner.0);
            if trace_id != incoming.trace_id.as_deref() {
                return Err(reject(
                    RecordIndex::Observation(i),
                    Violation::MovedTrace {
                        subject: incoming.subject(),
                        from: trace_id.map(str::to_string),
                        to: incoming.trace_id.clone(),
                    },
                ));
            }
            let stored = self.observation_at(owner).expect("owner is indexed");
            if !merge::incoming_wins(stored, incoming) {
                plan.unchanged += 1;
                return Ok(());
            }
            moves |= stored.parent_id != incoming.parent_id;
            planned[i] = true;
            plan.observations.push(i);
            Ok(())
        };
        // Walked in file order, so a violation names the same record
        // whatever the map's (seeded) order. A file whose ids do not repeat
        // (the common one) has every record win: no sort then.
        if observation_winners.len() == batch.observations.len() {
            (0..batch.observations.len()).try_for_each(&mut consider)?;
        } else {
            let mut order: Vec<usize> = observation_winners.values().copied().collect();
            order.sort_unstable();
            order.into_iter().try_for_each(&mut consider)?;
        }

        // Every written observation's trace exists, and every touched tree
        // holds. A stored observation's depth or ancestry changes only when
        // one of its ancestors (or itself) moves to another parent: only
        // then are the touched trees' stored observations checked too. New
        // records cannot have stored children (a parent must exist first),
        // so the common batch — new spans, or the ends of running ones —
        // costs what it brings, not what its trace holds.
        let written = |id: &str| {
            (observation_winners.get(id))
                .filter(|&&i| planned[i])
                .map(|&i| &batch.observations[i])
        };
        // The touched traces are gathered only when they are walked. A
        // file's spans come trace by trace: the trace checked last is not
        // looked up again.
        let mut touched: BTreeSet<&str> = BTreeSet::new();
        let mut checked = None;
        for &i in &plan.observations {
            let observation = &batch.observations[i];
            if let Some(trace_id) = observation.trace_id.as_deref() {
                if checked == Some(trace_id) {
                    continue;
                }
                if !trace_winners.contains_key(trace_id) && !self.traces.contains_key(trace_id) {
                    return Err(reject(
                        RecordIndex::Observation(i),
                        self.missing_trace(observation.subject(), trace_id),
                    ));
                }
                if moves {
                    touched.insert(trace_id);
                }
                checked = Some(trace_id);
            }
        }
        let lookup = |id: &str| -> Option<Links<'_>> {
            let observation = written(id).or_else(|| self.observation(id))?;
            Some(links(observation))
        };
        let stored_in_touched = touched
            .iter()
            .filter_map(|trace_id| self.traces.get(trace_id))
            .flat_map(|entry| entry.observations.iter().map(|o| o.id.as_str()));
        let written_ids = plan
            .observations
            .iter()
            .map(|&i| batch.observations[i].id.as_str());
        let incoming = |id: &str| written(id).is_some();
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
        // By slot: the traces already in `changed_traces`. Most of a file's
        // traces are its own records, noted here; their observations then
        // cost no walk of the set (a cache miss a level: ~10% of a merge).
        let mut noted: Vec<bool> = Vec::new();
        for (_, trace) in planned(batch.traces, plan.traces) {
            // A record put again as it was (a file loaded twice) changes nothing.
            let changed = self.traces.get(&trace.id).map(TraceEntry::trace) != Some(&trace);
            let id = changed.then(|| trace.id.clone());
            if self.put_trace(trace) {
                report.traces_added += 1;
            } else {
                report.traces_updated += 1;
            }
            if let Some(id) = id {
                let slot = self.traces.find(&id).expect("a trace just put");
                mark(&mut noted, slot);
                report.changed_traces.insert(id);
            }
        }
        for (i, observation) in planned(batch.observations, plan.observations) {
            let slot = observation.trace_id.as_deref().map(|trace_id| {
                self.traces
                    .find(trace_id)
                    .expect("trace of a checked observation is stored")
            });
            // A new record changes its trace; a stored one unless put again as it was.
            if plan.fresh[i] || self.observation(&observation.id) != Some(&observation) {
                match (slot, observation.trace_id.as_deref()) {
                    (Some(slot), Some(trace_id)) => {
                        if mark(&mut noted, slot) {
                            report.changed_traces.insert(trace_id.to_string());
                        }
                    }
                    _ => report.changed_without_trace = true,
                }
            }
            if self.put_observation_in(observation, slot) {
                report.observations_added += 1;
            } else {
                report.observations_updated += 1;
            }
        }
        report
    }
}

/// Marks a slot noted; `true` if it was not.
fn mark(noted: &mut Vec<bool>, slot: Slot) -> bool {
    let at = slot as usize;
    if noted.len() <= at {
        noted.resize(at + 1, false);
    }
    !std::mem::replace(&mut noted[at], true)
}

#[derive(Default)]
struct Plan {
    traces: Vec<usize>,
    observations: Vec<usize>,
    /// By batch index: a planned observation that is not stored yet.
    fresh: Vec<bool>,
    unchanged: usize,
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

/// The records at `indexes` (sorted, distinct), in order.
fn planned<T>(records: Vec<T>, indexes: Vec<usize>) -> impl Iterator<Item = (usize, T)> {
    let mut indexes = indexes.into_iter().peekable();
    records
        .into_iter()
        .enumerate()
        .filter_map(move |(i, record)| indexes.next_if_eq(&i).map(|_| (i, record)))
}
