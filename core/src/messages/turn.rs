//! A trace as one turn of a conversation: what the user asked and the
//! answer, for the session page's chat. The rule: the trace's own input and
//! output when they are text or messages; otherwise the turn's LLM calls
//! speak for it (the first call's input, the last call's output). Of a
//! whole history sent as input, the turn's question is the last user
//! message.

use serde::Serialize;
use serde_json::Value;

use super::{of_observation, read, Message, Part, Role, Side};
use crate::model::ObservationType;
use crate::store::TraceEntry;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Turn {
    pub question: Option<Vec<Message>>,
    pub answer: Option<Vec<Message>>,
}

pub fn turn(entry: &TraceEntry) -> Turn {
    let trace = entry.trace();
    let generations: Vec<_> = entry
        .observations_in_order()
        .into_iter()
        .filter(|o| o.kind == ObservationType::Generation)
        .collect();
    let question = trace_side(trace.input.as_ref(), Side::Input)
        .or_else(|| of_observation(generations.first()?).input)
        .map(last_question);
    let answer = trace_side(trace.output.as_ref(), Side::Output).or_else(|| {
        let last = generations.iter().rev().find(|g| g.output.is_some())?;
        of_observation(last).output
    });
    Turn { question, answer }
}

/// A trace's input or output as messages; text is what the user said or the
/// answer.
fn trace_side(json: Option<&crate::Json>, side: Side) -> Option<Vec<Message>> {
    match json?.to_value().ok()? {
        Value::String(text) => read(&Value::String(text.clone()), side).or_else(|| {
            Some(vec![Message {
                role: side.default_role(),
                name: None,
                parts: vec![Part::Text { text }],
            }])
        }),
        value => read(&value, side),
    }
}

/// The last user message of a history; the whole list if none is a user's.
fn last_question(messages: Vec<Message>) -> Vec<Message> {
    match messages.iter().rposition(|m| m.role == Role::User) {
        Some(i) => vec![messages[i].clone()],
        None => messages,
    }
}
