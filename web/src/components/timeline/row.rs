//! One row of the timeline, a treegrid row: the name cell (indent, fold
//! toggle, type, name, status badges) and the bar on the trace's time axis
//! with its duration beside it. Drawn once per `Row` value; only its
//! selected state follows the selection.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;

use super::rows::Row;
use crate::links;

/// A bar ending after this share of the axis (%) has its label on its left:
/// the right has no room for it.
const LABEL_RIGHT_UNTIL: f64 = 80.0;

#[component]
pub fn TimelineRow(
    row: Row,
    /// The time axis, in ms from the trace start.
    span: Memo<f64>,
    selected: Signal<Option<String>>,
    /// The observations the trace search found.
    matches: Signal<Arc<HashSet<String>>>,
    on_select: Callback<String>,
    on_toggle: Callback<String>,
) -> impl IntoView {
    let is_selected = {
        let id = row.id.clone();
        Memo::new(move |_| selected.with(|s| s.as_deref() == Some(id.as_str())))
    };
    let is_match = {
        let id = row.id.clone();
        Memo::new(move |_| matches.with(|m| m.contains(&id)))
    };
    let (start_ms, duration_ms) = (row.start_ms, row.duration_ms);
    let extent = move || bar_extent(start_ms, duration_ms, span.get());
    let bar = move || {
        let (left, width) = extent();
        format!("left:{left:.3}%;width:{width:.3}%")
    };
    let label = move || label_place(extent());
    let (status, level, kind) = (row.status.as_str(), row.level.as_str(), row.kind.as_str());
    let select_id = row.id.clone();
    let toggle = row.has_children.then(|| {
        let id = row.id.clone();
        let (glyph, verb) = if row.collapsed {
            ("▸", "Expand")
        } else {
            ("▾", "Collapse")
        };
        // Out of the Tab order: the grid has one stop, and its arrow keys fold.
        view! {
            <button class="toggle" tabindex="-1" aria-label=format!("{verb} {}", row.name) on:click=move |event| {
                event.stop_propagation();
                on_toggle.run(id.clone());
            }>{glyph}</button>
        }
    });
    let expanded = row
        .has_children
        .then_some(if row.collapsed { "false" } else { "true" });
    view! {
        <div
            role="row"
            id=dom_id(&row.id)
            aria-expanded=expanded
            aria-selected=move || is_selected.get().to_string()
            class=move || row_class(status, level, is_selected.get(), is_match.get())
            data-testid="timeline-row"
            on:click=move |_| on_select.run(select_id.clone())
            // Leptos has no typed `aria-level`.
            {..custom_attribute("aria-level", (row.depth + 1).to_string())}
        >
            <span class="name-cell" role="gridcell" style=format!("padding-left:{}px", 8 + row.depth * 16)>
                {toggle}
                <span class=format!("type type-{kind}")>{kind}</span>
                " "
                <span class="obs-name">{row.name}</span>
                {(status == "running").then(|| view! { <span class="badge running">"running"</span> })}
                {(status == "error").then(|| view! { <span class="badge error">"error"</span> })}
            </span>
            <span class="bar-cell" role="gridcell">
                <span class="bar-track">
                    <span class=format!("bar bar-{kind}") style=bar></span>
                    <span class=move || label().0 style=move || label().1>{crate::format::duration(duration_ms)}</span>
                </span>
            </span>
        </div>
    }
}

/// The row's classes. A state shown on the row (selected; later, say, a
/// search match) is one more class here and one rule in style.css.
fn row_class(status: &str, level: &str, selected: bool, matched: bool) -> String {
    let mut class = format!("row status-{status} level-{level}");
    if selected {
        class.push_str(" selected");
    }
    if matched {
        class.push_str(" match");
    }
    class
}

/// The element id of an observation's row, which the treegrid's
/// `aria-activedescendant` names (ids may hold any character; this is safe).
pub fn dom_id(observation: &str) -> String {
    format!("obs-row-{}", links::encode(observation))
}

/// The bar's left edge and width, in % of the axis. A bar still running
/// reaches the end; a bar too short to see gets a sliver.
fn bar_extent(start_ms: f64, duration_ms: Option<f64>, span_ms: f64) -> (f64, f64) {
    let span = span_ms.max(1e-9);
    let left = start_ms / span * 100.0;
    let width = duration_ms.map_or(100.0 - left, |d| (d / span * 100.0).max(0.3));
    (left, width)
}

/// The duration label's class and position: beside the bar, never on it —
/// after its end when there is room, else before its start (the track
/// leaves room there even for a bar from 0).
fn label_place((left, width): (f64, f64)) -> (&'static str, String) {
    let end = left + width;
    if end <= LABEL_RIGHT_UNTIL {
        ("bar-label after", format!("left:calc({end:.3}% + 6px)"))
    } else {
        (
            "bar-label before",
            format!("right:calc({:.3}% + 6px)", 100.0 - left),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_go_after_a_bar_with_room_and_before_one_without() {
        assert_eq!(label_place((0.0, 2.0)).0, "bar-label after");
        assert_eq!(label_place((40.0, 40.0)).0, "bar-label after");
        assert_eq!(label_place((98.0, 2.0)).0, "bar-label before");
        let (class, style) = label_place((0.0, 100.0));
        assert_eq!(
            (class, style.as_str()),
            ("bar-label before", "right:calc(100.000% + 6px)")
        );
    }

    #[test]
    fn running_bars_reach_the_end_and_short_ones_stay_visible() {
        assert_eq!(bar_extent(500.0, None, 1000.0), (50.0, 50.0));
        assert_eq!(bar_extent(0.0, Some(0.0), 1000.0), (0.0, 0.3));
    }
}
