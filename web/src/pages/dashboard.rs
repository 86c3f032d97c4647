//! Dashboard: cost, tokens, LLM calls, errors and latency over time, and
//! breakdowns by model and by trace name, for the traces the filters keep
//! (the traces page's filters but content search, which would open every
//! record). Drawn from the index rows alone: the figures are core's
//! `rollup::over_time`, computed once per change in a memo.

use leptos::prelude::*;
use prompttrace::format::jsonl::WITHOUT_TRACE;
use prompttrace::rollup::{figure_order, over_time, Figures, OverTime};
use prompttrace::Timestamp;

use super::SortHeader;
use crate::components::charts::{compact, ColumnChart, LineChart, Series};
use crate::components::row_filters::{RowFilterInputs, RowFilters};
use crate::state::use_state;
use crate::{format, links, records};

/// A breakdown lists this many of its rows (in the order asked).
const BREAKDOWN_ROWS: usize = 50;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_state();
    let filters = RowFilters::default();
    // Made once: a breakdown keeps its order while rows and filters change.
    let model_sort = RwSignal::new((Key::Cost, false));
    let name_sort = RwSignal::new((Key::Cost, false));
    let stored = Memo::new(move |_| state.rows(|rows| rows.len()));
    let figures = Memo::new(move |_| {
        let rule = filters.rule();
        state.rows(|rows| over_time(rows.values(), &rule))
    });
    // Calls recorded without a trace have no index row: their one record
    // is read (as the LLM calls page does) only to say how many there are.
    // Read again when storage changes (an import, the demo's first store).
    Effect::new(move |_| {
        state.read(|_, _| ());
        if state.loaded.get() {
            records::open(state, vec![WITHOUT_TRACE.to_string()]);
        }
    });
    let loose_calls = Memo::new(move |_| {
        state.read(|store, _| {
            store
                .facts_without_trace()
                .iter()
                .filter(|f| f.llm_call)
                .count()
        })
    });
    let chosen_model = Memo::new(move |_| filters.rule().model);
    view! {
        <h1>"Dashboard"</h1>
        <div class="filters" data-testid="dashboard-filters">
            <RowFilterInputs filters=filters/>
        </div>
        {move || (loose_calls.get() > 0).then(|| {
            let n = loose_calls.get();
            view! {
                <p class="dashboard-note" data-testid="loose-calls-note">
                    {format!(
                        "{} recorded outside any trace {} not counted here; see ",
                        format::counted(n, "LLM call", "LLM calls"),
                        if n == 1 { "is" } else { "are" },
                    )}
                    <a href=links::to("generations", &[])>"LLM calls"</a>"."
                </p>
            }
        })}
        {move || {
            if !state.loaded.get() {
                // The newest rows are read first: partial totals would mislead.
                return view! { <p class="empty" data-testid="dashboard-loading">"Loading…"</p> }.into_any();
            }
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
                        {bad_times(figures)}
                    }
                    .into_any();
                }
                let model = chosen_model.get();
                view! {
                    {(!model.is_empty()).then(|| view! {
                        <p class="muted" data-testid="model-part-note">
                            {format!("Every figure below is {model}\u{2019}s part of each trace (its calls, tokens, cost and errors); latency is of the whole traces.")}
                        </p>
                    })}
                    <Totals figures=figures.totals.clone()/>
                    {charts(figures)}
                    {old_rows(figures, !model.is_empty())}
                    {bad_times(figures)}
                    <Breakdown label="By model" column="Model" testid="by-model" sort=model_sort rows=model_rows(figures)/>
                    <Breakdown label="By trace name" column="Trace name" testid="by-name" sort=name_sort rows=name_rows(figures)/>
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
            {card("Trace p50", "total-p50", latency(figures.latency_p50_ms))}
            {card("Trace p95", "total-p95", latency(figures.latency_p95_ms))}
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
    let values = |of: fn(&Figures) -> Option<f64>| buckets.iter().map(|b| of(&b.figures)).collect();
    let counts = |of: fn(&Figures) -> u64| -> Vec<Option<f64>> {
        buckets
            .iter()
            .map(|b| Some(of(&b.figures) as f64))
            .collect()
    };
    let cost = |usd: f64| format::cost(Some(usd));
    // "$0.005", not "$0.005000": the axis has no room for zeros.
    let cost_tick = |usd: f64| {
        if usd >= 1_000.0 {
            return format!("${}", compact(usd));
        }
        let text = format::cost(Some(usd));
        match text.contains('.') {
            true => text.trim_end_matches('0').trim_end_matches('.').to_string(),
            false => text,
        }
    };
    let whole = |n: f64| format::count(n.round() as u64);
    let ms = |ms: f64| format::duration(Some(ms));
    let latencies = |of: fn(&Figures) -> Option<f64>| values(of);
    view! {
        <p class="muted" data-testid="bucket-size">{format!("One column per {} (UTC), by each trace's start.", span_name(size))}</p>
        <div class="charts">
            // A bucket whose cost nobody knows has no column (not $0).
            <ColumnChart label="Cost (USD)" values=values(|f| f.cost.total) labels=labels.clone() titles=titles.clone() format=cost tick=cost_tick/>
            <ColumnChart whole=true label="Tokens" values=counts(|f| f.tokens.total) labels=labels.clone() titles=titles.clone() format=whole tick=compact/>
            <ColumnChart whole=true label="LLM calls" values=counts(|f| f.llm_call_count as u64) labels=labels.clone() titles=titles.clone() format=whole tick=compact/>
            <ColumnChart whole=true label="Traces" values=counts(|f| f.trace_count as u64) labels=labels.clone() titles=titles.clone() format=whole tick=compact/>
            <ColumnChart whole=true label="Errors" class="column error" values=counts(|f| f.error_count as u64) labels=labels.clone() titles=titles.clone() format=whole tick=compact/>
            <LineChart label="Trace latency" labels=labels titles=titles format=ms tick=ms series=vec![
                Series { name: "p50", class: "p50", values: latencies(|f| f.latency_p50_ms) },
                Series { name: "p95", class: "p95", values: latencies(|f| f.latency_p95_ms) },
            ]/>
        </div>
    }
}

/// Rows stored before per-model figures: said plainly.
fn old_rows(figures: &OverTime, model_chosen: bool) -> impl IntoView {
    let count = figures.rows_without_model_figures;
    let (was, their) = if count == 1 {
        ("trace was", "its")
    } else {
        ("traces were", "their")
    };
    let where_ = if model_chosen {
        format!("{their} whole figures (every model\u{2019}s) count here")
    } else {
        format!("{their} figures are under \u{201c}{NO_MODEL}\u{201d}")
    };
    (count > 0).then(|| {
        view! {
            <p class="dashboard-note" data-testid="unknown-model-note">
                {format!(
                    "{} {was} stored before per-model figures: {where_}.",
                    format::count(count as u64),
                )}
            </p>
        }
    })
}

/// Rows a foreign writer gave an impossible start: left out, and said.
fn bad_times(figures: &OverTime) -> impl IntoView {
    let count = figures.rows_with_bad_time;
    (count > 0).then(|| {
        view! {
            <p class="dashboard-note" data-testid="bad-time-note">
                {format!(
                    "{} an impossible start time and {} left out.",
                    format::counted(count, "stored trace has", "stored traces have"),
                    if count == 1 { "is" } else { "are" },
                )}
            </p>
        }
    })
}

/// The line of what no model is named on: not a model's name (a model
/// may be called anything), drawn apart.
const NO_MODEL: &str = "(no model named)";

/// One line of a breakdown.
#[derive(Clone, PartialEq)]
struct Line {
    key: String,
    /// The line of what no model is named on, not a model.
    no_model: bool,
    figures: Figures,
}

fn model_rows(figures: &OverTime) -> Vec<Line> {
    let mut lines = lines_of(&figures.by_model);
    lines.extend(figures.no_model.clone().map(|figures| Line {
        key: NO_MODEL.to_string(),
        no_model: true,
        figures,
    }));
    lines
}

fn name_rows(figures: &OverTime) -> Vec<Line> {
    lines_of(&figures.by_name)
}

fn lines_of(groups: &std::collections::BTreeMap<String, Figures>) -> Vec<Line> {
    groups
        .iter()
        .map(|(key, figures)| Line {
            key: key.clone(),
            no_model: false,
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
    sort: RwSignal<(Key, bool)>,
    rows: Vec<Line>,
) -> impl IntoView {
    let total = rows.len();
    let shown = move || {
        let (key, ascending) = sort.get();
        // Counts are never unknown; a cost or a latency may be.
        let number = |f: &Figures| match key {
            Key::Name => Some(0.0), // sorted as text below
            Key::Traces => Some(f.trace_count as f64),
            Key::Calls => Some(f.llm_call_count as f64),
            Key::Tokens => Some(f.tokens.total as f64),
            Key::Cost => f.cost.total,
            Key::Errors => Some(f.error_count as f64),
            Key::P50 => f.latency_p50_ms,
            Key::P95 => f.latency_p95_ms,
        };
        let mut order: Vec<&Line> = rows.iter().collect();
        order.sort_by(|a, b| {
            let order = match key {
                Key::Name => a.key.cmp(&b.key),
                _ => figure_order(number(&a.figures), number(&b.figures))
                    .then_with(|| b.key.cmp(&a.key)),
            };
            let order = if ascending { order } else { order.reverse() };
            // By name, what no model is named on comes after every model.
            match key {
                Key::Name => a.no_model.cmp(&b.no_model).then(order),
                _ => order,
            }
        });
        order
            .into_iter()
            .take(BREAKDOWN_ROWS)
            .cloned()
            .collect::<Vec<_>>()
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
                <SortHeader label="Trace p50" key=Key::P50 sort=sort/>
                <SortHeader label="Trace p95" key=Key::P95 sort=sort/>
            </tr></thead>
            <tbody>
                {move || shown().into_iter().map(|line| {
                    let f = line.figures;
                    view! {
                        <tr>
                            <td class=if line.no_model { "key no-model" } else { "key" } title=if line.no_model { NO_MODEL_TITLE.to_string() } else { line.key.clone() }><span class="clamp">{line.key.clone()}</span></td>
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

/// What the no-model line holds, on hover.
const NO_MODEL_TITLE: &str =
    "Not a model: the calls, tokens, cost and errors of steps that name no model, \
     and the whole figures of traces stored before per-model figures";

/// "1 LLM call", "3 LLM calls": a count and the words that agree.
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
