//! Figures over time, from index rows alone (the dashboard: a million
//! spans are never opened for it). Each trace counts once, in the bucket
//! of its start, with its whole figures; a bucket, a trace name and a
//! model are groups of traces through the same [`Group`] as sessions, so
//! sums agree with every other rollup and latency p50/p95 is of trace
//! durations (running traces have none).
//!
//! - Bucket size: the smallest nice step ([`bucket_ms`]) that cuts the
//!   range into at most [`MAX_BUCKETS`]; buckets are aligned to multiples
//!   of the step in UTC (weeks start on Mondays), and empty ones are kept
//!   so a chart's gaps show.
//! - By model: a trace's row holds its figures per model
//!   (`IndexRow::by_model`: what each model's observations made). A model
//!   counts the traces that used it, its calls, tokens, cost and errors,
//!   and the durations of those traces. Rows stored before that field have
//!   no split: their whole figures go to [`OverTime::unknown_model`], and
//!   [`OverTime::rows_without_model_figures`] says how many.

use std::collections::BTreeMap;

use super::{Figures, Group, IndexRow, ModelFigures};
use crate::hash::HashMap;

/// At most this many buckets over a range.
pub const MAX_BUCKETS: i64 = 60;

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;
/// 1970-01-01 was a Thursday: weeks start 4 days later, on a Monday.
const FIRST_MONDAY: i64 = 4 * DAY;

const STEPS: [i64; 16] = [
    SECOND,
    5 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    5 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    WEEK,
    4 * WEEK,
    13 * WEEK,
];

/// The bucket size in ms for a range of `span_ms`: the smallest nice step
/// giving at most [`MAX_BUCKETS`]; beyond a quarter, whole years of 52
/// weeks.
pub fn bucket_ms(span_ms: f64) -> i64 {
    let span = span_ms.max(0.0).ceil() as i64;
    STEPS
        .into_iter()
        .find(|step| span / step < MAX_BUCKETS)
        .unwrap_or_else(|| 52 * WEEK * (span / (52 * WEEK) / MAX_BUCKETS + 1))
}

/// One bucket: the traces that started in `[start_ms, start_ms + size)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    pub start_ms: f64,
    pub figures: Figures,
}

/// The dashboard's figures over a range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverTime {
    /// The bucket size in ms (0 when there are no buckets).
    pub bucket_ms: i64,
    pub buckets: Vec<Bucket>,
    pub totals: Figures,
    pub by_name: BTreeMap<String, Figures>,
    pub by_model: BTreeMap<String, Figures>,
    /// The figures of traces whose rows have no per-model split.
    pub unknown_model: Option<Figures>,
    pub rows_without_model_figures: usize,
}

