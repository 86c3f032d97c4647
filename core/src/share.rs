//! **The rule** of what a shared trace carries (the viewer's "Copy link"
//! and "Download as HTML"): the traces' own records as native JSON Lines
//! (`format::jsonl`, read back by `format::import_jsonl`), with what the
//! user chose to leave out removed before anything leaves the page.
//!
//! - `content` (drop inputs and outputs): every field that carries what
//!   went into or came out of a step — `input`, `output` and
//!   `status_message` of the trace and of each observation (an error's
//!   message often quotes the request or the answer), and a prompt's
//!   `template` and `variables`. The status and level stay, so errors are
//!   still marked.
//! - `metadata` (drop metadata): the free-form `metadata` of the trace and
//!   of each observation.
//!
//! Always kept: ids, names, types, the tree, times, statuses, models,
//! model parameters, usage, cost, prompt names and versions, the session,
//! user, tags, environment and release — the shape and figures of the run.

use crate::format::jsonl::{header_line, observation_line, trace_line};
use crate::model::{Observation, Trace};
use crate::store::Store;

/// What a shared trace leaves out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Inputs, outputs, status messages, templates and variables.
    pub content: bool,
    /// Free-form metadata.
    pub metadata: bool,
}

impl Redaction {
    /// A trace record with what this redaction leaves out removed.
    pub fn trace(self, trace: &Trace) -> Trace {
        let mut trace = trace.clone();
        if self.content {
            trace.input = None;
            trace.output = None;
            trace.status_message = None;
        }
        if self.metadata {
            trace.metadata = None;
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
        }
        if self.metadata {
            observation.metadata = None;
        }
        observation
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
        let mut store = Store::new();
        let mut trace = Trace::new("t1", "support", at(0));
        trace.input = Some(Json::new(&json!({ "question": SECRET })));
        trace.output = Some(Json::new(&json!(SECRET)));
        trace.metadata = Some(Json::new(&json!({ "note": SECRET })));
        trace.session_id = Some("s1".into());
        trace.tags = vec!["prod".into()];
        store.add_trace(trace).unwrap();
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
            metadata: false,
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
            content: false,
            metadata: true,
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
        };
        let shared = shared_lines(&store, &ids(), redaction).unwrap();
        assert!(!shared.contains(SECRET), "{shared}");
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
