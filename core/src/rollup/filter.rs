//! Which index rows a list keeps ([`RowFilter`]): the traces page's and
//! the dashboard's filters, one rule for both. Text fields match any part
//! of the value, case ignored; the model is one of the trace's models
//! exactly; a tag is any of its tags containing the text (case kept, as
//! tags are keys); the time bounds hold the trace's start, inclusive.
//! An empty field keeps every row.

use super::IndexRow;
use crate::model::Status;
use crate::time::Timestamp;

/// Which end of a time range a bound is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// A time typed to the minute or the second (`2024-05-01T12:00`, as a
/// `datetime-local` field writes it; read as UTC, like every time shown)
/// as a bound that keeps what the user means: "from 12:00" is from its
/// first instant, "to 12:00" is to its last (12:00:59.999, or 12:00:07.999
/// when seconds were typed). `None` when empty or not a time.
pub fn time_bound(value: &str, edge: Edge) -> Option<Timestamp> {
    if value.is_empty() {
        return None;
    }
    let has_seconds = value.len() > 16;
    let text = match has_seconds {
        true => format!("{value}Z"),
        false => format!("{value}:00Z"),
    };
    let at = Timestamp::parse_rfc3339(&text).ok()?;
    let widen_ms = match (edge, has_seconds) {
        (Edge::Start, _) => 0,
        (Edge::End, true) => 999,
        (Edge::End, false) => 59_999,
    };
    Some(Timestamp::from_unix_nanos(
        at.unix_nanos() + widen_ms * 1_000_000,
    ))
}

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
    /// The filter ready to test rows: its text lowercased once, not per
    /// row.
    pub fn matcher(&self) -> RowMatcher<'_> {
        RowMatcher {
            filter: self,
            name: self.name.to_lowercase(),
            session: self.session.to_lowercase(),
            user: self.user.to_lowercase(),
        }
    }
}

/// A [`RowFilter`] with its needles lowercased.
pub struct RowMatcher<'f> {
    filter: &'f RowFilter,
    name: String,
    session: String,
    user: String,
}

impl RowMatcher<'_> {
    /// Whether `row` passes every filter.
    pub fn keeps(&self, row: &IndexRow) -> bool {
        let contains = |value: Option<&str>, needle: &str| {
            needle.is_empty() || value.is_some_and(|v| v.to_lowercase().contains(needle))
        };
        let f = self.filter;
        let started = Timestamp::from_unix_millis_f64(row.started_at);
        contains(Some(&row.name), &self.name)
            && f.status.is_none_or(|status| row.status == status)
            && contains(row.session_id.as_deref(), &self.session)
            && contains(row.user_id.as_deref(), &self.user)
            && (f.model.is_empty() || row.models.contains(&f.model))
            && (f.tag.is_empty() || row.tags.iter().any(|t| t.contains(&f.tag)))
            && f.from
                .is_none_or(|from| started.is_some_and(|at| at >= from))
            && f.to.is_none_or(|to| started.is_some_and(|at| at <= to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_bounds_are_inclusive_whatever_the_precision() {
        let at = |t: &str| Timestamp::parse_rfc3339(t).unwrap();
        let start = time_bound("2024-05-01T12:00", Edge::Start);
        assert_eq!(start, Some(at("2024-05-01T12:00:00Z")));
        let end = time_bound("2024-05-01T12:00", Edge::End);
        assert_eq!(end, Some(at("2024-05-01T12:00:59.999Z")));
        let end = time_bound("2024-05-01T12:00:07", Edge::End);
        assert_eq!(end, Some(at("2024-05-01T12:00:07.999Z")));
        assert_eq!(time_bound("", Edge::Start), None);
        assert_eq!(time_bound("not a time", Edge::End), None);
    }
    use crate::rollup::test_rows::row as test_row;

    fn row(name: &str, started_at: f64) -> IndexRow {
        let mut row = test_row(name, started_at, Some(10.0));
        row.session_id = Some("Chat-1".to_string());
        row.models = vec!["gpt-4o".to_string()];
        row.tags = vec!["Prod".to_string()];
        row
    }

    #[test]
    fn row_filter_matches_text_fields_case_ignored_and_tags_case_kept() {
        let r = row("Answer Question", 1_000.0);
        let keeps = |filter: RowFilter| filter.matcher().keeps(&r);
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
            .matcher()
            .keeps(&r)
        };
        assert!(within(at(1_000), at(1_000)));
        assert!(!within(at(1_001), None));
        assert!(!within(None, at(999)));
    }
}
