//! Rule: how a trace is derived from its spans, as Langfuse's server does.
//!
//! OTLP has no trace record: every span becomes an observation (the root
//! included), and the trace takes its name from `langfuse.trace.name`, else
//! the root span (the one without a parent), else what is stored, else the
//! earliest span; its input and output from `langfuse.trace.input/output`,
//! else the root span's; session, user, tags, environment and release from
//! the first span that names them; its times span all of its spans. It has
//! ended when every span has, and failed when its root span failed.
//!
//! A trace written by our exporter has a span of its own (marked
//! `prompttrace.trace`) that carries the trace record exactly.
//!
//! A file may hold part of a trace whose other spans are already stored:
//! [`TraceDraft::derive`] then widens the stored trace rather than
//! replacing it.

use super::attributes::TraceFields;
use super::ids::{SpanId, TraceId};
use super::values::payload;

/// A span of the file, as OTLP names it.
pub(crate) type SpanKey = (TraceId, SpanId);
use crate::json::Json;
use crate::model::{Observation, Status, Trace};
use crate::time::Timestamp;

/// What one span says about its trace, owned.
pub(crate) struct SpanFacts<'a> {
    fields: TraceFields<'a>,
    pub trace_span: bool,
}

impl<'a> SpanFacts<'a> {
    pub fn new(fields: TraceFields<'a>, trace_span: bool) -> SpanFacts<'a> {
        SpanFacts { fields, trace_span }
    }

    /// The trace record a trace span of ours stands for.
    pub fn into_trace(self, id: String, span: Observation) -> Trace {
        let mut draft = TraceDraft::new(id);
        draft.add(self, &span, true, SpanKey::default());
        let mut trace = draft.derive(None, false);
        trace.status = span.status;
        trace.status_message = span.status_message;
        trace.started_at = span.started_at;
        trace.ended_at = span.ended_at;
        trace
    }
}

/// Everything a file's spans say about one trace.
pub(crate) struct TraceDraft {
    pub id: String,
    pub explicit: Option<Trace>,
    name_attribute: Option<String>,
    /// The root span's start and name, and which span it is.
    root: Option<(Timestamp, String)>,
    root_span: SpanKey,
    earliest: Option<(Timestamp, String)>,
    session: Option<String>,
    user: Option<String>,
    tags: Vec<String>,
    input: Option<Json>,
    output: Option<Json>,
    root_input: Option<Json>,
    root_output: Option<Json>,
    metadata: Vec<(String, Json)>,
    /// Trace metadata given whole that is not an object.
    metadata_whole: Option<Json>,
    environment: Option<String>,
    release: Option<String>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    /// Spans seen running; the reader drops those a later copy ended.
    pub running: Vec<SpanKey>,
    root_failed: Option<Option<String>>,
}

impl TraceDraft {
    pub fn new(id: String) -> TraceDraft {
        TraceDraft {
            id,
            explicit: None,
            name_attribute: None,
            root: None,
            root_span: SpanKey::default(),
            earliest: None,
            session: None,
            user: None,
            tags: Vec::new(),
            input: None,
            output: None,
            root_input: None,
            root_output: None,
            metadata: Vec::new(),
            metadata_whole: None,
            environment: None,
            release: None,
            start: None,
            end: None,
            running: Vec::new(),
            root_failed: None,
        }
    }

