//! The index row unit tests start from: one finished (or running) trace
//! with nothing in it.

use super::{IndexRow, Tokens};
use crate::model::Status;

/// A row named `name` (its id too, with its start), started at
/// `started_at` ms, lasting `duration` ms (`None`: running); no model.
pub fn row(name: &str, started_at: f64, duration: Option<f64>) -> IndexRow {
    IndexRow {
        id: format!("{name}@{started_at}"),
        name: name.to_string(),
        session_id: None,
        user_id: None,
        status: Status::Completed,
        started_at,
        ended_at: duration.map(|d| started_at + d),
        duration_ms: duration,
        observation_count: 1,
        error_count: 0,
        llm_call_count: 0,
        tokens: Tokens::default(),
        cost: None,
        models: vec![],
        tags: vec![],
        environment: None,
        first_start: started_at,
        last_end: duration.map(|d| started_at + d),
        running: duration.is_none(),
        by_model: Some(vec![]),
    }
}
