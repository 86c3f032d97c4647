//! Handles over a shared recorder: `tracer.trace(..)`, `trace.span(..)`,
//! `span.generation(..)`, `complete`, `fail`.
//!
//! Builders declare every field in one call chain and `start()` records the
//! item; handles are cheap clones that end it. Every method returns the
//! rule's `Violation` instead of panicking; nothing here needs `unwrap`.

use std::fmt::Display;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use crate::json::Json;

use crate::ids::IdSource;
use crate::model::{Level, Observation, ObservationType, Status, Trace};
use crate::record::recorder::Recorder;
use crate::rules::Violation;
use crate::store::End;
use crate::store::Store;
use crate::time::{Clock, Timestamp};

/// The entry point: creates traces, and generations without a trace.
#[derive(Clone)]
pub struct Tracer {
    recorder: Arc<Mutex<Recorder>>,
}

impl Tracer {
    pub fn new(clock: impl Clock + 'static, ids: impl IdSource + 'static) -> Tracer {
        Tracer::from_recorder(Recorder::new(clock, ids))
    }

    /// The OS clock and random UUIDs (native only).
    #[cfg(all(feature = "system", not(target_arch = "wasm32")))]
    pub fn system() -> Tracer {
        Tracer::from_recorder(Recorder::system())
    }

    pub fn from_recorder(recorder: Recorder) -> Tracer {
        Tracer {
            recorder: Arc::new(Mutex::new(recorder)),
        }
    }

    pub fn trace(&self, name: &str) -> TraceBuilder {
        let now = self.lock().now();
        TraceBuilder {
            tracer: self.clone(),
            trace: Trace::new(String::new(), name, now),
        }
    }

    /// An LLM call outside any trace (code that never traces still counts).
    pub fn generation(&self, name: &str) -> ObservationBuilder {
        ObservationBuilder::new(self.clone(), None, None, ObservationType::Generation, name)
    }

    /// Reads the recorded data.
    pub fn with_store<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        read(self.lock().store())
    }

    /// A copy of everything recorded so far.
    pub fn snapshot(&self) -> Store {
        self.with_store(Store::clone)
    }

    /// Records an observation made from a fresh id and the clock's now.
    pub(crate) fn start_with(
        &self,
        make: impl FnOnce(String, Timestamp) -> Observation,
    ) -> Result<ObservationHandle, Violation> {
        let id = {
            let mut recorder = self.lock();
            let id = recorder.new_id();
            let now = recorder.now();
            recorder.start_observation(make(id.clone(), now))?;
            id
        };
        Ok(ObservationHandle {
            tracer: self.clone(),
            id,
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Recorder> {
        // A panic elsewhere while holding the lock leaves consistent data:
        // every recorder method checks before it writes.
        self.recorder
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Declares a trace; `start()` records it.
pub struct TraceBuilder {
    tracer: Tracer,
    trace: Trace,
}

impl TraceBuilder {
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.trace.id = id.into();
        self
    }
    pub fn session(mut self, session_id: impl Into<String>) -> Self {
        self.trace.session_id = Some(session_id.into());
        self
    }
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.trace.user_id = Some(user_id.into());
        self
    }
    pub fn input(mut self, input: impl Serialize) -> Self {
        self.trace.input = Some(Json::new(&input));
        self
    }
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        self.trace.metadata = Some(Json::new(&metadata));
        self
    }
    pub fn tags<T: Into<String>>(mut self, tags: impl IntoIterator<Item = T>) -> Self {
        self.trace.tags = tags.into_iter().map(Into::into).collect();
        self
    }
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.trace.environment = Some(environment.into());
        self
    }
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.trace.release = Some(release.into());
        self
    }
    pub fn started_at(mut self, at: Timestamp) -> Self {
        self.trace.started_at = at;
        self
    }

    pub fn start(self) -> Result<TraceHandle, Violation> {
        let TraceBuilder { tracer, mut trace } = self;
        let id = {
            let mut recorder = tracer.lock();
            if trace.id.is_empty() {
                trace.id = recorder.new_id();
            }
            let id = trace.id.clone();
            recorder.start_trace(trace)?;
            id
        };
        Ok(TraceHandle { tracer, id })
    }
}

/// A recorded trace.
#[derive(Clone)]
pub struct TraceHandle {
    tracer: Tracer,
    id: String,
}

impl TraceHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn span(&self, name: &str) -> ObservationBuilder {
        self.observation(ObservationType::Span, name)
    }

    pub fn generation(&self, name: &str) -> ObservationBuilder {
        self.observation(ObservationType::Generation, name)
    }

    /// A zero-length observation: it ends where it starts.
    pub fn event(&self, name: &str) -> ObservationBuilder {
        self.observation(ObservationType::Event, name)
    }

    pub fn observation(&self, kind: ObservationType, name: &str) -> ObservationBuilder {
        ObservationBuilder::new(self.tracer.clone(), Some(self.id.clone()), None, kind, name)
    }

    pub fn complete(&self, output: impl Serialize) -> Result<(), Violation> {
        self.end(End::completed().output(output))
    }

    pub fn fail(&self, error: impl Display) -> Result<(), Violation> {
        self.end(End::failed(error.to_string()))
    }

    pub fn end(&self, end: End) -> Result<(), Violation> {
        self.tracer.lock().end_trace(&self.id, end)
    }

    /// Ends it at a time measured elsewhere.
    pub fn end_at(&self, at: Timestamp, end: End) -> Result<(), Violation> {
        self.tracer.lock().end_trace_at(&self.id, at, end)
    }

    pub fn status(&self) -> Option<Status> {
        self.tracer
            .with_store(|store| store.trace(&self.id).map(|e| e.trace().status))
    }
}

