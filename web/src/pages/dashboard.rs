//! Dashboard: cost, tokens, LLM calls, errors and latency over time, and
//! breakdowns by model and by trace name, for the traces the filters keep
//! (the traces page's filters but content search, which would open every
//! record). Drawn from the index rows alone: the figures are core's
//! `rollup::over_time`, computed once per change in a memo.

use leptos::prelude::*;
use prompttrace::rollup::{over_time, Figures, OverTime};
use prompttrace::Timestamp;

use super::SortHeader;
use crate::components::charts::{ColumnChart, LineChart, Series};
use crate::components::row_filters::{RowFilterInputs, RowFilters};
use crate::format;
use crate::state::use_state;

/// A breakdown lists this many of its rows (in the order asked).
const BREAKDOWN_ROWS: usize = 50;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_state();
    let filters = RowFilters::default();
    let stored = Memo::new(move |_| state.rows(|rows| rows.len()));
    let figures = Memo::new(move |_| {
        let rule = filters.rule();
        let millis = |at: Option<Timestamp>| at.map(Timestamp::unix_millis_f64);
        let (from, to) = (millis(rule.from), millis(rule.to));
        state.rows(|rows| over_time(rows.values().filter(|row| rule.keeps(row)), from, to))
    });
    view! {
        <h1>"Dashboard"</h1>
        <div class="filters" data-testid="dashboard-filters">
            <RowFilterInputs filters=filters/>
        </div>
        {move || {
            if stored.get() == 0 {
                return view! {
                    <p class="empty" data-testid="dashboard-empty">
                        "Nothing is stored yet: open or drop trace files to see their figures here."
                    </p>
                }
                .into_any();
            }
            figures.with(|figures| {
                if figures.totals.trace_count == 0 {
                    return view! {
                        <p class="empty" data-testid="dashboard-empty">"No trace matches these filters."</p>
                    }
                    .into_any();
                }
                view! {
                    <Totals figures=figures.totals.clone()/>
                    {charts(figures)}
                    {unknown_models(figures)}
                    <Breakdown label="By model" column="Model" testid="by-model" rows=model_rows(figures)/>
                    <Breakdown label="By trace name" column="Trace name" testid="by-name" rows=name_rows(figures)/>
                }
                .into_any()
            })
        }}
    }
}

#[component]
fn Totals(figures: Figures) -> impl IntoView {
    let tokens = figures.tokens;
    let card = |label: &'static str, testid: &'static str, value: String| {
        view! { <div class="stat"><dt>{label}</dt><dd data-testid=testid>{value}</dd></div> }
    };
    view! {
        <dl class="dashboard-totals" data-testid="dashboard-totals">
            {card("Traces", "total-traces", format::count(figures.trace_count as u64))}
            {card("LLM calls", "total-calls", format::count(figures.llm_call_count as u64))}
            {card("Tokens", "total-tokens", format::count(tokens.total))}
            {card("Input / output", "total-io", format!("{} / {}", format::count(tokens.input), format::count(tokens.output)))}
            {card("Cost", "total-cost", format::cost(figures.cost.total))}
            {card("Errors", "total-errors", format::count(figures.error_count as u64))}
            {card("p50 latency", "total-p50", latency(figures.latency_p50_ms))}
            {card("p95 latency", "total-p95", latency(figures.latency_p95_ms))}
        </dl>
    }
}

