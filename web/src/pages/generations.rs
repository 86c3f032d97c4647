//! LLM calls: every generation, with or without a trace.

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::rules::duration;
use prompttrace::Timestamp;

use super::Pager;
use crate::format;
use crate::links;
use crate::records;
use crate::state::use_state;
use prompttrace::rollup::{CostTotals, PriceCache, Tokens};

const PAGE: usize = 100;

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

#[component]
pub fn GenerationsPage() -> impl IntoView {
    let state = use_state();
    let page = RwSignal::new(0usize);
    // Every LLM call is in the records: they are all opened (once), and
    // the list grows as they arrive.
    records::open_everything(state, || ());
    let rows = Memo::new(move |_| {
        state.read(|store, prices| {
            let mut pricing = PriceCache::new(prices);
            let traced = store.traces().flat_map(|e| e.observations().iter());
            let mut rows: Vec<Row> = traced
                .chain(store.observations_without_trace())
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
                .collect();
            rows.sort_by(|a, b| (b.started, &b.id).cmp(&(a.started, &a.id)));
            rows
        })
    });
    let shown = move || {
        rows.with(|rows| {
            rows.iter()
                .skip(page.get() * PAGE)
                .take(PAGE)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <h1>"LLM calls"</h1>
        <table data-testid="generations">
            <thead><tr>
                <th>"Name"</th><th>"Model"</th><th>"Trace"</th><th>"Status"</th><th>"Started"</th>
                <th>"Latency"</th><th>"Tokens in"</th><th>"Tokens out"</th><th>"Cost"</th>
            </tr></thead>
            <tbody>
                <For each=shown key=|row| row.id.clone() let:row>
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
        <Pager total=Signal::derive(move || rows.with(Vec::len)) page=page size=PAGE/>
    }
}
