//! Changing what a stored trace or observation says, without ending it:
//! the `update` of Langfuse's and OpenTelemetry's handles. An update sets
//! the fields it names and leaves the rest, never the status or the times
//! (ending is `end_trace`/`end_observation`), and passes the same limits as
//! any record. As in Langfuse, metadata merges (an object's keys are added
//! to the stored object's, a key given again replaces its value) and tags
//! are added to a trace's; every other field is replaced.

use serde_json::{Map, Value};

use crate::json::Json;
use crate::model::{Cost, Level, Trace, Usage};
use crate::rules::{Subject, Violation};
use crate::time::Timestamp;

use super::write::check_observation;
use super::Store;

/// What an observation's update sets; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Update {
    pub output: Option<Json>,
    pub metadata: Option<Json>,
    pub level: Option<Level>,
    pub status_message: Option<String>,
    pub model: Option<String>,
    pub model_parameters: Option<Map<String, Value>>,
    pub usage: Option<Usage>,
    pub cost: Option<Cost>,
    pub completion_start_time: Option<Timestamp>,
}

/// What a trace's update sets; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceUpdate {
    pub name: Option<String>,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub tags: Option<Vec<String>>,
    pub input: Option<Json>,
    pub output: Option<Json>,
    pub metadata: Option<Json>,
}

impl Store {
    /// Sets what `update` names on a stored observation, ended or not.
    pub fn update_observation(&mut self, id: &str, update: Update) -> Result<(), Violation> {
        let mut observation = self
            .observation(id)
            .ok_or_else(|| Violation::Unknown {
                subject: Subject::Observation(id.to_string()),
            })?
            .clone();
        let Update {
            output,
            metadata,
            level,
            status_message,
            model,
            model_parameters,
            usage,
            cost,
            completion_start_time,
        } = update;
        set(&mut observation.output, output);
        merge_metadata(&mut observation.metadata, metadata);
        set(&mut observation.status_message, status_message);
        set(&mut observation.model, model);
        set(&mut observation.model_parameters, model_parameters);
        set(&mut observation.usage, usage.map(Box::new));
        set(&mut observation.cost, cost.map(Box::new));
        set(
            &mut observation.completion_start_time,
            completion_start_time,
        );
        if let Some(level) = level {
            observation.level = level;
        }
        check_observation(&observation)?;
        // Through the replace path: the model index and facts follow.
        self.put_observation(observation);
        Ok(())
    }

    /// Sets what `update` names on a stored trace, ended or not.
    pub fn update_trace(&mut self, id: &str, update: TraceUpdate) -> Result<(), Violation> {
        let mut trace: Trace = self
            .trace(id)
            .ok_or_else(|| self.unknown_trace(id))?
            .trace()
            .clone();
        let TraceUpdate {
            name,
            session_id,
            user_id,
            tags,
            input,
            output,
            metadata,
        } = update;
        if let Some(name) = name {
            trace.name = name;
        }
        for tag in tags.into_iter().flatten() {
            if !trace.tags.contains(&tag) {
                trace.tags.push(tag);
            }
        }
        set(&mut trace.session_id, session_id);
        set(&mut trace.user_id, user_id);
        set(&mut trace.input, input);
        set(&mut trace.output, output);
        merge_metadata(&mut trace.metadata, metadata);
        super::write::check_trace(&trace)?;
        // Through the replace path: the session and name indexes follow.
        self.put_trace(trace);
        Ok(())
    }
}

/// An object's keys merge into a stored object's; any other value replaces.
fn merge_metadata(field: &mut Option<Json>, value: Option<Json>) {
    let Some(value) = value else { return };
    let merged = match (field.as_ref().and_then(Json::entries), value.entries()) {
        (Some(stored), Some(given)) => Json::from_entries(stored.into_iter().chain(given)),
        _ => value,
    };
    *field = Some(merged);
}

fn set<T>(field: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *field = value;
    }
}