fn charts(figures: &OverTime) -> impl IntoView {
    let size = figures.bucket_ms;
    let buckets = &figures.buckets;
    let labels: Vec<String> = buckets
        .iter()
        .map(|b| bucket_label(b.start_ms, size))
        .collect();
    let titles: Vec<String> = buckets
        .iter()
        .map(|b| bucket_title(b.start_ms, size, &b.figures))
        .collect();
    let values = |of: fn(&Figures) -> f64| buckets.iter().map(|b| of(&b.figures)).collect();
    let latencies =
        |of: fn(&Figures) -> Option<f64>| buckets.iter().map(|b| of(&b.figures)).collect();
    let cost = |usd: f64| format::cost(Some(usd));
    let count = |n: f64| format::count(n.round() as u64);
    let ms = |ms: f64| format::duration(Some(ms));
    view! {
        <p class="muted" data-testid="bucket-size">{format!("One column per {} (UTC), by each trace's start.", span_name(size))}</p>
        <div class="charts">
            <ColumnChart label="Cost (USD)" values=values(|f| f.cost.total.unwrap_or(0.0)) labels=labels.clone() titles=titles.clone() format=cost/>
            <ColumnChart whole=true label="Tokens" values=values(|f| f.tokens.total as f64) labels=labels.clone() titles=titles.clone() format=count/>
            <ColumnChart whole=true label="LLM calls" values=values(|f| f.llm_call_count as f64) labels=labels.clone() titles=titles.clone() format=count/>
            <ColumnChart whole=true label="Traces" values=values(|f| f.trace_count as f64) labels=labels.clone() titles=titles.clone() format=count/>
            <ColumnChart whole=true label="Errors" class="column error" values=values(|f| f.error_count as f64) labels=labels.clone() titles=titles.clone() format=count/>
            <LineChart label="Trace latency" labels=labels titles=titles format=ms series=vec![
                Series { name: "p50", class: "p50", values: latencies(|f| f.latency_p50_ms) },
                Series { name: "p95", class: "p95", values: latencies(|f| f.latency_p95_ms) },
            ]/>
        </div>
    }
}

/// Rows stored before per-model figures existed: said plainly.
fn unknown_models(figures: &OverTime) -> impl IntoView {
    let count = figures.rows_without_model_figures;
    (count > 0).then(|| {
        view! {
            <p class="note" data-testid="unknown-model-note">
                {format!(
                    "{} {} stored before per-model figures: counted under \u{201c}unknown model\u{201d}.",
                    format::count(count as u64),
                    if count == 1 { "trace was" } else { "traces were" },
                )}
            </p>
        }
    })
}

/// One line of a breakdown.
#[derive(Clone, PartialEq)]
struct Line {
    key: String,
    /// The "unknown model" line: not a model's name.
    unknown: bool,
    figures: Figures,
}

fn model_rows(figures: &OverTime) -> Vec<Line> {
    let mut lines = lines_of(figures.by_model.iter());
    lines.extend(figures.unknown_model.clone().map(|figures| Line {
        key: "unknown model".to_string(),
        unknown: true,
        figures,
    }));
    lines
}

fn name_rows(figures: &OverTime) -> Vec<Line> {
    lines_of(figures.by_name.iter())
}

