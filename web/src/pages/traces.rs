//! Traces: every trace, filtered (name, status, session, user, model, tag,
//! time range, and content through core's search), sorted and paged.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use prompttrace::model::Status;
use prompttrace::search::{self, Query};
use prompttrace::Timestamp;

use super::{Pager, SortHeader};
use crate::components::compare_pick::{CompareButton, PickBox};
use crate::format;
use crate::links;
use crate::records;
use crate::state::use_state;

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
    models: Vec<String>,
    tags: Vec<String>,
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

#[derive(Clone, Default)]
struct Filters {
    name: RwSignal<String>,
    status: RwSignal<String>,
    session: RwSignal<String>,
    user: RwSignal<String>,
    model: RwSignal<String>,
    tag: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

impl Filters {
    /// Subscribes the caller to every filter.
    fn track(&self) {
        for filter in [
            self.name,
            self.status,
            self.session,
            self.user,
            self.model,
            self.tag,
            self.from,
            self.to,
        ] {
            filter.track();
        }
    }

    fn keeps(&self, row: &Row) -> bool {
        let contains = |value: Option<&str>, needle: &RwSignal<String>| {
            let needle = needle.get().to_lowercase();
            needle.is_empty() || value.is_some_and(|v| v.to_lowercase().contains(&needle))
        };
        let (from, to) = (bound(&self.from.get(), 0), bound(&self.to.get(), 59_999));
        contains(Some(&row.name), &self.name)
            && (self.status.get().is_empty() || row.status.as_str() == self.status.get())
            && contains(row.session.as_deref(), &self.session)
            && contains(row.user.as_deref(), &self.user)
            && (self.model.get().is_empty() || row.models.contains(&self.model.get()))
            && (self.tag.get().is_empty() || row.tags.iter().any(|t| t.contains(&self.tag.get())))
            && from.is_none_or(|from| row.started >= from)
            && to.is_none_or(|to| row.started <= to)
    }
}

/// A `datetime-local` value (read as UTC, like every time shown here) as
/// a bound; without seconds, `extra_ms` widens it to the whole minute.
fn bound(value: &str, extra_ms: i64) -> Option<Timestamp> {
    if value.is_empty() {
        return None;
    }
    let has_seconds = value.len() > 16;
    let text = if has_seconds {
        format!("{value}Z")
    } else {
        format!("{value}:00Z")
    };
    let at = Timestamp::parse_rfc3339(&text).ok()?;
    let widen = if has_seconds {
        extra_ms.min(999)
    } else {
        extra_ms
    };
    Some(Timestamp::from_unix_nanos(
        at.unix_nanos() + widen * 1_000_000,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traces_time_bounds_are_inclusive_whatever_the_precision() {
        let at = |t: &str| Timestamp::parse_rfc3339(t).unwrap();
        assert_eq!(
            bound("2024-05-01T12:00", 0),
            Some(at("2024-05-01T12:00:00Z"))
        );
        assert_eq!(
            bound("2024-05-01T12:00", 59_999),
            Some(at("2024-05-01T12:00:59.999Z"))
        );
        assert_eq!(
            bound("2024-05-01T12:00:07", 59_999),
            Some(at("2024-05-01T12:00:07.999Z"))
        );
        assert_eq!(bound("", 0), None);
    }
}

#[component]
pub fn TracesPage() -> impl IntoView {
    let state = use_state();
    let filters = Filters::default();
    let sort = RwSignal::new((Key::Started, false));
    let page = RwSignal::new(0usize);
    let picked = RwSignal::new(Vec::new());
    let all = Memo::new(move |_| {
        state.rows(|rows| {
            rows.values()
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
                    models: row.models.clone(),
                    tags: row.tags.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let models = Memo::new(move |_| {
        state.rows(|rows| {
            let models: std::collections::BTreeSet<&str> = rows
                .values()
                .flat_map(|row| row.models.iter().map(String::as_str))
                .collect();
            models.into_iter().map(str::to_string).collect::<Vec<_>>()
        })
    });
    // Content search (core's `search`): the traces in which anything holds
    // the text. Typing settles before it runs.
    let content = RwSignal::new(String::new());
    // It reads every record: they are opened first (once), then it runs.
    let opened_all = RwSignal::new(false);
    Effect::new(move |_| {
        if Query::new(&content.get()).is_some() && !opened_all.get_untracked() {
            records::open_everything(state, move || opened_all.set(true));
        }
    });
    let matching = Memo::new(move |_| {
        let query = Query::new(&content.get())?;
        if !opened_all.get() {
            return Some(Arc::new(HashSet::new()));
        }
        let ids = state.read(|store, _| {
            search::traces_matching(store, &query)
                .into_iter()
                .map(str::to_string)
                .collect::<HashSet<_>>()
        });
        Some(Arc::new(ids))
    });
    let kept = {
        let filters = filters.clone();
        Memo::new(move |_| {
            let (key, ascending) = sort.get();
            let matching = matching.get();
            let mut rows: Vec<Row> = all
                .get()
                .into_iter()
                .filter(|r| filters.keeps(r))
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
                    Key::Cost => a.cost.unwrap_or(0.0).total_cmp(&b.cost.unwrap_or(0.0)),
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
    {
        let filters = filters.clone();
        Effect::new(move |_| {
            filters.track();
            sort.track();
            content.track();
            page.set(0);
        });
    }
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
    let text_filter = |label: &'static str, signal: RwSignal<String>| {
        view! {
            <input type="search" placeholder=label aria-label=label
                prop:value=move || signal.get() on:input=move |e| signal.set(event_target_value(&e))/>
        }
    };
    let f = filters.clone();
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
            {text_filter("Name", f.name)}
            <select aria-label="Status" on:change=move |e| f.status.set(event_target_value(&e))>
                <option value="">"Any status"</option>
                <option value="running">"running"</option>
                <option value="completed">"completed"</option>
                <option value="error">"error"</option>
            </select>
            {text_filter("Session", f.session)}
            {text_filter("User", f.user)}
            <select aria-label="Model" on:change=move |e| f.model.set(event_target_value(&e))>
                <option value="">"Any model"</option>
                {move || models.get().into_iter().map(|m| view! { <option value=m.clone()>{m.clone()}</option> }).collect_view()}
            </select>
            {text_filter("Tag", f.tag)}
            <label>"From "<input type="datetime-local" step="1" on:input=move |e| f.from.set(event_target_value(&e))/></label>
            <label>"To "<input type="datetime-local" step="1" on:input=move |e| f.to.set(event_target_value(&e))/></label>
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
        <Pager total=Signal::derive(move || kept.with(Vec::len)) page=page size=PAGE/>
    }
}
