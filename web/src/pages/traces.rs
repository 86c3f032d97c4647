//! Traces: every trace, filtered (name, status, session, user, model, tag,
//! time range, and content through core's search), sorted and paged.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::model::Status;
use prompttrace::rollup::figure_order;
use prompttrace::search::{self, Query};
use prompttrace::Timestamp;

use super::{Pager, SortHeader};
use crate::components::compare_pick::{CompareButton, PickBox};
use crate::components::row_filters::{RowFilterInputs, RowFilters};
use crate::format;
use crate::links;
use crate::state::use_state;
use crate::whole;

const PAGE: usize = 100;

#[derive(Clone, Debug, PartialEq)]
struct Row {
    id: String,
    name: String,
    session: Option<String>,
    user: Option<String>,
    status: Status,
    started: Timestamp,
    duration: Option<f64>,
    observations: usize,
    tokens: u64,
    cost: Option<f64>,
    errors: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Key {
    Name,
    Started,
    Duration,
    Tokens,
    Cost,
    Errors,
}

#[component]
pub fn TracesPage() -> impl IntoView {
    let state = use_state();
    let filters = RowFilters::default();
    let sort = RwSignal::new((Key::Started, false));
    let page = RwSignal::new(0usize);
    let picked = RwSignal::new(Vec::new());
    // The rows the filters keep (core's `RowFilter`).
    let all = Memo::new(move |_| {
        let rule = filters.rule();
        let matcher = rule.matcher();
        state.rows(|rows| {
            rows.values()
                .filter(|row| matcher.keeps(row))
                .map(|row| Row {
                    id: row.id.clone(),
                    name: row.name.clone(),
                    session: row.session_id.clone(),
                    user: row.user_id.clone(),
                    status: row.status,
                    started: Timestamp::from_unix_millis_f64(row.started_at)
                        .unwrap_or(Timestamp::from_unix_nanos(0)),
                    duration: row.duration_ms,
                    observations: row.observation_count,
                    tokens: row.tokens.total,
                    cost: row.cost,
                    errors: row.error_count,
                })
                .collect::<Vec<_>>()
        })
    });
    // Content search (core's `search`): the traces in which anything holds
    // the text. Typing settles before it runs. Every stored record is
    // searched in a worker, again whenever storage changed (the rows did);
    // the traces only this tab holds are searched here.
    let content = RwSignal::new(String::new());
    let found: RwSignal<Option<(String, Arc<HashSet<String>>)>> = RwSignal::new(None);
    Effect::new(move |_| {
        let text = content.get();
        state.rows(|_| ()); // storage changed (rows did): search again
        if Query::new(&text).is_none() {
            return whole::stop_search(state);
        }
        whole::search(state, text.clone(), move |ids| {
            found.try_set(Some((text.clone(), Arc::new(ids))));
        });
    });
    on_cleanup(move || whole::stop_search(state));
    // The worker has not answered for this phrase yet.
    let searching = Memo::new(move |_| {
        let text = content.get();
        Query::new(&text).is_some()
            && !state.unavailable.get()
            && found.with(|found| found.as_ref().is_none_or(|(searched, _)| *searched != text))
    });
    let matching = Memo::new(move |_| {
        let text = content.get();
        let query = Query::new(&text)?;
        let mut ids = state.read(|store, _| {
            search::traces_matching(store, &query)
                .into_iter()
                .map(str::to_string)
                .collect::<HashSet<_>>()
        });
        found.with(|found| match found {
            Some((searched, stored)) if *searched == text => ids.extend(stored.iter().cloned()),
            _ => {}
        });
        Some(Arc::new(ids))
    });
    let kept = {
        Memo::new(move |_| {
            let (key, ascending) = sort.get();
            let matching = matching.get();
            let mut rows: Vec<Row> = all
                .get()
                .into_iter()
                .filter(|r| matching.as_ref().is_none_or(|ids| ids.contains(&r.id)))
                .collect();
            rows.sort_by(|a, b| {
                let order = match key {
                    Key::Name => a.name.cmp(&b.name),
                    Key::Started => (a.started, &a.id).cmp(&(b.started, &b.id)),
                    Key::Duration => a
                        .duration
                        .unwrap_or(f64::MAX)
                        .total_cmp(&b.duration.unwrap_or(f64::MAX)),
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
        })
    };
    // Back to the first page when what is asked changes, not when the rows
    // do (a live file or an app's flush changes them several times a second).
    Effect::new(move |_| {
        filters.rule();
        sort.track();
        content.track();
        page.set(0);
    });
    // Rows that went (a delete, a live file read again) pull the page back
    // to the last one there is.
    Effect::new(move |_| {
        let last = kept.with(|rows| rows.len().saturating_sub(1) / PAGE);
        if page.get() > last {
            page.set(last);
        }
    });
    let shown = move || {
        kept.with(|rows| {
            rows.iter()
                .skip(page.get() * PAGE)
                .take(PAGE)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let on_content = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || content.set(text),
            std::time::Duration::from_millis(200),
        );
        pending.set_value(handle.ok());
    };
    // A trace opened from a content search opens on its matches.
    let open = move |id: &str| {
        let query = content.get();
        links::trace_view(id, None, Some(query.trim()))
    };
    view! {
        <h1>"Traces"</h1>
        <div class="filters" data-testid="trace-filters">
            <input type="search" role="searchbox" class="content-search" placeholder="Search content: input, output, metadata…"
                aria-label="Search the content of every trace" data-testid="content-search" on:input=on_content/>
            <RowFilterInputs filters=filters/>
        </div>
        <CompareButton picked=picked/>
        <table data-testid="traces">
            <thead><tr>
                <SortHeader label="Name" key=Key::Name sort=sort/>
                <th>"Status"</th>
                <th>"Session"</th>
                <th>"User"</th>
                <SortHeader label="Started" key=Key::Started sort=sort/>
                <SortHeader label="Duration" key=Key::Duration sort=sort/>
                <th>"Observations"</th>
                <SortHeader label="Tokens" key=Key::Tokens sort=sort/>
                <SortHeader label="Cost" key=Key::Cost sort=sort/>
                <SortHeader label="Errors" key=Key::Errors sort=sort/>
                <th>"Compare"</th>
            </tr></thead>
            <tbody>
                // Keyed by content: a row whose trace changed (a live end, a merge) is drawn again.
                <For each=shown key=|row| format!("{row:?}") let:row>
                    <tr class=format!("status-{}", row.status.as_str())>
                        <td><A href={
                            let id = row.id.clone();
                            move || open(&id)
                        }>{row.name.clone()}</A></td>
                        <td>{row.status.as_str()}</td>
                        <td>{row.session.clone().map(|s| view! { <A href=links::session(&s)>{s.clone()}</A> })}</td>
                        <td>{row.user.clone()}</td>
                        <td>{format::time(Some(row.started))}</td>
                        <td class="num">{format::duration(row.duration)}</td>
                        <td class="num">{row.observations}</td>
                        <td class="num">{format::count(row.tokens)}</td>
                        <td class="num">{format::cost(row.cost)}</td>
                        <td class={if row.errors > 0 { "num errors" } else { "num" }}>{row.errors}</td>
                        <td class="pick"><PickBox id=row.id.clone() picked=picked/></td>
                    </tr>
                </For>
            </tbody>
        </table>
        <Show when=move || searching.get()>
            <p class="empty" data-testid="searching">"Searching every stored trace… the traces found are listed when it is done."</p>
        </Show>
        <Pager total=Signal::derive(move || kept.with(Vec::len)) page=page size=PAGE/>
    }
}