fn lines_of<'a>(groups: impl Iterator<Item = (&'a String, &'a Figures)>) -> Vec<Line> {
    groups
        .map(|(key, figures)| Line {
            key: key.clone(),
            unknown: false,
            figures: figures.clone(),
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Key {
    Name,
    Traces,
    Calls,
    Tokens,
    Cost,
    Errors,
    P50,
    P95,
}

/// A sortable table of groups (most costly first).
#[component]
fn Breakdown(
    label: &'static str,
    column: &'static str,
    testid: &'static str,
    rows: Vec<Line>,
) -> impl IntoView {
    let sort = RwSignal::new((Key::Cost, false));
    let total = rows.len();
    let shown = move || {
        let (key, ascending) = sort.get();
        let mut rows = rows.clone();
        let number = |f: &Figures| match key {
            Key::Name => 0.0, // sorted as text below
            Key::Traces => f.trace_count as f64,
            Key::Calls => f.llm_call_count as f64,
            Key::Tokens => f.tokens.total as f64,
            Key::Cost => f.cost.total.unwrap_or(-1.0),
            Key::Errors => f.error_count as f64,
            Key::P50 => f.latency_p50_ms.unwrap_or(-1.0),
            Key::P95 => f.latency_p95_ms.unwrap_or(-1.0),
        };
        rows.sort_by(|a, b| {
            let order = match key {
                Key::Name => a.key.cmp(&b.key),
                _ => number(&a.figures)
                    .total_cmp(&number(&b.figures))
                    .then_with(|| b.key.cmp(&a.key)),
            };
            if ascending {
                order
            } else {
                order.reverse()
            }
        });
        rows.truncate(BREAKDOWN_ROWS);
        rows
    };
    view! {
        <h2>{label}</h2>
        <table class="breakdown" data-testid=testid>
            <thead><tr>
                <SortHeader label=column key=Key::Name sort=sort/>
                <SortHeader label="Traces" key=Key::Traces sort=sort/>
                <SortHeader label="LLM calls" key=Key::Calls sort=sort/>
                <SortHeader label="Tokens (in / out)" key=Key::Tokens sort=sort/>
                <SortHeader label="Cost" key=Key::Cost sort=sort/>
                <SortHeader label="Errors" key=Key::Errors sort=sort/>
                <SortHeader label="p50" key=Key::P50 sort=sort/>
                <SortHeader label="p95" key=Key::P95 sort=sort/>
            </tr></thead>
            <tbody>
                {move || shown().into_iter().map(|line| {
                    let f = line.figures;
                    view! {
                        <tr>
                            <td class=if line.unknown { "key unknown" } else { "key" } title=line.key.clone()><span class="clamp">{line.key.clone()}</span></td>
                            <td class="num">{format::count(f.trace_count as u64)}</td>
                            <td class="num">{format::count(f.llm_call_count as u64)}</td>
                            <td class="num">{format!("{} ({} / {})", format::count(f.tokens.total), format::count(f.tokens.input), format::count(f.tokens.output))}</td>
                            <td class="num">{format::cost(f.cost.total)}</td>
                            <td class={if f.error_count > 0 { "num errors" } else { "num" }}>{f.error_count}</td>
                            <td class="num">{latency(f.latency_p50_ms)}</td>
                            <td class="num">{latency(f.latency_p95_ms)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(total > BREAKDOWN_ROWS).then(|| view! {
            <p class="muted">{format!("The first {BREAKDOWN_ROWS} of {} in this order.", format::count(total as u64))}</p>
        })}
    }
}

/// A percentile, or a dash when no trace in the group has ended.
fn latency(ms: Option<f64>) -> String {
    ms.map_or_else(|| "–".to_string(), |ms| format::duration(Some(ms)))
}

/// A bucket's start under a chart: as precise as its size needs.
fn bucket_label(start_ms: f64, size_ms: i64) -> String {
    let full = format::time(Timestamp::from_unix_millis_f64(start_ms));
    // "YYYY-MM-DD HH:MM:SS.mmm"
    match size_ms {
        s if s < 60_000 => full.get(11..19),
        s if s < 86_400_000 => full.get(5..16),
        _ => full.get(..10),
    }
    .unwrap_or(&full)
    .to_string()
}

/// A bucket's hover text: when, and every figure exactly.
fn bucket_title(start_ms: f64, size_ms: i64, f: &Figures) -> String {
    let when = format::time(Timestamp::from_unix_millis_f64(start_ms));
    let when = when.get(..19).unwrap_or(&when);
    format!(
        "{when} UTC (+{}): {} traces · {} LLM calls · {} tokens ({} in, {} out) · {} · {} errors · p50 {} · p95 {}",
        span_name(size_ms),
        format::count(f.trace_count as u64),
        format::count(f.llm_call_count as u64),
        format::count(f.tokens.total),
        format::count(f.tokens.input),
        format::count(f.tokens.output),
        format::cost(f.cost.total),
        format::count(f.error_count as u64),
        latency(f.latency_p50_ms),
        latency(f.latency_p95_ms),
    )
}

/// A bucket size in words ("5 min", "1 day", "13 weeks").
fn span_name(size_ms: i64) -> String {
    const UNITS: [(i64, &str, &str); 5] = [
        (604_800_000, "week", "weeks"),
        (86_400_000, "day", "days"),
        (3_600_000, "hour", "hours"),
        (60_000, "min", "min"),
        (1_000, "s", "s"),
    ];
    UNITS
        .into_iter()
        .find(|(unit, _, _)| size_ms >= *unit && size_ms % unit == 0)
        .map(|(unit, one, many)| {
            let n = size_ms / unit;
            format!("{n} {}", if n == 1 { one } else { many })
        })
        .unwrap_or_else(|| format!("{size_ms} ms"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_bucket_labels_are_as_precise_as_the_bucket() {
        let at = 1_714_564_805_000.0; // 2024-05-01 12:00:05 UTC
        assert_eq!(bucket_label(at, 5_000), "12:00:05");
        assert_eq!(bucket_label(at, 300_000), "05-01 12:00");
        assert_eq!(bucket_label(at, 86_400_000), "2024-05-01");
        assert_eq!(span_name(5_000), "5 s");
        assert_eq!(span_name(3_600_000), "1 hour");
        assert_eq!(span_name(13 * 604_800_000), "13 weeks");
    }
}
