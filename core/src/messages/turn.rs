//! A trace as one turn of a conversation: what the user asked and the
//! answer, for the session page's chat. The rule: the trace's own input and
//! output when they are text or messages; otherwise the turn's LLM calls
//! speak for it (the first call's input, the last answer in text: a reply
//! that only calls tools, or a structured object, is a step). Of a
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
        generations
            .iter()
            .rev()
            .filter_map(|g| of_observation(g).output)
            .find(|messages| says_something(messages))
    });
    Turn { question, answer }
}

/// A trace's input or output as messages; text is what the user said or the
/// answer.
fn trace_side(json: Option<&crate::json::Json>, side: Side) -> Option<Vec<Message>> {
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

/// An answer holds text, not only tool calls (a step on the way).
fn says_something(messages: &[Message]) -> bool {
    messages
        .iter()
        .flat_map(|m| &m.parts)
        .any(|part| matches!(part, Part::Text { text } if !text.trim().is_empty()))
}

/// The last user message of a history; the whole list if none is a user's.
fn last_question(messages: Vec<Message>) -> Vec<Message> {
    match messages.iter().rposition(|m| m.role == Role::User) {
        Some(i) => vec![messages[i].clone()],
        None => messages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, Trace};
    use crate::store::Store;
    use crate::time::Timestamp;
    use serde_json::json;

    fn generation(id: &str, at: i64, input: Value, output: Value) -> Observation {
        let mut o = Observation::new(
            id,
            ObservationType::Generation,
            "llm",
            Timestamp::from_unix_nanos(at),
        );
        o.trace_id = Some("t".into());
        o.input = Some(input.into());
        o.output = Some(output.into());
        o
    }

    #[test]
    fn turn_without_trace_io_is_the_first_question_and_the_last_text_answer() {
        let mut store = Store::new();
        store
            .add_trace(Trace::new("t", "chat", Timestamp::from_unix_nanos(0)))
            .unwrap();
        let history = json!([{"role": "user", "content": "Earlier"}, {"role": "assistant", "content": "Yes"}, {"role": "user", "content": "Where is my order?"}]);
        let calls = json!({"role": "assistant", "content": null, "tool_calls": [{"id": "c", "function": {"name": "look", "arguments": "{}"}}]});
        store
            .add_observation(generation("a", 1, history, calls))
            .unwrap();
        store
            .add_observation(generation("b", 2, json!("…"), json!("It ships today.")))
            .unwrap();
        store
            .add_observation(generation(
                "c",
                3,
                json!("classify"),
                json!({"category": "shipping"}),
            ))
            .unwrap();
        let turn = turn(store.trace("t").unwrap());
        let question = turn.question.unwrap();
        assert_eq!(question.len(), 1);
        assert_eq!(
            question[0].parts,
            [Part::Text {
                text: "Where is my order?".into()
            }]
        );
        assert_eq!(
            turn.answer.unwrap()[0].parts,
            [Part::Text {
                text: "It ships today.".into()
            }]
        );
    }
}
