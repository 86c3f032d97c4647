//! Figures over time, from index rows alone (the dashboard: a million
//! spans are never opened for it). Each trace counts once, in the bucket
//! of its start, with its whole figures; a bucket, a trace name and a
//! model are groups of traces through the same [`Group`] as sessions, so
//! sums agree with every other rollup. Latency p50/p95 here is of trace
//! durations (running traces have none), also for a model: a row holds no
//! call durations, so a model's "latency" is that of the traces that used
//! it, not of its calls as in [`super::rollups`].
//!
//! - Which rows: those the [`RowFilter`] keeps (one rule with the traces
//!   page, time bounds included); a row whose start is not a valid
//!   [`Timestamp`] (a foreign writer's) is left out and counted
//!   ([`OverTime::rows_with_bad_time`]).
//! - Bucket size: the smallest nice step ([`bucket_ms`]) that spans the
//!   range in fewer than [`MAX_BUCKETS`] steps; buckets are aligned to
//!   multiples of the step in UTC (weeks start on Mondays), so the range's
//!   two ends may fall in partial buckets: at most `MAX_BUCKETS + 1`.
//!   Empty buckets are kept so a chart's gaps show.
//! - By model: a trace's row holds its figures per model
//!   (`IndexRow::by_model`: what each model's observations made). A model
//!   counts the traces that used it, its calls, tokens, cost and errors,
//!   and the durations of those traces. What no model is named on (the
//!   trace's figures minus its models' parts; all of it in rows stored
//!   before per-model figures) is [`OverTime::no_model`], so the lines add
//!   up to the totals; [`OverTime::rows_without_model_figures`] says how
//!   many old rows there were.
//! - With a model chosen in the filter, every figure (totals, buckets,
//!   names) is that model's part of each trace, and by model lists it
//!   alone; an old row, having no split, counts whole.

use std::collections::BTreeMap;

use super::{Figures, Group, IndexRow, ModelFigures, RowFilter, Tokens};
use crate::hash::HashMap;
use crate::time::Timestamp;

/// Buckets are sized to fewer than this many steps over a range.
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
/// spanning it in fewer than [`MAX_BUCKETS`] steps; beyond a quarter,
/// whole years of 52 weeks.
pub fn bucket_ms(span_ms: i64) -> i64 {
    let span = span_ms.max(0);
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
    /// What no model is named on: the traces' figures beyond their models'
    /// parts (whole traces for rows without a split). Not a model: a
    /// model may be named anything, this has no name.
    pub no_model: Option<Figures>,
    /// Rows stored before per-model figures existed.
    pub rows_without_model_figures: usize,
    /// Rows left out because their start is not a valid time.
    pub rows_with_bad_time: usize,
}

/// Figures of the `rows` that `filter` keeps, over the filter's time range;
/// a bound left `None` is the kept rows' earliest or latest start.
pub fn over_time<'a>(rows: impl IntoIterator<Item = &'a IndexRow>, filter: &RowFilter) -> OverTime {
    let keeps = filter.matcher();
    let mut bad_time = 0;
    let mut kept: Vec<(i64, &IndexRow)> = Vec::new();
    for row in rows {
        let Some(start) = Timestamp::from_unix_millis_f64(row.started_at) else {
            bad_time += 1;
            continue;
        };
        if keeps.keeps(row) {
            kept.push((start.unix_nanos().div_euclid(1_000_000), row));
        }
    }
    let millis = |at: Timestamp| at.unix_nanos().div_euclid(1_000_000);
    let starts = kept.iter().map(|(start, _)| *start);
    let (Some(from), Some(to)) = (
        filter.from.map(millis).or_else(|| starts.clone().min()),
        filter.to.map(millis).or_else(|| starts.max()),
    ) else {
        return OverTime {
            rows_with_bad_time: bad_time,
            ..OverTime::default()
        };
    };
    let to = to.max(from);
    let size = bucket_ms(to.saturating_sub(from));
    let offset = if size % WEEK == 0 { FIRST_MONDAY } else { 0 };
    let index = |ms: i64| ms.saturating_sub(offset).div_euclid(size);
    let first = index(from);
    // Valid times keep this small; the cap is a guard, not a rule.
    let count = (index(to) - first + 1).clamp(1, MAX_BUCKETS + 1) as usize;

    let model = (!filter.model.is_empty()).then_some(filter.model.as_str());
    let mut buckets: Vec<Group> = (0..count).map(|_| Group::default()).collect();
    let mut totals = Group::default();
    let mut names: HashMap<&str, Group> = HashMap::default();
    let mut models: HashMap<&str, Group> = HashMap::default();
    let mut no_model: Option<Group> = None;
    let mut without = 0;
    for (start, row) in kept {
        let duration = row.duration_ms;
        let chosen = model.and_then(|model| {
            let parts = row.by_model.as_deref()?;
            Some(parts.iter().find(|part| part.model == model)?.figures())
        });
        let figures = chosen.unwrap_or_else(|| row.figures());
        let slot = usize::try_from(index(start) - first).ok();
        if let Some(bucket) = slot.and_then(|slot| buckets.get_mut(slot)) {
            bucket.add_trace(&figures, duration);
        }
        totals.add_trace(&figures, duration);
        names
            .entry(&row.name)
            .or_default()
            .add_trace(&figures, duration);
        let parts = row.by_model.as_deref().unwrap_or_default();
        without += usize::from(row.by_model.is_none());
        if model.is_some() {
            // Only the chosen model: the rest of these traces is not asked.
            if let Some(part) = parts.iter().find(|part| Some(part.model.as_str()) == model) {
                models
                    .entry(&part.model)
                    .or_default()
                    .add_trace(&part.figures(), duration);
            }
            continue;
        }
        for part in parts {
            models
                .entry(&part.model)
                .or_default()
                .add_trace(&part.figures(), duration);
        }
        if let Some(rest) = beyond_models(row, parts) {
            no_model
                .get_or_insert_with(Group::default)
                .add_trace(&rest, duration);
        }
    }
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
        no_model: no_model.map(Group::finish),
        rows_without_model_figures: without,
        rows_with_bad_time: bad_time,
    }
}

