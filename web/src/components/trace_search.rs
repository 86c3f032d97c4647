//! The trace page's search box: `/` focuses it, the query lives in the URL
//! (`&q=`), matching rows are marked in the timeline, "k of n" counts them,
//! and Enter / Shift+Enter select the next / previous match (unfolding the
//! nodes above it). What matches is core's `search`.

use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use prompttrace::search::{self, Query, TraceMatches};
use wasm_bindgen::JsCast;

use crate::links;
use crate::state::use_state;

/// Typing waits this long before the URL (and the search) follow.
const SETTLE_MS: u64 = 150;

#[component]
pub fn TraceSearch(
    trace_id: String,
    query: Signal<Option<String>>,
    selected: Signal<Option<String>>,
    found: Memo<Option<TraceMatches>>,
    /// The trace's view (`&view=`), kept by a search.
    view: Signal<Option<String>>,
) -> impl IntoView {
    let state = use_state();
    let input = NodeRef::<leptos::html::Input>::new();
    let navigate = StoredValue::new_local(use_navigate());
    let trace = StoredValue::new(trace_id);
    let go = move |observation: Option<String>, query: Option<String>| {
        let view = view.get_untracked();
        let href = trace.with_value(|t| {
            links::trace_in_view(t, observation.as_deref(), query.as_deref(), view.as_deref())
        });
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate.with_value(|navigate| navigate(&href, options));
    };
    let ids = Memo::new(move |_| {
        found.with(|f| {
            f.as_ref()
                .map(|f| {
                    f.observations
                        .iter()
                        .map(|m| m.id.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let position = Memo::new(move |_| {
        let selected = selected.get()?;
        ids.with(|ids| ids.iter().position(|id| *id == selected))
    });
    let step = move |forward: bool| {
        let count = ids.with_untracked(Vec::len);
        if count == 0 {
            return;
        }
        let next = match (position.get_untracked(), forward) {
            (Some(k), true) => (k + 1) % count,
            (Some(k), false) => (k + count - 1) % count,
            (None, true) => 0,
            (None, false) => count - 1,
        };
        let id = ids.with_untracked(|ids| ids[next].clone());
        go(Some(id), query.get_untracked());
    };
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let cancel_pending = move || {
        if let Some(handle) = pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    on_cleanup(cancel_pending);
    let on_input = move |event: ev::Event| {
        let text = event_target_value(&event);
        cancel_pending();
        let handle = set_timeout_with_handle(
            move || {
                go(
                    selected.get_untracked(),
                    Some(text).filter(|t| !t.trim().is_empty()),
                )
            },
            std::time::Duration::from_millis(SETTLE_MS),
        );
        pending.set_value(handle.ok());
    };
    // Enter right after typing searches what is typed, now: the first (or,
    // with Shift, the last) match of it.
    let search_now = move |typed: String, forward: bool| {
        let found = Query::new(&typed).and_then(|query| {
            trace.with_value(|id| {
                state.peek(|store| {
                    let matches = search::trace_matches(store.trace(id)?, &query).observations;
                    let pick = if forward {
                        matches.first()
                    } else {
                        matches.last()
                    };
                    pick.map(|m| m.id.clone())
                })
            })
        });
        let query = Some(typed).filter(|t| !t.trim().is_empty());
        go(found.or_else(|| selected.get_untracked()), query);
    };
    let on_key = move |event: ev::KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            cancel_pending();
            let typed = input.get().map(|i| i.value()).unwrap_or_default();
            if typed.trim() == query.get_untracked().unwrap_or_default().trim() {
                step(!event.shift_key());
            } else {
                search_now(typed, !event.shift_key());
            }
        }
        "Escape" => {
            cancel_pending();
            if let Some(input) = input.get() {
                input.set_value("");
            }
            go(selected.get_untracked(), None);
        }
        _ => {}
    };
    // `/` anywhere on the page (outside a field) focuses the box.
    let slash = window_event_listener(ev::keydown, move |event| {
        if event.key() != "/" || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let typing = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if let (false, Some(input)) = (typing, input.get_untracked()) {
            event.prevent_default();
            let _ = input.focus();
            input.select();
        }
    });
    on_cleanup(move || slash.remove());
    let count = move || {
        let query = query.get().filter(|q| !q.trim().is_empty())?;
        let total = ids.with(Vec::len);
        let trace_matched = found.with(|f| f.as_ref().is_some_and(|f| !f.trace.is_empty()));
        Some(match (total, position.get()) {
            (0, _) if trace_matched => "the trace itself matches".to_string(),
            (0, _) => format!("no match for “{query}”"),
            (n, Some(k)) => format!("{} of {n}", k + 1),
            (1, None) => "1 match".to_string(),
            (n, None) => format!("{n} matches"),
        })
    };
    view! {
        <div class="trace-search">
            <input
                node_ref=input
                type="search"
                role="searchbox"
                placeholder="Search this trace  /"
                aria-label="Search this trace: names, models, input, output, metadata"
                aria-keyshortcuts="/"
                data-testid="trace-search"
                prop:value=move || query.get().unwrap_or_default()
                on:input=on_input
                on:keydown=on_key
            />
            <button title="Previous match (Shift+Enter)" aria-label="Previous match" on:click=move |_| step(false)
                disabled=move || ids.with(Vec::is_empty)>"↑"</button>
            <button title="Next match (Enter)" aria-label="Next match" on:click=move |_| step(true)
                disabled=move || ids.with(Vec::is_empty)>"↓"</button>
            <span class="search-count muted" data-testid="search-count" aria-live="polite">{count}</span>
        </div>
    }
}
