//! Figures of groups drawn from index rows alone: what a list of sessions
//! needs when only the rows are read (the viewer's start, a million spans).
//! A row becomes the trace's [`Figures`] and goes through the same
//! [`Group`] as the store's rollups, so both ways give the same sums.

use std::collections::BTreeMap;

use super::{CostTotals, Figures, Group, IndexRow, Tokens};
use crate::hash::HashMap;
use crate::time::Timestamp;

/// A session's figures, as the sessions list shows them.
pub type SessionRow = Figures;

impl IndexRow {
    /// The trace's figures as far as its row holds them: the cost is its
    /// total only, and `running_count` is 1 when anything in it runs.
    pub fn figures(&self) -> Figures {
        let at = |millis: f64| Timestamp::from_unix_millis_f64(millis);
        Figures {
            observation_count: self.observation_count,
            first_start: at(self.first_start),
            last_end: self.last_end.and_then(at),
            running_count: usize::from(self.running),
            ..Figures::one_trace(
                self.llm_call_count,
                self.error_count,
                self.tokens,
                self.cost,
            )
        }
    }
}

impl Figures {
    /// One trace's counts and total cost, nothing else known.
    pub(super) fn one_trace(
        llm_call_count: usize,
        error_count: usize,
        tokens: Tokens,
        cost: Option<f64>,
    ) -> Figures {
        Figures {
            trace_count: 1,
            llm_call_count,
            error_count,
            tokens,
            cost: CostTotals {
                total: cost,
                ..CostTotals::default()
            },
            ..Figures::default()
        }
    }
}

/// Every session's figures, from the rows of its traces.
pub fn sessions_of_rows<'a>(
    rows: impl IntoIterator<Item = &'a IndexRow>,
) -> BTreeMap<String, SessionRow> {
    let mut sessions: HashMap<&str, Group> = HashMap::default();
    for row in rows {
        if let Some(session) = row.session_id.as_deref() {
            sessions
                .entry(session)
                .or_default()
                .add_trace(&row.figures(), row.duration_ms);
        }
    }
    sessions
        .into_iter()
        .map(|(id, group)| (id.to_string(), group.finish()))
        .collect()
}