/// A trace's figures that none of its models' `parts` hold, as one trace;
/// `None` when the parts hold all of it. A trace with no part at all
/// (no model named, or a row stored before the split) is all beyond.
fn beyond_models(row: &IndexRow, parts: &[ModelFigures]) -> Option<Figures> {
    let calls = parts.iter().map(|p| p.llm_call_count).sum::<usize>();
    let errors = parts.iter().map(|p| p.error_count).sum::<usize>();
    let mut tokens = Tokens::default();
    for part in parts {
        tokens.add(part.tokens);
    }
    let rest = Tokens {
        input: row.tokens.input.saturating_sub(tokens.input),
        output: row.tokens.output.saturating_sub(tokens.output),
        total: row.tokens.total.saturating_sub(tokens.total),
    };
    let cost = row.cost.and_then(|cost| {
        let rest = cost - parts.iter().filter_map(|p| p.cost).sum::<f64>();
        // A sum's rounding is not a cost.
        (rest.abs() > 1e-9 * cost.abs().max(1.0)).then_some(rest)
    });
    let calls = row.llm_call_count.saturating_sub(calls);
    let errors = row.error_count.saturating_sub(errors);
    let something = calls > 0 || errors > 0 || rest.total > 0 || cost.is_some();
    (parts.is_empty() || something).then(|| Figures::one_trace(calls, errors, rest, cost))
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
    use crate::rollup::test_rows::row;

    fn all() -> RowFilter {
        RowFilter::default()
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
        assert_eq!(bucket_ms(0), SECOND);
        assert_eq!(bucket_ms(59_000), SECOND);
        assert_eq!(bucket_ms(60_000), 5 * SECOND);
        assert_eq!(bucket_ms(2 * HOUR), 5 * MINUTE, "24 buckets");
        assert_eq!(bucket_ms(30 * DAY), DAY, "60 half-days is one too many");
        assert_eq!(bucket_ms(365 * DAY), WEEK, "53 weeks");
        assert_eq!(bucket_ms(10 * 365 * DAY), 13 * WEEK);
        assert_eq!(bucket_ms(40 * 365 * DAY), 52 * WEEK);
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
        let out = over_time(&rows, &all());
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
        // search names no model; b's error is on no model's observation.
        let none = out.no_model.as_ref().unwrap();
        assert_eq!(
            (none.trace_count, none.llm_call_count, none.error_count),
            (2, 0, 1)
        );
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
        let at = |ms: i64| Some(Timestamp::from_unix_nanos(ms * 1_000_000));
        let range = RowFilter {
            from: at(3_600_000),
            to: at(7_140_000),
            ..all()
        };
        let out = over_time(&rows, &range);
        assert_eq!(out.bucket_ms, MINUTE);
        assert_eq!(out.buckets.len(), 60);
        assert_eq!(out.totals.trace_count, 2, "c is after the range");
        assert_eq!(out.buckets[30].figures.trace_count, 1);
        assert_eq!(over_time(&[], &all()), OverTime::default());
    }

    #[test]
    fn over_time_weeks_start_on_mondays() {
        // 2024-01-03 (a Wednesday) to a year later: week buckets.
        let wednesday = 1_704_240_000_000.0;
        let rows = [
            row("a", wednesday, Some(1.0)),
            row("b", wednesday + 365.0 * 86_400_000.0, Some(1.0)),
        ];
        let out = over_time(&rows, &all());
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
        let out = over_time(&[old, new], &all());
        assert_eq!(out.rows_without_model_figures, 1);
        let unknown = out.no_model.unwrap();
        assert_eq!((unknown.trace_count, unknown.llm_call_count), (1, 2));
        assert_eq!(unknown.cost.total, Some(0.25));
        assert_eq!(out.by_model["gpt-4o"].llm_call_count, 1);
        assert_eq!(out.totals.llm_call_count, 3);
    }

    #[test]
    fn over_time_model_lines_add_up_to_the_totals() {
        // A call with no model, an error on a span: neither is a model's.
        let mut a = row("answer", 0.0, Some(5.0));
        used(&mut a, "gpt-4o", 2, 10, 5, 0.25);
        a.llm_call_count += 1;
        a.tokens.add(Tokens {
            input: 3,
            output: 4,
            total: 7,
        });
        a.cost = Some(0.25 + 0.125);
        a.error_count = 1;
        let mut b = row("answer", 1.0, Some(5.0));
        used(&mut b, "unknown model", 1, 1, 1, 0.5);
        let mut old = row("old", 2.0, Some(5.0));
        used(&mut old, "gpt-4o", 1, 2, 2, 1.0);
        old.by_model = None;
        let out = over_time(&[a, b, old], &all());
        let none = out.no_model.clone().unwrap();
        assert_eq!(
            (none.trace_count, none.llm_call_count, none.error_count),
            (2, 2, 1),
            "a's rest and the old row"
        );
        assert_eq!(none.tokens.total, 7 + 4);
        assert_eq!(none.cost.total, Some(0.125 + 1.0));
        assert_eq!(out.by_model["unknown model"].cost.total, Some(0.5));
        let lines = out.by_model.values().chain(out.no_model.iter());
        let (mut calls, mut errors, mut tokens, mut cost) = (0, 0, 0, 0.0);
        for f in lines {
            calls += f.llm_call_count;
            errors += f.error_count;
            tokens += f.tokens.total;
            cost += f.cost.total.unwrap_or(0.0);
        }
        let t = &out.totals;
        assert_eq!(
            (calls, errors, tokens),
            (t.llm_call_count, t.error_count, t.tokens.total)
        );
        assert!((cost - t.cost.total.unwrap()).abs() < 1e-12);
    }

    #[test]
    fn over_time_with_a_model_chosen_counts_its_part_only() {
        let mut a = row("answer", 0.0, Some(5.0));
        used(&mut a, "gpt-4o", 2, 10, 5, 0.25);
        used(&mut a, "claude", 1, 100, 20, 1.0);
        let mut b = row("search", 1.0, Some(7.0));
        used(&mut b, "claude", 1, 1, 1, 0.5);
        let gpt = RowFilter {
            model: "gpt-4o".into(),
            ..all()
        };
        let out = over_time(&[a, b], &gpt);
        let t = &out.totals;
        assert_eq!(
            (t.trace_count, t.llm_call_count, t.tokens.total),
            (1, 2, 15)
        );
        assert_eq!(t.cost.total, Some(0.25), "claude's cost is not gpt-4o's");
        assert_eq!(out.buckets[0].figures.cost.total, Some(0.25));
        assert_eq!(out.by_name["answer"].tokens.total, 15);
        assert_eq!(out.by_model.keys().collect::<Vec<_>>(), ["gpt-4o"]);
        assert_eq!(out.no_model, None);
    }

    #[test]
    fn over_time_leaves_out_rows_with_impossible_times() {
        let mut rows = vec![
            row("far past", -1e20, Some(1.0)),
            row("far future", 1e300, Some(1.0)),
            row("nan", f64::NAN, Some(1.0)),
            row("inf", f64::INFINITY, Some(1.0)),
            row("ok", 1_000.0, Some(1.0)),
        ];
        let out = over_time(&rows, &all());
        assert_eq!(out.rows_with_bad_time, 4);
        assert_eq!(out.totals.trace_count, 1);
        assert_eq!(out.buckets.len(), 1);
        // The valid extremes: far apart, still a few buckets.
        rows.push(row("earliest", -9.2e12, Some(1.0)));
        rows.push(row("latest", 9.2e12, Some(1.0)));
        let out = over_time(&rows, &all());
        assert_eq!((out.rows_with_bad_time, out.totals.trace_count), (4, 3));
        assert!(out.buckets.len() <= MAX_BUCKETS as usize + 1);
        let counted: usize = out.buckets.iter().map(|b| b.figures.trace_count).sum();
        assert_eq!(counted, 3);
    }

    #[test]
    fn over_time_buckets_are_at_most_one_more_than_the_limit() {
        // 59 steps of a minute, from the end of one minute to the start
        // of another: the partial ends make 61... never more.
        let from = 59_999.0;
        let rows = [
            row("a", from, None),
            row("b", from + 59.0 * 60_000.0 + 1.0, None),
        ];
        let out = over_time(&rows, &all());
        assert_eq!(out.bucket_ms, MINUTE);
        assert_eq!(out.buckets.len(), 61);
    }
}
