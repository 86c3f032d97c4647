//! The flat recording API over a store, a clock and an id source.

use serde::Serialize;

use crate::json::Json;

use crate::ids::IdSource;
use crate::model::{Cost, Level, Observation, Trace, Usage};
use crate::rules::lifecycle::{self, Lifecycle, Outcome};
use crate::rules::structure;
use crate::rules::{limits, Subject, Violation};
use crate::store::{links, Store};
use crate::time::{Clock, Timestamp};

/// How an item ends, and what it learned by then.
#[derive(Clone, Debug, PartialEq)]
pub struct End {
    pub outcome: Outcome,
    /// Defaults to the clock's now.
    pub at: Option<Timestamp>,
    pub output: Option<Json>,
    /// For a failure: the error's text.
    pub status_message: Option<String>,
    pub usage: Option<Usage>,
    pub cost: Option<Cost>,
    pub completion_start_time: Option<Timestamp>,
}

impl End {
    pub fn completed() -> End {
        End {
            outcome: Outcome::Completed,
            at: None,
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

    pub fn at(mut self, at: Timestamp) -> End {
        self.at = Some(at);
        self
    }
}

/// Records into a store it owns.
pub struct Recorder {
    store: Store,
    clock: Box<dyn Clock>,
    ids: Box<dyn IdSource>,
}

impl Recorder {
    pub fn new(clock: impl Clock + 'static, ids: impl IdSource + 'static) -> Recorder {
        Recorder {
            store: Store::new(),
            clock: Box::new(clock),
            ids: Box::new(ids),
        }
    }

    /// The OS clock and random UUIDs (native only).
    #[cfg(all(feature = "system", not(target_arch = "wasm32")))]
    pub fn system() -> Recorder {
        Recorder::new(crate::time::SystemClock, crate::ids::RandomIds)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// For imports and deletions next to recording.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn into_store(self) -> Store {
        self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn new_id(&mut self) -> String {
        self.ids.next_id()
    }

    /// Stores a new trace (running, or already ended when imported late).
    pub fn start_trace(&mut self, trace: Trace) -> Result<(), Violation> {
        limits::check_trace(&trace)?;
        lifecycle::check(&trace)?;
        if self.store.trace(&trace.id).is_some() {
            return Err(Violation::DuplicateId {
                subject: trace.subject(),
            });
        }
        self.store.put_trace(trace);
        Ok(())
    }

    /// Stores a new observation. Its trace and parent must be stored; an
    /// ended parent is fine (see `rules::lifecycle`).
    pub fn start_observation(&mut self, observation: Observation) -> Result<(), Violation> {
        limits::check_observation(&observation)?;
        lifecycle::check(&observation)?;
        if self.store.observation(&observation.id).is_some() {
            return Err(Violation::DuplicateId {
                subject: observation.subject(),
            });
        }
        if let Some(trace_id) = &observation.trace_id {
            if self.store.trace(trace_id).is_none() {
                return Err(Violation::UnknownTrace {
                    subject: observation.subject(),
                    trace_id: trace_id.clone(),
                });
            }
        }
        let store = &self.store;
        structure::check_new_child(&observation.id, links(&observation), |id| {
            store.observation(id).map(links)
        })?;
        self.store.put_observation(observation);
        Ok(())
    }

    pub fn end_trace(&mut self, id: &str, end: End) -> Result<(), Violation> {
        let at = end.at.unwrap_or_else(|| self.clock.now());
        let trace = self.store.trace_mut(id).ok_or_else(|| Violation::Unknown {
            subject: Subject::Trace(id.to_string()),
        })?;
        lifecycle::end(trace, at, end.outcome)?;
        if end.output.is_some() {
            trace.output = end.output;
        }
        if end.status_message.is_some() {
            trace.status_message = end.status_message;
        }
        Ok(())
    }

    pub fn end_observation(&mut self, id: &str, end: End) -> Result<(), Violation> {
        let at = end.at.unwrap_or_else(|| self.clock.now());
        let unknown = || Violation::Unknown {
            subject: Subject::Observation(id.to_string()),
        };
        self.store
            .update_observation(id, |observation| {
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
                observation.usage = usage.or(observation.usage.take());
                observation.cost = cost.or(observation.cost.take());
                observation.completion_start_time =
                    completion_start_time.or(observation.completion_start_time);
                Ok(())
            })
            .unwrap_or_else(|| Err(unknown()))
    }
}