/// Declares an observation; `start()` records it.
pub struct ObservationBuilder {
    tracer: Tracer,
    observation: Observation,
    started_at: Option<Timestamp>,
}

impl ObservationBuilder {
    fn new(
        tracer: Tracer,
        trace_id: Option<String>,
        parent_id: Option<String>,
        kind: ObservationType,
        name: &str,
    ) -> ObservationBuilder {
        let mut observation =
            Observation::new(String::new(), kind, name, Timestamp::from_unix_nanos(0));
        observation.trace_id = trace_id;
        observation.parent_id = parent_id;
        ObservationBuilder {
            tracer,
            observation,
            started_at: None,
        }
    }

    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.observation.id = id.into();
        self
    }
    pub fn kind(mut self, kind: ObservationType) -> Self {
        self.observation.kind = kind;
        self.observation.type_label = None;
        self
    }
    /// A free-form type ("retrieval", "function"…): mapped to the nearest
    /// of the ten types, and kept as given.
    pub fn type_label(mut self, label: &str) -> Self {
        let (kind, exact) = ObservationType::nearest(label);
        self.observation.kind = kind;
        self.observation.type_label = (!exact).then(|| label.to_string());
        self
    }
    pub fn input(mut self, input: impl Serialize) -> Self {
        self.observation.input = Some(Json::new(&input));
        self
    }
    pub fn metadata(mut self, metadata: impl Serialize) -> Self {
        self.observation.metadata = Some(Json::new(&metadata));
        self
    }
    pub fn level(mut self, level: Level) -> Self {
        self.observation.level = level;
        self
    }
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.observation.provider = Some(provider.into());
        self
    }
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.observation.model = Some(model.into());
        self
    }
    /// A JSON object (`json!({"temperature": 0.2})`).
    pub fn model_parameters(mut self, parameters: Value) -> Self {
        let parameters = super::object(parameters);
        self.observation.model_parameters = Some(parameters);
        self
    }
    pub fn prompt(mut self, name: impl Into<String>, version: Option<u32>) -> Self {
        self.observation.prompt_name = Some(name.into());
        self.observation.prompt_version = version;
        self
    }
    pub fn template(mut self, template: impl Into<String>) -> Self {
        self.observation.template = Some(template.into());
        self
    }
    /// A JSON object (`json!({"name": "John"})`).
    pub fn variables(mut self, variables: Value) -> Self {
        let variables = super::object(variables);
        self.observation.variables = Some(variables);
        self
    }
    pub fn started_at(mut self, at: Timestamp) -> Self {
        self.started_at = Some(at);
        self
    }

    pub fn start(self) -> Result<ObservationHandle, Violation> {
        let ObservationBuilder {
            tracer,
            mut observation,
            started_at,
        } = self;
        let id = {
            let mut recorder = tracer.lock();
            observation.started_at = started_at.unwrap_or_else(|| recorder.now());
            if observation.id.is_empty() {
                observation.id = recorder.new_id();
            }
            let id = observation.id.clone();
            recorder.start_observation(observation)?;
            id
        };
        Ok(ObservationHandle { tracer, id })
    }
}

/// A recorded observation.
#[derive(Clone)]
pub struct ObservationHandle {
    tracer: Tracer,
    id: String,
}

impl ObservationHandle {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn span(&self, name: &str) -> ObservationBuilder {
        self.observation(ObservationType::Span, name)
    }

    pub fn generation(&self, name: &str) -> ObservationBuilder {
        self.observation(ObservationType::Generation, name)
    }

    pub fn event(&self, name: &str) -> ObservationBuilder {
        self.observation(ObservationType::Event, name)
    }

    /// The trace it belongs to (`None` for an LLM call without trace).
    pub fn trace_id(&self) -> Option<String> {
        self.tracer
            .with_store(|store| store.observation(&self.id).and_then(|o| o.trace_id.clone()))
    }

    /// A child. If this observation has no trace, the child will be
    /// refused at `start()` (`ParentWithoutTrace`).
    pub fn observation(&self, kind: ObservationType, name: &str) -> ObservationBuilder {
        let trace_id = self.trace_id();
        ObservationBuilder::new(
            self.tracer.clone(),
            trace_id,
            Some(self.id.clone()),
            kind,
            name,
        )
    }

    pub fn complete(&self, output: impl Serialize) -> Result<(), Violation> {
        self.end(End::completed().output(output))
    }

    pub fn fail(&self, error: impl Display) -> Result<(), Violation> {
        self.end(End::failed(error.to_string()))
    }

    pub fn end(&self, end: End) -> Result<(), Violation> {
        self.tracer.lock().end_observation(&self.id, end)
    }

    /// Ends it at a time measured elsewhere.
    pub fn end_at(&self, at: Timestamp, end: End) -> Result<(), Violation> {
        self.tracer.lock().end_observation_at(&self.id, at, end)
    }

    pub fn status(&self) -> Option<Status> {
        self.tracer
            .with_store(|store| store.observation(&self.id).map(|o| o.status))
    }
}