/// Figures of `rows` (already filtered) over `[from_ms, to_ms]`; a bound
/// left `None` is the rows' earliest or latest start. Rows starting
/// outside the range are left out of everything.
pub fn over_time<'a>(
    rows: impl IntoIterator<Item = &'a IndexRow>,
    from_ms: Option<f64>,
    to_ms: Option<f64>,
) -> OverTime {
    let rows: Vec<&IndexRow> = rows
        .into_iter()
        .filter(|row| from_ms.is_none_or(|from| row.started_at >= from))
        .filter(|row| to_ms.is_none_or(|to| row.started_at <= to))
        .collect();
    let starts = rows.iter().map(|row| row.started_at);
    let (Some(from), Some(to)) = (
        from_ms.or_else(|| starts.clone().reduce(f64::min)),
        to_ms.or_else(|| starts.reduce(f64::max)),
    ) else {
        return OverTime::default();
    };
    let size = bucket_ms(to - from);
    let index = |ms: f64| {
        let offset = if size % WEEK == 0 { FIRST_MONDAY } else { 0 };
        (ms.floor() as i64 - offset).div_euclid(size)
    };
    let first = index(from);
    let count = (index(to.max(from)) - first + 1) as usize;

    let mut buckets: Vec<Group> = (0..count).map(|_| Group::default()).collect();
    let mut totals = Group::default();
    let mut names: HashMap<&str, Group> = HashMap::default();
    let mut models: HashMap<&str, Group> = HashMap::default();
    let mut unknown: Option<Group> = None;
    let mut without = 0;
    for row in rows {
        let figures = row.figures();
        let duration = row.duration_ms;
        buckets[(index(row.started_at) - first) as usize].add_trace(&figures, duration);
        totals.add_trace(&figures, duration);
        names
            .entry(&row.name)
            .or_default()
            .add_trace(&figures, duration);
        match &row.by_model {
            Some(split) => {
                for part in split {
                    models
                        .entry(&part.model)
                        .or_default()
                        .add_trace(&part.figures(), duration);
                }
            }
            None => {
                without += 1;
                unknown
                    .get_or_insert_with(Group::default)
                    .add_trace(&figures, duration);
            }
        }
    }
    let offset = if size % WEEK == 0 { FIRST_MONDAY } else { 0 };
    let finish = |groups: HashMap<&str, Group>| {
        groups
            .into_iter()
            .map(|(key, group)| (key.to_string(), group.finish()))
            .collect()
    };
    OverTime {
        bucket_ms: size,
        buckets: buckets
            .into_iter()
            .enumerate()
            .map(|(i, group)| Bucket {
                start_ms: ((first + i as i64) * size + offset) as f64,
                figures: group.finish(),
            })
            .collect(),
        totals: totals.finish(),
        by_name: finish(names),
        by_model: finish(models),
        unknown_model: unknown.map(Group::finish),
        rows_without_model_figures: without,
    }
}

