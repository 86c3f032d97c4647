//! Writing single records while an app runs, with every rule checked, and
//! the two primitives that every write (these and `import`) ends in.

use std::collections::hash_map::Entry;

use serde::Serialize;

use crate::json::Json;
use crate::model::{Cost, Level, Observation, Status, Trace, Usage};
use crate::rules::lifecycle::{self, Lifecycle, Outcome};
use crate::rules::structure::{self, Links};
use crate::rules::{limits, Subject, Violation};
use crate::time::Timestamp;

use super::entry::TraceEntry;
use super::facts::Facts;
use super::{Ending, IdKey, Slot, Store};

/// How an item ends, and what it learned by then.
#[derive(Clone, Debug, PartialEq)]
pub struct End {
    pub outcome: Outcome,
    pub output: Option<Json>,
    /// For a failure: the error's text.
    pub status_message: Option<String>,
    /// Observations only (a trace has none of its own).
    pub usage: Option<Usage>,
    pub cost: Option<Cost>,
    pub completion_start_time: Option<Timestamp>,
}

impl End {
    pub fn completed() -> End {
        End {
            outcome: Outcome::Completed,
            output: None,
            status_message: None,
            usage: None,
            cost: None,
            completion_start_time: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> End {
        End {
            outcome: Outcome::Error,
            status_message: Some(message.into()),
            ..End::completed()
        }
    }

    pub fn output(mut self, output: impl Serialize) -> End {
        self.output = Some(Json::new(&output));
        self
    }

    pub fn usage(mut self, usage: Usage) -> End {
        self.usage = Some(usage);
        self
    }

    pub fn cost(mut self, cost: Cost) -> End {
        self.cost = Some(cost);
        self
    }
}

impl Store {
    /// Stores a new trace (running, or already ended when recorded late).
    pub fn add_trace(&mut self, trace: Trace) -> Result<(), Violation> {
        check_trace(&trace)?;
        if self.traces.contains_key(&trace.id) {
            return Err(Violation::DuplicateId {
                subject: trace.subject(),
            });
        }
        self.put_trace(trace);
        Ok(())
    }

    /// Stores a new observation. Its trace and parent must be stored; an
    /// ended parent is fine (see `rules::lifecycle`).
    pub fn add_observation(&mut self, observation: Observation) -> Result<(), Violation> {
        check_observation(&observation)?;
        if self.owner.contains_key(&IdKey::new(&observation.id)) {
            return Err(Violation::DuplicateId {
                subject: observation.subject(),
            });
        }
        let slot = match observation.trace_id.as_deref() {
            Some(trace_id) => match self.traces.find(trace_id) {
                Some(slot) => Some(slot),
                None => return Err(self.missing_trace(observation.subject(), trace_id)),
            },
            None => None,
        };
        structure::check_new_child(&observation.id, links(&observation), |id| {
            self.observation(id).map(links)
        })?;
        self.put_observation_in(observation, slot);
        Ok(())
    }

    /// Ends a stored trace at `at`: output and status message are set when
    /// given (usage and cost belong to observations and are not read).
    pub fn end_trace(&mut self, id: &str, at: Timestamp, end: End) -> Result<(), Violation> {
        let Some(entry) = self.traces.get_mut(id) else {
            return Err(self.unknown_trace(id));
        };
        let trace = &mut entry.trace;
        lifecycle::end(trace, at, end.outcome)?;
        if end.output.is_some() {
            trace.output = end.output;
        }
        if end.status_message.is_some() {
            trace.status_message = end.status_message;
        }
        self.note_trace_change(id);
        let ending = self
            .endings
            .is_some()
            .then(|| Ending::Trace(id.to_string()));
        note(&mut self.endings, ending);
        Ok(())
    }

    /// Ends a stored observation at `at`; a failure also sets its level to
    /// error. What the end brings replaces what the start said.
    pub fn end_observation(&mut self, id: &str, at: Timestamp, end: End) -> Result<(), Violation> {
        self.change_in_place(id, |observation| {
            if let Some(cost) = &end.cost {
                limits::check_cost(cost, || observation.subject())?;
            }
            lifecycle::end(observation, at, end.outcome)?;
            if end.outcome == Outcome::Error {
                observation.level = Level::Error;
            }
            let End {
                output,
                status_message,
                usage,
                cost,
                completion_start_time,
                ..
            } = end;
            observation.output = output.or(observation.output.take());
            observation.status_message = status_message.or(observation.status_message.take());
            observation.usage = usage.map(Box::new).or(observation.usage.take());
            observation.cost = cost.map(Box::new).or(observation.cost.take());
            observation.completion_start_time =
                completion_start_time.or(observation.completion_start_time);
            Ok(())
        })
        .unwrap_or_else(|| {
            Err(Violation::Unknown {
                subject: Subject::Observation(id.to_string()),
            })
        })
    }

    /// Inserts or replaces a trace whose rules were checked; `true` if new.
    pub(super) fn put_trace(&mut self, trace: Trace) -> bool {
        let ending = (trace.status.is_ended() && self.endings.is_some())
            .then(|| Ending::Trace(trace.id.clone()));
        self.note_trace_change(&trace.id);
        self.left.forget(&trace.id); // back in memory: its records are taken again
        let added = match self.traces.get_mut(trace.id.as_str()) {
            Some(entry) => {
                let old = std::mem::replace(&mut entry.trace, trace);
                self.indexes.remove_trace(&old);
                self.indexes.add_trace(&entry.trace);
                false
            }
            None => {
                self.indexes.add_trace(&trace);
                self.traces.insert(TraceEntry::new(trace));
                true
            }
        };
        note(&mut self.endings, ending);
        added
    }

    /// Inserts or replaces an observation whose rules were checked (its
    /// trace is stored); `true` if new.
    pub(super) fn put_observation(&mut self, observation: Observation) -> bool {
        let slot = observation.trace_id.as_deref().map(|trace_id| {
            self.traces
                .find(trace_id)
                .expect("trace of a checked observation is stored")
        });
        self.put_observation_in(observation, slot)
    }

    /// [`Store::put_observation`], its trace's slot known (`None`: it has
    /// no trace).
    pub(super) fn put_observation_in(
        &mut self,
        observation: Observation,
        slot: Option<Slot>,
    ) -> bool {
        let watching = self.endings.is_some();
        let model = observation
            .model
            .as_deref()
            .map(|name| self.indexes.intern(name));
        let facts = Facts::of(&observation, model);
        let running = observation.status == Status::Running;
        self.note_observation_change(&observation.id);
        let Some(slot) = slot else {
            let ending = (watching && !running).then(|| Ending::Call(observation.id.clone()));
            let added = match self.owner.get(&IdKey::new(&observation.id)) {
                Some(&(_, at)) => {
                    self.without_trace[at] = observation;
                    self.without_trace_facts[at] = facts;
                    false
                }
                None => {
                    let at = self.without_trace.len();
                    self.owner.insert(IdKey::new(&observation.id), (None, at));
                    self.without_trace.push(observation);
                    self.without_trace_facts.push(facts);
                    true
                }
            };
            note(&mut self.endings, ending);
            return added;
        };
        let entry = self.traces.at_mut(slot).expect("a stored trace's slot");
        // The model index holds (model, trace) while one of the trace's
        // observations names the model: when one of the last few does, the
        // walk of the model's set (every trace of that model) is skipped.
        let indexed = |model| {
            entry
                .facts
                .iter()
                .rev()
                .take(8)
                .any(|f| f.model == Some(model))
        };
        if let (Some(name), Some(model)) = (&observation.model, model) {
            if !indexed(model) {
                self.indexes.add_model(name, &entry.trace.id);
            }
        }
        // One lookup, whether the observation is new or replaces one.
        let at = match self.owner.entry(IdKey::new(&observation.id)) {
            Entry::Occupied(owner) => owner.get().1,
            Entry::Vacant(owner) => {
                owner.insert((Some(slot), entry.observations.len()));
                entry.running += usize::from(running);
                entry.observations.push(observation);
                entry.facts.push(facts);
                return true;
            }
        };
        let old = std::mem::replace(&mut entry.observations[at], observation);
        entry.facts[at] = facts;
        let was_running = old.status == Status::Running;
        entry.running = entry.running + usize::from(running) - usize::from(was_running);
        let trace_id = entry.trace.id.clone();
        if let Some(old_model) = old.model {
            let still_used = entry
                .observations
                .iter()
                .any(|o| o.model.as_ref() == Some(&old_model));
            if !still_used {
                self.indexes.remove_model(&old_model, &trace_id);
            }
        }
        let settled = was_running && !running && entry.is_settled();
        let ending = (watching && settled).then(|| Ending::Trace(trace_id.to_string()));
        note(&mut self.endings, ending);
        false
    }

    /// Changes a stored observation in place. The change must keep its id,
    /// trace, parent and model; `None` if it is not stored.
    fn change_in_place<R>(
        &mut self,
        id: &str,
        update: impl FnOnce(&mut Observation) -> R,
    ) -> Option<R> {
        let watching = self.endings.is_some();
        let (slot, at) = *self.owner.get(&IdKey::new(id))?;
        let (result, ending) = match slot {
            Some(slot) => {
                let entry = self.traces.at_mut(slot)?;
                let (result, ended) =
                    update_in(&mut entry.observations[at], &mut entry.facts[at], update);
                entry.running -= usize::from(ended);
                let settled = ended && entry.is_settled();
                (
                    result,
                    (watching && settled).then(|| Ending::Trace(entry.trace.id.clone())),
                )
            }
            None => {
                let (result, ended) = update_in(
                    &mut self.without_trace[at],
                    &mut self.without_trace_facts[at],
                    update,
                );
                (
                    result,
                    (watching && ended).then(|| Ending::Call(id.to_string())),
                )
            }
        };
        note(&mut self.endings, ending);
        self.note_observation_change(id);
        Some(result)
    }
}

/// Applies `update` and refreshes the facts; also says whether it ended
/// a running observation.
fn update_in<R>(
    observation: &mut Observation,
    facts: &mut Facts,
    update: impl FnOnce(&mut Observation) -> R,
) -> (R, bool) {
    let was_running = observation.status == Status::Running;
    let result = update(observation);
    *facts = Facts::of(observation, facts.model);
    (result, was_running && observation.status.is_ended())
}

fn note(endings: &mut Option<Vec<Ending>>, ending: Option<Ending>) {
    if let (Some(endings), Some(ending)) = (endings, ending) {
        endings.push(ending);
    }
}

/// The rules a trace must pass on its own, whichever way it comes in.
pub(super) fn check_trace(trace: &Trace) -> Result<(), Violation> {
    limits::check_trace(trace)?;
    lifecycle::check(trace)
}

/// The rules an observation must pass on its own, whichever way it comes in.
pub(super) fn check_observation(observation: &Observation) -> Result<(), Violation> {
    limits::check_observation(observation)?;
    lifecycle::check(observation)
}

/// The structural links of a stored or incoming observation.
pub(super) fn links(observation: &Observation) -> Links<'_> {
    Links {
        trace_id: observation.trace_id.as_deref(),
        parent_id: observation.parent_id.as_deref(),
    }
}
