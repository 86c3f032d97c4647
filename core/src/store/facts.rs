//! What rollups read of one observation. The store keeps one row beside
//! each observation, so a rollup scans a small array instead of the full
//! records (a million observations in tens of milliseconds).

use crate::model::{Cost, Observation};
use crate::rules::lifecycle::is_error;
use crate::rules::usage::Tokens;
use crate::time::Timestamp;

#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub llm_call: bool,
    /// `lifecycle::is_error`.
    pub error: bool,
    /// The model, numbered by the store (`Store::model_name`).
    pub model: Option<u32>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub tokens: Tokens,
    /// The cost as recorded, if any.
    pub cost: Option<Cost>,
}

impl Facts {
    pub fn of(observation: &Observation, model: Option<u32>) -> Facts {
        let usage = observation.usage.as_ref();
        Facts {
            started_at: observation.started_at,
            ended_at: observation.ended_at,
            llm_call: observation.is_llm_call(),
            error: is_error(observation),
            model,
            input_tokens: usage.and_then(|u| u.input),
            output_tokens: usage.and_then(|u| u.output),
            tokens: Tokens::of(observation),
            cost: observation.cost.as_deref().cloned(),
        }
    }
}
