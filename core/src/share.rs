//! **The rule** of what a shared trace carries (the viewer's "Copy link"
//! and "Download as HTML"): the traces' own records as native JSON Lines
//! (`format::jsonl`, read back by `format::import_jsonl`), with what the
//! user chose to leave out removed before anything leaves the page.
//!
//! - `content` (drop inputs and outputs): every field that carries what
//!   went into or came out of a step — `input`, `output` and
//!   `status_message` of the trace and of each observation (an error's
//!   message often quotes the request or the answer), and a prompt's
//!   `template` and `variables`. Copies of the same in the metadata go
//!   too: an OTLP import keeps a span's events under `metadata.events`
//!   (the GenAI message and choice events, exceptions with their message
//!   and stack) — each keeps its name, its time and an exception's
//!   `exception.type`, every other attribute of it goes — and attributes
//!   under `metadata.attributes`, of which every key the OTLP conventions
//!   read as input, output, messages, system prompt, status message,
//!   prompt template or variables (`format::otlp::carries_content`) is
//!   dropped. Attributes no convention names stay (only `metadata` drops
//!   them). The status and level stay, so errors are still marked.
//! - `metadata` (drop metadata): the free-form `metadata` of the trace and
//!   of each observation.
//! - `who` (drop user and session ids): the trace's `user_id` and
//!   `session_id`.
//!
//! Always kept: ids, names, types, the tree, times, statuses, models,
//! model parameters, usage, cost, prompt names and versions, tags,
//! environment and release, and (unless `who`) the user and session ids —
//! the shape and figures of the run.

use crate::format::jsonl::{header_line, observation_line, trace_line};
use crate::format::otlp::carries_content;
use crate::json::Json;
use crate::model::{Observation, Trace};
use crate::store::Store;

/// The metadata key under which an OTLP import keeps a span's events.
const EVENTS: &str = "events";
/// The metadata key under which an OTLP import keeps attributes as they are.
const ATTRIBUTES: &str = "attributes";

/// What a shared trace leaves out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Inputs, outputs, status messages, templates and variables.
    pub content: bool,
    /// Free-form metadata.
    pub metadata: bool,
    /// The user and session ids.
    pub who: bool,
}

impl Redaction {
    /// A trace record with what this redaction leaves out removed.
    pub fn trace(self, trace: &Trace) -> Trace {
        let mut trace = trace.clone();
        if self.content {
            trace.input = None;
            trace.output = None;
            trace.status_message = None;
            trace.metadata = trace.metadata.as_ref().map(without_content);
        }
        if self.metadata {
            trace.metadata = None;
        }
        if self.who {
            trace.user_id = None;
            trace.session_id = None;
        }
        trace
    }

    /// An observation record with what this redaction leaves out removed.
    pub fn observation(self, observation: &Observation) -> Observation {
        let mut observation = observation.clone();
        if self.content {
            observation.input = None;
            observation.output = None;
            observation.status_message = None;
            observation.template = None;
            observation.variables = None;
            observation.metadata = observation.metadata.as_ref().map(without_content);
        }
        if self.metadata {
            observation.metadata = None;
        }
        observation
    }
}

/// Metadata without the copies of content an OTLP import keeps in it: what
/// the span's events say, and the attributes the conventions read as
/// content.
fn without_content(metadata: &Json) -> Json {
    let Some(entries) = metadata.entries() else {
        return metadata.clone();
    };
    let kept = entries.into_iter().map(|(key, value)| match key.as_str() {
        EVENTS => (key, events_without_content(&value)),
        ATTRIBUTES => (key, attributes_without_content(&value)),
        _ => (key, value),
    });
    Json::from_entries(kept)
}

/// The attributes of an event that say only what happened, not what was
/// said: the kind of error (its message and stack can quote the request).
const EVENT_ATTRIBUTES_KEPT: [&str; 1] = ["exception.type"];

