//! Which index rows a list keeps ([`RowFilter`]): the traces page's and
//! the dashboard's filters, one rule for both. Text fields match any part
//! of the value, case ignored; the model is one of the trace's models
//! exactly; a tag is any of its tags containing the text (case kept, as
//! tags are keys); the time bounds hold the trace's start, inclusive.
//! An empty field keeps every row.

use super::IndexRow;
use crate::model::Status;
use crate::time::Timestamp;

/// What a list is filtered by. `Default` keeps every row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowFilter {
    pub name: String,
    pub status: Option<Status>,
    pub session: String,
    pub user: String,
    pub model: String,
    pub tag: String,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl RowFilter {
    /// Whether `row` passes every filter.
    pub fn keeps(&self, row: &IndexRow) -> bool {
        let contains = |value: Option<&str>, needle: &str| {
            needle.is_empty()
                || value.is_some_and(|v| v.to_lowercase().contains(&needle.to_lowercase()))
        };
        let started = Timestamp::from_unix_millis_f64(row.started_at);
        contains(Some(&row.name), &self.name)
            && self.status.is_none_or(|status| row.status == status)
            && contains(row.session_id.as_deref(), &self.session)
            && contains(row.user_id.as_deref(), &self.user)
            && (self.model.is_empty() || row.models.contains(&self.model))
            && (self.tag.is_empty() || row.tags.iter().any(|t| t.contains(&self.tag)))
            && self
                .from
                .is_none_or(|from| started.is_some_and(|at| at >= from))
            && self.to.is_none_or(|to| started.is_some_and(|at| at <= to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollup::Tokens;

    fn row(name: &str, started_at: f64) -> IndexRow {
        IndexRow {
            id: name.to_string(),
            name: name.to_string(),
            session_id: Some("Chat-1".to_string()),
            user_id: None,
            status: Status::Completed,
            started_at,
            ended_at: Some(started_at + 10.0),
            duration_ms: Some(10.0),
            observation_count: 0,
            error_count: 0,
            llm_call_count: 0,
            tokens: Tokens::default(),
            cost: None,
            models: vec!["gpt-4o".to_string()],
            tags: vec!["Prod".to_string()],
            environment: None,
            first_start: started_at,
            last_end: Some(started_at + 10.0),
            running: false,
            by_model: None,
        }
    }

    #[test]
    fn row_filter_matches_text_fields_case_ignored_and_tags_case_kept() {
        let r = row("Answer Question", 1_000.0);
        let keeps = |filter: RowFilter| filter.keeps(&r);
        assert!(keeps(RowFilter::default()));
        assert!(keeps(RowFilter {
            name: "answer q".into(),
            session: "chat".into(),
            ..RowFilter::default()
        }));
        assert!(!keeps(RowFilter {
            user: "x".into(),
            ..RowFilter::default()
        }));
        assert!(keeps(RowFilter {
            tag: "Pro".into(),
            ..RowFilter::default()
        }));
        assert!(!keeps(RowFilter {
            tag: "prod".into(),
            ..RowFilter::default()
        }));
        assert!(!keeps(RowFilter {
            model: "gpt-4".into(),
            ..RowFilter::default()
        }));
        assert!(!keeps(RowFilter {
            status: Some(Status::Error),
            ..RowFilter::default()
        }));
    }

    #[test]
    fn row_filter_time_bounds_are_inclusive() {
        let at = |ms: i64| Some(Timestamp::from_unix_nanos(ms * 1_000_000));
        let r = row("a", 1_000.0);
        let within = |from, to| {
            RowFilter {
                from,
                to,
                ..RowFilter::default()
            }
            .keeps(&r)
        };
        assert!(within(at(1_000), at(1_000)));
        assert!(!within(at(1_001), None));
        assert!(!within(None, at(999)));
    }
}