impl ModelFigures {
    /// This model's part of one trace, as a trace's figures.
    fn figures(&self) -> Figures {
        Figures::one_trace(
            self.llm_call_count,
            self.error_count,
            self.tokens,
            self.cost,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rollup::Tokens;

    fn row(name: &str, started_at: f64, duration: Option<f64>) -> IndexRow {
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

    fn used(row: &mut IndexRow, model: &str, calls: usize, input: u64, output: u64, cost: f64) {
        let tokens = Tokens {
            input,
            output,
            total: input + output,
        };
        row.llm_call_count += calls;
        row.tokens.add(tokens);
        row.cost = Some(row.cost.unwrap_or(0.0) + cost);
        row.models.push(model.to_string());
        row.by_model
            .get_or_insert_with(Vec::new)
            .push(ModelFigures {
                model: model.to_string(),
                llm_call_count: calls,
                error_count: 0,
                tokens,
                cost: Some(cost),
            });
    }

    #[test]
    fn bucket_size_is_the_smallest_nice_step_under_sixty_buckets() {
        assert_eq!(bucket_ms(0.0), SECOND);
        assert_eq!(bucket_ms(59_000.0), SECOND);
        assert_eq!(bucket_ms(60_000.0), 5 * SECOND);
        assert_eq!(bucket_ms(2.0 * 3_600_000.0), 5 * MINUTE, "24 buckets");
        assert_eq!(
            bucket_ms(30.0 * 86_400_000.0),
            DAY,
            "60 half-days is one too many"
        );
        assert_eq!(bucket_ms(365.0 * 86_400_000.0), WEEK, "53 weeks");
        assert_eq!(bucket_ms(10.0 * 365.0 * 86_400_000.0), 13 * WEEK);
        assert_eq!(bucket_ms(40.0 * 365.0 * 86_400_000.0), 52 * WEEK);
    }

    #[test]
    fn over_time_buckets_sum_each_trace_once_at_its_start() {
        // Three traces over 2 minutes → 5 s buckets from 0 to 120 s (25).
        let mut a = row("answer", 0.0, Some(100.0));
        used(&mut a, "gpt-4o", 2, 10, 5, 0.25);
        let mut b = row("answer", 4_999.0, Some(300.0));
        used(&mut b, "gpt-4o", 1, 1, 1, 0.5);
        used(&mut b, "claude", 1, 100, 20, 1.0);
        b.error_count = 1;
        let c = row("search", 120_000.0, None);
        let rows = [a, b, c];
        let out = over_time(&rows, None, None);
        assert_eq!(out.bucket_ms, 5 * SECOND);
        assert_eq!(out.buckets.len(), 25);
        assert_eq!(out.buckets[0].start_ms, 0.0);
        assert_eq!(out.buckets[24].start_ms, 120_000.0);
        let first = &out.buckets[0].figures;
        assert_eq!(first.trace_count, 2, "4.999 s is still the first bucket");
        assert_eq!(first.llm_call_count, 4);
        assert_eq!(first.error_count, 1);
        assert_eq!(first.tokens.total, 15 + 2 + 120);
        assert_eq!(first.cost.total, Some(1.75));
        assert_eq!(first.latency_p50_ms, Some(100.0));
        assert_eq!(first.latency_p95_ms, Some(300.0));
        assert_eq!(out.buckets[1].figures, Figures::default(), "empty kept");
        let last = &out.buckets[24].figures;
        assert_eq!((last.trace_count, last.latency_p50_ms), (1, None));

        assert_eq!(out.totals.trace_count, 3);
        assert_eq!(out.totals.cost.total, Some(1.75));
        assert_eq!(out.by_name["answer"].trace_count, 2);
        assert_eq!(out.by_name["answer"].tokens.input, 111);
        assert_eq!(out.by_name["search"].cost.total, None);
        let gpt = &out.by_model["gpt-4o"];
        assert_eq!(
            (gpt.trace_count, gpt.llm_call_count, gpt.tokens.total),
            (2, 3, 17)
        );
        assert_eq!(gpt.cost.total, Some(0.75));
        assert_eq!(gpt.latency_p95_ms, Some(300.0));
        let claude = &out.by_model["claude"];
        assert_eq!((claude.trace_count, claude.cost.total), (1, Some(1.0)));
        assert_eq!(out.unknown_model, None);
        assert_eq!(out.rows_without_model_figures, 0);
    }

    #[test]
    fn over_time_range_bounds_the_buckets_and_the_rows() {
        let rows = [
            row("a", 3_600_000.0, Some(1.0)),
            row("b", 5_400_000.0, Some(2.0)),
            row("c", 9_000_000.0, Some(3.0)),
        ];
        // 1 h to 1 h 59 min: 1 min buckets, 60 of them (both ends in).
        let out = over_time(&rows, Some(3_600_000.0), Some(7_140_000.0));
        assert_eq!(out.bucket_ms, MINUTE);
        assert_eq!(out.buckets.len(), 60);
        assert_eq!(out.totals.trace_count, 2, "c is after the range");
        assert_eq!(out.buckets[30].figures.trace_count, 1);
        assert_eq!(over_time(&[], None, None), OverTime::default());
    }

    #[test]
    fn over_time_weeks_start_on_mondays() {
        // 2024-01-03 (a Wednesday) to a year later: week buckets.
        let wednesday = 1_704_240_000_000.0;
        let rows = [
            row("a", wednesday, Some(1.0)),
            row("b", wednesday + 365.0 * 86_400_000.0, Some(1.0)),
        ];
        let out = over_time(&rows, None, None);
        assert_eq!(out.bucket_ms, WEEK);
        let monday = 1_704_067_200_000.0; // 2024-01-01
        assert_eq!(out.buckets[0].start_ms, monday);
        assert_eq!(out.buckets[0].figures.trace_count, 1);
    }

    #[test]
    fn over_time_rows_without_model_figures_are_named_not_split() {
        let mut old = row("answer", 0.0, Some(5.0));
        used(&mut old, "gpt-4o", 2, 10, 5, 0.25);
        old.by_model = None;
        let mut new = row("answer", 1.0, Some(5.0));
        used(&mut new, "gpt-4o", 1, 1, 1, 0.5);
        let out = over_time(&[old, new], None, None);
        assert_eq!(out.rows_without_model_figures, 1);
        let unknown = out.unknown_model.unwrap();
        assert_eq!((unknown.trace_count, unknown.llm_call_count), (1, 2));
        assert_eq!(unknown.cost.total, Some(0.25));
        assert_eq!(out.by_model["gpt-4o"].llm_call_count, 1);
        assert_eq!(out.totals.llm_call_count, 3);
    }
}
