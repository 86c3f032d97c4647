//! One row of the timeline: the name cell (indent, fold toggle, type, name,
//! status badges) and the bar on the trace's time axis. Drawn once per
//! `Row` value; only its "selected" class follows the selection.

use leptos::prelude::*;

use super::rows::Row;

#[component]
pub fn TimelineRow(
    row: Row,
    /// The time axis, in ms from the trace start.
    span: Memo<f64>,
    selected: Signal<Option<String>>,
    on_select: Callback<String>,
    on_toggle: Callback<String>,
) -> impl IntoView {
    let is_selected = {
        let id = row.id.clone();
        move || selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    let (start_ms, duration_ms) = (row.start_ms, row.duration_ms);
    let bar = move || {
        let span = span.get().max(1e-9);
        let left = start_ms / span * 100.0;
        let width = duration_ms.map_or(100.0 - left, |d| (d / span * 100.0).max(0.3));
        format!("left:{left:.3}%;width:{width:.3}%")
    };
    let status = row.status.as_str();
    let level = row.level.as_str();
    let kind = row.kind.as_str();
    let select_id = row.id.clone();
    let toggle = row.has_children.then(|| {
        let id = row.id.clone();
        view! {
            <button class="toggle" on:click=move |event| {
                event.stop_propagation();
                on_toggle.run(id.clone());
            }>{if row.collapsed { "▸" } else { "▾" }}</button>
        }
    });
    view! {
        <div
            class=move || format!("row status-{status} level-{level}{}", if is_selected() { " selected" } else { "" })
            data-testid="timeline-row"
            on:click=move |_| on_select.run(select_id.clone())
        >
            <span class="name-cell" style=format!("padding-left:{}px", 8 + row.depth * 16)>
                {toggle}
                <span class=format!("type type-{kind}")>{kind}</span>
                " "
                <span class="obs-name">{row.name}</span>
                {(status == "running").then(|| view! { <span class="badge running">"running"</span> })}
                {(status == "error").then(|| view! { <span class="badge error">"error"</span> })}
            </span>
            <span class="bar-cell">
                <span class=format!("bar bar-{kind}") style=bar></span>
                <span class="bar-label">{crate::format::duration(duration_ms)}</span>
            </span>
        </div>
    }
}