/// A span's events with only their name, time and `EVENT_ATTRIBUTES_KEPT`.
fn events_without_content(events: &Json) -> Json {
    let Ok(serde_json::Value::Array(events)) = events.to_value() else {
        return Json::new(&serde_json::Value::Array(Vec::new()));
    };
    let kept: Vec<serde_json::Value> = events
        .into_iter()
        .map(|event| {
            let mut kept = serde_json::Map::new();
            for field in ["name", "time"] {
                if let Some(value) = event.get(field) {
                    kept.insert(field.into(), value.clone());
                }
            }
            let attributes: serde_json::Map<String, serde_json::Value> = event
                .get("attributes")
                .and_then(serde_json::Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(key, _)| EVENT_ATTRIBUTES_KEPT.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            if !attributes.is_empty() {
                kept.insert("attributes".into(), attributes.into());
            }
            kept.into()
        })
        .collect();
    Json::new(&kept)
}

fn attributes_without_content(attributes: &Json) -> Json {
    match attributes.entries() {
        Some(entries) => {
            Json::from_entries(entries.into_iter().filter(|(key, _)| !carries_content(key)))
        }
        None => attributes.clone(),
    }
}

/// The traces `ids` names (those the store holds, in the order given) as
/// one native JSON Lines file, redacted: the header, then each trace's
/// line and its observations in the timeline's order. `None` when the
/// store holds none of them.
pub fn shared_lines(store: &Store, ids: &[String], redaction: Redaction) -> Option<String> {
    let mut text = header_line();
    let mut any = false;
    for entry in ids.iter().filter_map(|id| store.trace(id)) {
        any = true;
        text.push_str(&trace_line(&redaction.trace(entry.trace())));
        for observation in entry.observations_in_order() {
            text.push_str(&observation_line(&redaction.observation(observation)));
        }
    }
    any.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{import_jsonl, jsonl};
    use crate::model::{ObservationType, Status};
    use crate::{Json, Timestamp};
    use serde_json::json;

    const SECRET: &str = "the secret prompt";

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_nanos(ms * 1_000_000)
    }

    /// A trace whose every content field and metadata holds `SECRET`.
    fn store() -> Store {
        store_with(|_, _| {})
    }

    /// `store()`'s trace and call, changed by `edit` before they are added.
    fn store_with(edit: impl FnOnce(&mut Trace, &mut Observation)) -> Store {
        let mut store = Store::new();
        let mut trace = Trace::new("t1", "support", at(0));
        trace.input = Some(Json::new(&json!({ "question": SECRET })));
        trace.output = Some(Json::new(&json!(SECRET)));
        trace.metadata = Some(Json::new(&json!({ "note": SECRET })));
        trace.session_id = Some("s1".into());
        trace.tags = vec!["prod".into()];
        let mut call = Observation::new("o1", ObservationType::Generation, "answer", at(1));
        call.trace_id = Some("t1".into());
        call.model = Some("gpt-4o-mini".into());
        call.input = Some(Json::new(&json!([{ "role": "user", "content": SECRET }])));
        call.output = Some(Json::new(&json!(SECRET)));
        call.metadata = Some(Json::new(&json!({ "note": SECRET })));
        call.template = Some(format!("Answer: {SECRET}"));
        call.variables = Some(json!({ "q": SECRET }).as_object().unwrap().clone());
        call.status = Status::Error;
        call.status_message = Some(format!("refused: {SECRET}"));
        call.ended_at = Some(at(5));
        edit(&mut trace, &mut call);
        store.add_trace(trace).unwrap();
        store.add_observation(call).unwrap();
        store
    }

    fn ids() -> Vec<String> {
        vec!["t1".into()]
    }

    #[test]
    fn without_redaction_the_lines_are_the_stored_record() {
        let store = store();
        let shared = shared_lines(&store, &ids(), Redaction::default()).unwrap();
        assert_eq!(shared, jsonl::write_trace(&store, "t1").unwrap());
    }

    #[test]
    fn dropping_content_leaves_no_input_output_message_template_or_variables() {
        let store = store();
        let redaction = Redaction {
            content: true,
            ..Redaction::default()
        };
        let shared = shared_lines(&store, &ids(), redaction).unwrap();
        // Only the metadata still holds it, twice (trace and call).
        assert_eq!(shared.matches(SECRET).count(), 2, "{shared}");
        let mut back = Store::new();
        import_jsonl(&mut back, "shared", shared.as_bytes()).unwrap();
        let trace = back.trace("t1").unwrap().trace();
        assert_eq!((trace.input.as_ref(), trace.output.as_ref()), (None, None));
        assert_eq!(trace.session_id.as_deref(), Some("s1"));
        assert_eq!(trace.tags, ["prod"]);
        let call = back.observation("o1").unwrap();
        assert!(call.input.is_none() && call.output.is_none());
        assert!(call.template.is_none() && call.variables.is_none());
        assert!(call.status_message.is_none());
        // What the run was stays: its status, model, times.
        assert_eq!(call.status, Status::Error);
        assert_eq!(call.model.as_deref(), Some("gpt-4o-mini"));
        assert_eq!(call.ended_at, Some(at(5)));
    }

    #[test]
    fn dropping_metadata_keeps_the_content() {
        let store = store();
        let redaction = Redaction {
            metadata: true,
            ..Redaction::default()
        };
        let shared = shared_lines(&store, &ids(), redaction).unwrap();
        assert!(!shared.contains("\"metadata\""), "{shared}");
        assert!(shared.contains(&format!("refused: {SECRET}")));
    }

    #[test]
    fn dropping_both_leaves_no_trace_of_the_secret() {
        let store = store();
        let redaction = Redaction {
            content: true,
            metadata: true,
            who: false,
        };
        let shared = shared_lines(&store, &ids(), redaction).unwrap();
        assert!(!shared.contains(SECRET), "{shared}");
    }

    #[test]
    fn dropping_content_drops_events_and_content_attributes_from_metadata() {
        let store = store_with(|_, call| {
            call.metadata = Some(Json::new(&json!({
                "note": "kept",
                "events": [
                    { "name": "gen_ai.user.message", "time": "2025-01-01T00:00:00Z", "attributes": { "content": SECRET } },
                    { "name": "exception", "attributes": {
                        "exception.type": "ValueError",
                        "exception.message": SECRET,
                        "exception.stacktrace": SECRET,
                        "gen_ai.completion": SECRET,
                    } },
                ],
                "attributes": {
                    "gen_ai.prompt.0.content": SECRET,
                    "llm.prompt_template.template": SECRET,
                    "llm.prompt_template.variables": SECRET,
                    "gen_ai.completion": SECRET,
                    "gen_ai.system_instructions": SECRET,
                    "gen_ai.request.temperature": 0.5,
                    "custom.flag": "kept too",
                },
            })))
        });
        let redaction = Redaction {
            content: true,
            ..Redaction::default()
        };
        let shared = shared_lines(&store, &ids(), redaction).unwrap();
        let mut back = Store::new();
        import_jsonl(&mut back, "shared", shared.as_bytes()).unwrap();
        let metadata = back.observation("o1").unwrap().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.to_value().unwrap(),
            json!({
                "note": "kept",
                // Each event's name and time stay (what happened, and when).
                "events": [
                    { "name": "gen_ai.user.message", "time": "2025-01-01T00:00:00Z" },
                    { "name": "exception", "attributes": { "exception.type": "ValueError" } },
                ],
                "attributes": { "gen_ai.request.temperature": 0.5, "custom.flag": "kept too" },
            })
        );
    }

    #[test]
    fn dropping_who_leaves_no_user_or_session_id() {
        let store = store_with(|trace, _| trace.user_id = Some("user-42".into()));
        let redaction = Redaction {
            who: true,
            ..Redaction::default()
        };
        let shared = shared_lines(&store, &ids(), redaction).unwrap();
        assert!(
            !shared.contains("user-42") && !shared.contains("\"s1\""),
            "{shared}"
        );
        // Nothing else goes.
        assert!(shared.contains(&format!("refused: {SECRET}")));
        assert!(shared.contains("\"metadata\""));
    }

    #[test]
    fn traces_the_store_lacks_are_skipped_and_none_gives_nothing() {
        let store = store();
        let shared = shared_lines(&store, &["nope".into(), "t1".into()], Redaction::default());
        assert_eq!(shared, jsonl::write_trace(&store, "t1"));
        assert_eq!(
            shared_lines(&store, &["nope".into()], Redaction::default()),
            None
        );
    }
}
