//! LLM calls: every generation, with or without a trace, newest trace
//! first (each trace's calls newest first), those without a trace last.
//! Paged from the index rows: a page opens only the traces it shows.

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::format::jsonl;
use prompttrace::model::Observation;
use prompttrace::rules::duration;
use prompttrace::{PriceTable, Timestamp};

use super::Pager;
use crate::format;
use crate::links;
use crate::records;
use crate::state::use_state;
use prompttrace::rollup::{CostTotals, PriceCache, Tokens};

const PAGE: usize = 100;

/// The LLM calls among `observations`, as rows.
fn calls<'a>(observations: impl Iterator<Item = &'a Observation>, prices: &PriceTable) -> Vec<Row> {
    let mut pricing = PriceCache::new(prices);
    observations
        .filter(|o| o.is_llm_call())
        .map(|o| {
            let mut cost = CostTotals::default();
            if let Some(own) = pricing.cost(o) {
                cost.add_cost(&own);
            }
            Row {
                id: o.id.clone(),
                trace_id: o.trace_id.clone(),
                name: o.name.clone(),
                model: o.model.clone(),
                status: o.status.as_str(),
                started: o.started_at,
                latency: duration::duration_ms(o),
                tokens: Tokens::of(o),
                cost: cost.total,
            }
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: String,
    trace_id: Option<String>,
    name: String,
    model: Option<String>,
    status: &'static str,
    started: Timestamp,
    latency: Option<f64>,
    tokens: Tokens,
    cost: Option<f64>,
}

/// A page's worth of calls as the index rows place them: the traces it
/// covers (newest first) and how many calls of the first one come before
/// the page.
#[derive(Clone, Debug, Default, PartialEq)]
struct Window {
    traces: Vec<String>,
    skip: usize,
    /// Whether the page reaches past the traced calls, into those
    /// recorded without a trace (listed last).
    loose: bool,
}

/// Which traces hold calls `[from, from + PAGE)`, given each trace's
/// count, newest trace first.
fn window(traced: &[(String, usize)], from: usize) -> Window {
    let mut window = Window::default();
    let mut seen = 0;
    for (id, count) in traced {
        if seen + count > from && seen < from + PAGE {
            if window.traces.is_empty() {
                window.skip = from.saturating_sub(seen);
            }
            window.traces.push(id.clone());
        }
        seen += count;
    }
    window.loose = seen < from + PAGE;
    if window.traces.is_empty() {
        window.skip = from.saturating_sub(seen);
    }
    window
}

#[component]
pub fn GenerationsPage() -> impl IntoView {
    let state = use_state();
    let page = RwSignal::new(0usize);
    // The list is drawn from the index rows (how many calls each trace
    // holds, newest trace first); only the traces a page shows are opened.
    let traced = Memo::new(move |_| {
        state.rows(|rows| {
            let mut traced: Vec<_> = rows.values().filter(|row| row.llm_call_count > 0).collect();
            traced.sort_by(|a, b| b.started_at.total_cmp(&a.started_at).then(b.id.cmp(&a.id)));
            traced
                .into_iter()
                .map(|row| (row.id.clone(), row.llm_call_count))
                .collect::<Vec<_>>()
        })
    });
    let shown_window = Memo::new(move |_| traced.with(|traced| window(traced, page.get() * PAGE)));
    // Calls without a trace live in one record, listed after the rest.
    let loose = Memo::new(move |_| {
        state.read(|store, prices| calls(store.observations_without_trace().iter(), prices))
    });
    Effect::new(move |_| {
        let mut ids = shown_window.get().traces;
        ids.push(jsonl::WITHOUT_TRACE.to_string());
        state.read(|_, _| ());
        records::open(state, ids);
    });
    let total = Signal::derive(move || {
        traced.with(|traced| traced.iter().map(|(_, n)| n).sum::<usize>()) + loose.with(Vec::len)
    });
    // Drawn once every trace of the page is open, so a page never shows
    // part of its calls.
    let rows = Memo::new(move |_| {
        let window = shown_window.get();
        let mut loose_rows = loose.get();
        let ready = state.read(|store, _| {
            window
                .traces
                .iter()
                .all(|id| store.trace(id).is_some() || records::absent(id))
                && (!window.loose
                    || !store.observations_without_trace().is_empty()
                    || records::absent(jsonl::WITHOUT_TRACE))
        });
        if !ready {
            return None;
        }
        let mut rows: Vec<Row> = state.read(|store, prices| {
            window
                .traces
                .iter()
                .filter_map(|id| store.trace(id))
                .flat_map(|entry| {
                    let mut calls = calls(entry.observations().iter(), prices);
                    calls.sort_by(|a, b| (b.started, &b.id).cmp(&(a.started, &a.id)));
                    calls
                })
                .collect()
        });
        if window.loose {
            loose_rows.sort_by(|a, b| (b.started, &b.id).cmp(&(a.started, &a.id)));
            rows.extend(loose_rows);
        }
        Some(
            rows.into_iter()
                .skip(window.skip)
                .take(PAGE)
                .collect::<Vec<_>>(),
        )
    });
    let shown = move || rows.get().unwrap_or_default();
    view! {
        <h1>"LLM calls"</h1>
        <table data-testid="generations">
            <thead><tr>
                <th>"Name"</th><th>"Model"</th><th>"Trace"</th><th>"Status"</th><th>"Started"</th>
                <th>"Latency"</th><th>"Tokens in"</th><th>"Tokens out"</th><th>"Cost"</th>
            </tr></thead>
            <tbody>
                // Keyed by content: a row whose trace changed (a live end, a merge) is drawn again.
                <For each=shown key=|row| format!("{row:?}") let:row>
                    <tr class=format!("status-{}", row.status)>
                        <td>{match &row.trace_id {
                            Some(trace) => view! { <A href=links::observation(trace, &row.id)>{row.name.clone()}</A> }.into_any(),
                            None => view! { <span>{row.name.clone()}</span> }.into_any(),
                        }}</td>
                        <td>{row.model.clone()}</td>
                        <td>{match &row.trace_id {
                            Some(trace) => view! { <A href=links::trace(trace)>"trace"</A> }.into_any(),
                            None => view! { <span class="muted">"no trace"</span> }.into_any(),
                        }}</td>
                        <td>{row.status}</td>
                        <td>{format::time(Some(row.started))}</td>
                        <td class="num">{format::duration(row.latency)}</td>
                        <td class="num">{format::count(row.tokens.input)}</td>
                        <td class="num">{format::count(row.tokens.output)}</td>
                        <td class="num">{format::cost(row.cost)}</td>
                    </tr>
                </For>
            </tbody>
        </table>
        <Show when=move || rows.with(Option::is_none)>
            <p class="muted" data-testid="opening">"Opening the traces of this page…"</p>
        </Show>
        <Pager total=total page=page size=PAGE/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traced(counts: &[usize]) -> Vec<(String, usize)> {
        counts
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("t{i}"), *n))
            .collect()
    }

    #[test]
    fn llm_calls_page_opens_only_the_traces_it_shows() {
        // 60 + 60 + 60 calls: page 1 starts 40 calls into the second trace.
        let all = traced(&[60, 60, 60]);
        assert_eq!(
            window(&all, 0),
            Window {
                traces: vec!["t0".into(), "t1".into()],
                skip: 0,
                loose: false
            }
        );
        assert_eq!(
            window(&all, 100),
            Window {
                traces: vec!["t1".into(), "t2".into()],
                skip: 40,
                loose: true
            }
        );
        // Past every traced call: only those without a trace, 20 calls in.
        assert_eq!(
            window(&all, 200),
            Window {
                traces: vec![],
                skip: 20,
                loose: true
            }
        );
        assert_eq!(
            window(&[], 0),
            Window {
                traces: vec![],
                skip: 0,
                loose: true
            }
        );
    }
}
