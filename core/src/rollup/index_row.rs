//! A trace's summary row ([`IndexRow`]): its figures flattened with what
//! the lists show of it, without its observations. Browser storage keeps
//! one beside each trace's record (docs/storage-v2.md), so lists are drawn
//! from rows alone.

use serde::{Deserialize, Serialize};

use super::{trace_figures_by_model, Tokens};
use crate::model::Status;
use crate::rules::duration;
use crate::rules::pricing::PriceTable;
use crate::store::{Store, TraceEntry};
use crate::time::Timestamp;

/// One trace's summary row: what the sessions and traces lists show of it,
/// without its observations. Browser storage keeps one per trace in its
/// `index` store (docs/storage-v2.md), serialized as is; times are Unix
/// milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexRow {
    pub id: String,
    pub name: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub status: Status,
    /// The trace's own start and end.
    pub started_at: f64,
    pub ended_at: Option<f64>,
    /// The trace's duration by core's rule (`rules::duration`), `None`
    /// while the trace runs: what the traces list shows, so a reader of
    /// rows never applies a rule itself.
    pub duration_ms: Option<f64>,
    pub observation_count: usize,
    pub error_count: usize,
    pub llm_call_count: usize,
    pub tokens: Tokens,
    /// Total cost in USD; `None` when nothing in the trace has a known cost.
    pub cost: Option<f64>,
    /// Models its observations name, sorted, each once.
    pub models: Vec<String>,
    pub tags: Vec<String>,
    pub environment: Option<String>,
    /// The extent over the trace and every observation in it: what a
    /// session's extent is made of. `last_end` is the latest end known
    /// (`Figures::last_end`, `None` when nothing has ended), even while
    /// something runs; `running` says whether anything in the trace still
    /// runs (the extent is not final then).
    pub first_start: f64,
    pub last_end: Option<f64>,
    pub running: bool,
    /// The trace's figures per model, as the models rollup counts them
    /// (every observation naming the model), sorted by model. `None` in
    /// rows stored before this field existed: a reader says so, never
    /// guesses a split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_model: Option<Vec<ModelFigures>>,
}

/// What one model did within one trace: the part of the trace's figures
/// made by observations naming it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelFigures {
    pub model: String,
    pub llm_call_count: usize,
    pub error_count: usize,
    pub tokens: Tokens,
    /// Cost in USD; `None` when none of its uses has a known cost.
    pub cost: Option<f64>,
}

impl IndexRow {
    /// The row of a stored trace: its figures and per-model parts as
    /// [`super::rollups`] counts them.
    pub fn of(store: &Store, entry: &TraceEntry, prices: &PriceTable) -> IndexRow {
        let trace = entry.trace();
        let (figures, by_model) = trace_figures_by_model(store, entry, prices);
        // Sorted by model, each once: the models it names.
        let models = by_model.iter().map(|(model, _)| model.clone()).collect();
        let by_model = by_model
            .into_iter()
            .map(|(model, figures)| ModelFigures {
                model,
                llm_call_count: figures.llm_call_count,
                error_count: figures.error_count,
                tokens: figures.tokens,
                cost: figures.cost.total,
            })
            .collect();
        let millis = Timestamp::unix_millis_f64;
        IndexRow {
            id: trace.id.clone(),
            name: trace.name.clone(),
            session_id: trace.session_id.clone(),
            user_id: trace.user_id.clone(),
            status: trace.status,
            started_at: millis(trace.started_at),
            ended_at: trace.ended_at.map(millis),
            duration_ms: duration::duration_ms(trace),
            observation_count: figures.observation_count,
            error_count: figures.error_count,
            llm_call_count: figures.llm_call_count,
            tokens: figures.tokens,
            cost: figures.cost.total,
            models,
            tags: trace.tags.clone(),
            environment: trace.environment.clone(),
            first_start: millis(figures.first_start.unwrap_or(trace.started_at)),
            last_end: figures.last_end.map(millis),
            running: figures.running_count > 0,
            by_model: Some(by_model),
        }
    }
}