    /// Takes in one span (its observation, and whether it has no parent).
    pub fn add(
        &mut self,
        facts: SpanFacts,
        observation: &Observation,
        is_root: bool,
        span: SpanKey,
    ) {
        let at = observation.started_at;
        let mut fields = facts.fields;
        // The earliest root; a later state of the same span (a running copy,
        // then the ended one) replaces what it said.
        let earlier = |(first, _): &(Timestamp, String)| at < *first;
        if is_root && (self.root.as_ref().is_none_or(earlier) || self.root_span == span) {
            self.root = Some((at, observation.name.clone()));
            self.root_span = span;
            self.root_input = observation.input.clone();
            self.root_output = observation.output.clone();
            // Failed, or logged at level ERROR (Langfuse's only error mark).
            self.root_failed = crate::rules::lifecycle::is_error(observation)
                .then(|| observation.status_message.clone());
        }
        if self.earliest.as_ref().is_none_or(|(first, _)| at < *first) {
            self.earliest = Some((at, observation.name.clone()));
        }
        self.start = Some(self.start.map_or(at, |s| s.min(at)));
        match observation.ended_at {
            Some(end) => self.end = Some(self.end.map_or(end, |e| e.max(end))),
            None => self.running.push(span),
        }
        let first = |held: &mut Option<String>, offered: Option<String>, prefer: bool| {
            if let Some(value) = offered.filter(|v| !v.is_empty()) {
                if held.is_none() || prefer {
                    *held = Some(value);
                }
            }
        };
        first(&mut self.name_attribute, fields.name, is_root);
        first(&mut self.session, fields.session.take(), is_root);
        first(&mut self.user, fields.user.take(), is_root);
        first(&mut self.environment, fields.environment.take(), false);
        first(&mut self.release, fields.release, false);
        for tag in fields.tags.take().unwrap_or_default() {
            if !self.tags.contains(&tag) {
                self.tags.push(tag);
            }
        }
        if fields.input.is_some() && (self.input.is_none() || is_root) {
            self.input = fields.input;
        }
        if fields.output.is_some() && (self.output.is_none() || is_root) {
            self.output = fields.output;
        }
        if let Some(object) = fields.metadata_object.into_value() {
            match object.entries() {
                Some(entries) => self.metadata.extend(entries),
                None => self.metadata_whole = Some(object),
            }
        }
        for (key, value) in fields.metadata {
            self.metadata.push((key.into_owned(), payload(value)));
        }
    }

    /// The trace, given what is already stored under its id and whether a
    /// stored span this file does not replace is still running.
    pub fn derive(&self, stored: Option<&Trace>, stored_running: bool) -> Trace {
        if let Some(trace) = &self.explicit {
            return trace.clone();
        }
        let name = self
            .name_attribute
            .clone()
            .or_else(|| self.root.as_ref().map(|(_, n)| n.clone()))
            .or_else(|| stored.map(|t| t.name.clone()))
            .or_else(|| self.earliest.as_ref().map(|(_, n)| n.clone()))
            .unwrap_or_default();
        let mut start = self.start.expect("a draft has at least one span");
        let mut end = self.end;
        if let Some(stored) = stored {
            start = start.min(stored.started_at);
            end = match (end, stored.ended_at) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        // Without its root span, a file cannot clear a stored failure.
        let failed = match (&self.root, stored) {
            (None, Some(stored)) if stored.status == Status::Error => {
                Some(stored.status_message.clone())
            }
            _ => self.root_failed.clone(),
        };
        let status = match (&failed, !self.running.is_empty() || stored_running) {
            (_, true) => Status::Running,
            (Some(_), false) => Status::Error,
            (None, false) => Status::Completed,
        };
        let mut tags = stored.map(|t| t.tags.clone()).unwrap_or_default();
        for tag in &self.tags {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        let mut metadata = match stored.and_then(|t| t.metadata.as_ref()) {
            Some(stored) => stored
                .entries()
                .unwrap_or_else(|| vec![("metadata".to_string(), stored.clone())]),
            None => Vec::new(),
        };
        metadata.extend(self.metadata.iter().cloned());
        let metadata = match (&self.metadata_whole, metadata.is_empty()) {
            (Some(whole), true) => Some(whole.clone()),
            (Some(whole), false) => Some(Json::from_entries(
                metadata
                    .into_iter()
                    .chain([("metadata".to_string(), whole.clone())]),
            )),
            (None, true) => None,
            (None, false) => Some(Json::from_entries(metadata)),
        };
        let keep = |mine: &Option<String>, theirs: Option<&Option<String>>| {
            mine.clone().or_else(|| theirs.cloned().flatten())
        };
        Trace {
            id: self.id.clone(),
            name,
            session_id: keep(&self.session, stored.map(|t| &t.session_id)),
            user_id: keep(&self.user, stored.map(|t| &t.user_id)),
            status,
            started_at: start,
            ended_at: end.filter(|_| status.is_ended()),
            status_message: failed
                .flatten()
                .or_else(|| stored.and_then(|t| t.status_message.clone())),
            input: self
                .input
                .clone()
                .or_else(|| self.root_input.clone())
                .or_else(|| stored.and_then(|t| t.input.clone())),
            output: self
                .output
                .clone()
                .or_else(|| self.root_output.clone())
                .or_else(|| stored.and_then(|t| t.output.clone())),
            metadata,
            tags,
            environment: keep(&self.environment, stored.map(|t| &t.environment)),
            release: keep(&self.release, stored.map(|t| &t.release)),
        }
    }
}
