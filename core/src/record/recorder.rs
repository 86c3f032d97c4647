//! The flat recording API over a store, a clock and an id source: the
//! store checks every rule; the recorder adds the clock, ids and what is
//! particular to recording live (an event ends where it starts).

use crate::ids::IdSource;
use crate::model::{Observation, ObservationType, Status, Trace};
use crate::rules::Violation;
use crate::store::{End, Store, TraceUpdate, Update};
use crate::time::{Clock, Timestamp};

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

    /// Stores a new trace (running, or already ended when recorded late).
    pub fn start_trace(&mut self, trace: Trace) -> Result<(), Violation> {
        self.store.add_trace(trace)
    }

    /// Stores a new observation. Its trace and parent must be stored; an
    /// ended parent is fine (see `rules::lifecycle`). An event is a moment:
    /// one that arrives running ends where it starts.
    pub fn start_observation(&mut self, mut observation: Observation) -> Result<(), Violation> {
        if observation.kind == ObservationType::Event && observation.status == Status::Running {
            observation.status = Status::Completed;
            observation.ended_at = Some(observation.started_at);
        }
        self.store.add_observation(observation)
    }

    /// Ends a trace now.
    pub fn end_trace(&mut self, id: &str, end: End) -> Result<(), Violation> {
        let now = self.clock.now();
        self.store.end_trace(id, now, end)
    }

    /// Ends a trace at a time the caller measured.
    pub fn end_trace_at(&mut self, id: &str, at: Timestamp, end: End) -> Result<(), Violation> {
        self.store.end_trace(id, at, end)
    }

    /// Ends an observation now.
    pub fn end_observation(&mut self, id: &str, end: End) -> Result<(), Violation> {
        let now = self.clock.now();
        self.store.end_observation(id, now, end)
    }

    /// Ends an observation at a time the caller measured.
    pub fn end_observation_at(
        &mut self,
        id: &str,
        at: Timestamp,
        end: End,
    ) -> Result<(), Violation> {
        self.store.end_observation(id, at, end)
    }

    /// Sets fields of an observation without ending it.
    pub fn update_observation(&mut self, id: &str, update: Update) -> Result<(), Violation> {
        self.store.update_observation(id, update)
    }

    /// Sets fields of a trace without ending it.
    pub fn update_trace(&mut self, id: &str, update: TraceUpdate) -> Result<(), Violation> {
        self.store.update_trace(id, update)
    }
}
