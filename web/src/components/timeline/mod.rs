//! The trace detail's tree and waterfall: one container holding the
//! virtualised rows (name cell + bar on one shared time axis). The rows are
//! computed by the pure `rows::flatten`; only the rows in view are in the DOM.

pub mod rows;
pub mod window;

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use prompttrace::store::TraceEntry;

use crate::links;
use crate::state::use_state;
use rows::{flatten, Row};

const ROW_HEIGHT: f64 = 28.0;
const VIEWPORT: f64 = 560.0;

#[component]
pub fn Timeline(trace_id: String, selected: Signal<Option<String>>) -> impl IntoView {
    let state = use_state();
    let collapsed = RwSignal::new(HashSet::<String>::new());
    let scroll_top = RwSignal::new(0.0);
    let id = trace_id.clone();
    let rows = Memo::new(move |_| {
        let collapsed = collapsed.get();
        state.read(|store, _| {
            store
                .trace(&id)
                .map(|entry: &TraceEntry| flatten(entry, &collapsed))
                .unwrap_or_default()
        })
    });
    let span = Memo::new(move |_| rows.with(|rows| rows::span_ms(rows)));
    let visible = move || {
        let all = rows.get();
        let range = window::visible(scroll_top.get(), VIEWPORT, ROW_HEIGHT, all.len(), 10);
        let start = range.start;
        all[range]
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, row)| (start + i, row))
            .collect::<Vec<_>>()
    };
    let navigate = use_navigate();
    let trace_for_select = trace_id.clone();
    let select = move |id: &str| {
        navigate(
            &links::observation(&trace_for_select, id),
            Default::default(),
        )
    };
    let select_for_keys = select.clone();
    let on_key = move |event: web_sys::KeyboardEvent| {
        let all = rows.get_untracked();
        let current = selected
            .get_untracked()
            .and_then(|id| all.iter().position(|r| r.id == id));
        let at = |i: usize| all.get(i).map(|r| r.id.clone());
        let target = match event.key().as_str() {
            "ArrowDown" => {
                current.map_or(Some(0), |i| Some((i + 1).min(all.len().saturating_sub(1))))
            }
            "ArrowUp" => current.map(|i| i.saturating_sub(1)),
            "ArrowLeft" | "ArrowRight" | "Enter" => {
                if let Some(row) = current.and_then(|i| all.get(i)) {
                    let collapse = match event.key().as_str() {
                        "ArrowLeft" => true,
                        "ArrowRight" => false,
                        _ => !row.collapsed,
                    };
                    if row.has_children {
                        collapsed.update(|set| {
                            if collapse {
                                set.insert(row.id.clone());
                            } else {
                                set.remove(&row.id);
                            }
                        });
                    }
                }
                None
            }
            _ => return,
        };
        event.prevent_default();
        if let Some(id) = target.and_then(at) {
            select_for_keys(&id);
        }
    };

    view! {
        <div class="timeline" tabindex="0" on:keydown=on_key data-testid="timeline">
            <div class="timeline-head">
                <span class="name-cell">"Observation"</span>
                <span class="bar-cell">{move || format!("0 → {}", crate::format::duration(Some(span.get())))}</span>
            </div>
            <div
                class="viewport"
                style=format!("height:{VIEWPORT}px")
                on:scroll=move |event| {
                    let target: web_sys::Element = event_target(&event);
                    scroll_top.set(target.scroll_top() as f64);
                }
            >
                <div class="spacer" style=move || format!("height:{}px", rows.with(Vec::len) as f64 * ROW_HEIGHT)>
                    <For each=visible key=|(_, row)| (row.id.clone(), row.collapsed) let:item>
                        <TimelineRow
                            index=item.0
                            row=item.1
                            span=span
                            selected=selected
                            on_select=select.clone()
                            on_toggle=move |id: String| collapsed.update(|set| {
                                if !set.remove(&id) {
                                    set.insert(id);
                                }
                            })
                        />
                    </For>
                </div>
            </div>
        </div>
    }
}

#[component]
fn TimelineRow(
    index: usize,
    row: Row,
    span: Memo<f64>,
    selected: Signal<Option<String>>,
    on_select: impl Fn(&str) + Clone + 'static,
    on_toggle: impl Fn(String) + Clone + 'static,
) -> impl IntoView {
    let id = row.id.clone();
    let is_selected = {
        let id = id.clone();
        move || selected.get().as_deref() == Some(id.as_str())
    };
    let bar = move || {
        let span = span.get().max(1e-9);
        let left = row.start_ms / span * 100.0;
        let width = row
            .duration_ms
            .map_or(100.0 - left, |d| (d / span * 100.0).max(0.3));
        format!("left:{left:.3}%;width:{width:.3}%")
    };
    let toggle_id = id.clone();
    let select_id = id.clone();
    let status = row.status.as_str();
    view! {
        <div
            class=move || format!("row status-{status} level-{}{}", row.level.as_str(), if is_selected() { " selected" } else { "" })
            style=format!("top:{}px;height:{ROW_HEIGHT}px", index as f64 * ROW_HEIGHT)
            data-testid="timeline-row"
            on:click=move |_| on_select(&select_id)
        >
            <span class="name-cell" style=format!("padding-left:{}px", 8 + row.depth * 16)>
                {row.has_children.then(|| {
                    let toggle_id = toggle_id.clone();
                    let on_toggle = on_toggle.clone();
                    view! {
                        <button class="toggle" on:click=move |event| {
                            event.stop_propagation();
                            on_toggle(toggle_id.clone());
                        }>{if row.collapsed { "▸" } else { "▾" }}</button>
                    }
                })}
                <span class=format!("type type-{}", row.kind.as_str())>{row.kind.as_str()}</span>
                " "
                <span class="obs-name">{row.name.clone()}</span>
                {(status == "running").then(|| view! { <span class="badge running">"running"</span> })}
                {(status == "error").then(|| view! { <span class="badge error">"error"</span> })}
            </span>
            <span class="bar-cell">
                <span class=format!("bar bar-{}", row.kind.as_str()) style=bar></span>
                <span class="bar-label">{crate::format::duration(row.duration_ms)}</span>
            </span>
        </div>
    }
}
