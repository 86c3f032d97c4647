//! Sessions: every session with its figures; sortable, filterable.

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::rollup::{self, figure_order};
use prompttrace::Timestamp;

use super::SortHeader;
use crate::format;
use crate::links;
use crate::state::use_state;

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: String,
    traces: usize,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    extent: Option<f64>,
    tokens: u64,
    cost: Option<f64>,
    errors: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Key {
    Id,
    Traces,
    First,
    Last,
    Extent,
    Tokens,
    Cost,
    Errors,
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let state = use_state();
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new((Key::Last, false));
    let all = Memo::new(move |_| {
        state.rows(|rows| {
            rollup::sessions_of_rows(rows.values())
                .iter()
                .map(|(id, f)| Row {
                    id: id.clone(),
                    traces: f.trace_count,
                    first: f.first_start,
                    last: f.last_end,
                    extent: f.extent_ms(),
                    tokens: f.tokens.total,
                    cost: f.cost.total,
                    errors: f.error_count,
                })
                .collect::<Vec<_>>()
        })
    });
    let rows = move || {
        let needle = filter.get().to_lowercase();
        let (key, ascending) = sort.get();
        let mut rows: Vec<Row> = all
            .get()
            .into_iter()
            .filter(|r| r.id.to_lowercase().contains(&needle))
            .collect();
        rows.sort_by(|a, b| {
            let order = match key {
                Key::Id => a.id.cmp(&b.id),
                Key::Traces => a.traces.cmp(&b.traces),
                Key::First => a.first.cmp(&b.first),
                Key::Last => a.last.cmp(&b.last),
                Key::Extent => a
                    .extent
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.extent.unwrap_or(f64::MAX)),
                Key::Tokens => a.tokens.cmp(&b.tokens),
                Key::Cost => figure_order(a.cost, b.cost),
                Key::Errors => a.errors.cmp(&b.errors),
            };
            if ascending {
                order
            } else {
                order.reverse()
            }
        });
        rows
    };
    view! {
        <h1>"Sessions"</h1>
        <div class="filters">
            <input type="search" placeholder="Filter by session id" data-testid="session-filter"
                prop:value=move || filter.get() on:input=move |e| filter.set(event_target_value(&e))/>
        </div>
        <table data-testid="sessions">
            <thead><tr>
                <SortHeader label="Session" key=Key::Id sort=sort/>
                <SortHeader label="Traces" key=Key::Traces sort=sort/>
                <SortHeader label="First" key=Key::First sort=sort/>
                <SortHeader label="Last" key=Key::Last sort=sort/>
                <SortHeader label="Duration" key=Key::Extent sort=sort/>
                <SortHeader label="Tokens" key=Key::Tokens sort=sort/>
                <SortHeader label="Cost" key=Key::Cost sort=sort/>
                <SortHeader label="Errors" key=Key::Errors sort=sort/>
            </tr></thead>
            <tbody>
                // Keyed by content: a row whose trace changed (a live end, a merge) is drawn again.
                <For each=rows key=|row| format!("{row:?}") let:row>
                    <tr>
                        <td><A href=links::session(&row.id)>{row.id.clone()}</A></td>
                        <td class="num">{row.traces}</td>
                        <td>{format::time(row.first)}</td>
                        <td>{format::time(row.last)}</td>
                        <td class="num">{format::duration(row.extent)}</td>
                        <td class="num">{format::count(row.tokens)}</td>
                        <td class="num">{format::cost(row.cost)}</td>
                        <td class={if row.errors > 0 { "num errors" } else { "num" }}>{row.errors}</td>
                    </tr>
                </For>
            </tbody>
        </table>
        <Show when=move || all.with(Vec::is_empty)>
            <p class="empty">"No sessions yet. Open or drop a trace file."</p>
        </Show>
    }
}
