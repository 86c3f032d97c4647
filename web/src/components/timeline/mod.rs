//! The trace detail's tree and waterfall. `Timeline` is the container: it
//! reads the store and the selection, and renders the header (the time
//! axis) outside a generic `VirtualList` of rows. The rows come from the
//! pure `rows::flatten`, keys from the pure `keys::key_action`, one row's
//! look from `row::TimelineRow`.
//!
//! Selecting (click, arrows) replaces the URL's `&obs=` without a history
//! entry or a page scroll; the container is not built again, so its node and
//! its scroll position stay.
//!
//! Accessibility: the container is an ARIA treegrid and the one Tab stop;
//! rows are not focused (most are not in the DOM), the grid names the
//! selected row with `aria-activedescendant`.

pub mod keys;
pub mod row;
pub mod rows;

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::components::virtual_list::VirtualList;
use crate::links;
use crate::state::use_state;
use keys::{key_action, KeyAction};
use row::TimelineRow;
use rows::flatten;

const ROW_HEIGHT: f64 = 28.0;
const VIEWPORT: f64 = 560.0;

#[component]
pub fn Timeline(
    trace_id: String,
    selected: Signal<Option<String>>,
    /// The trace search (`&q=`), kept when the selection changes.
    query: Signal<Option<String>>,
    /// What the search found: those rows are marked.
    matches: Signal<Arc<HashSet<String>>>,
) -> impl IntoView {
    let state = use_state();
    let collapsed = RwSignal::new(HashSet::<String>::new());
    let rows = {
        let trace_id = trace_id.clone();
        Memo::new(move |_| {
            collapsed.with(|collapsed| {
                state.read(|store, _| {
                    store
                        .trace(&trace_id)
                        .map(|entry| flatten(entry, collapsed))
                        .unwrap_or_default()
                })
            })
        })
    };
    let span = Memo::new(move |_| rows.with(|rows| rows::span_ms(rows)));
    let selected_index = Memo::new(move |_| {
        selected.with(|id| {
            let id = id.as_deref()?;
            rows.with(|rows| rows.iter().position(|row| row.id == id))
        })
    });

    // The selection lives in the URL; changing it replaces the entry.
    let navigate = StoredValue::new_local(use_navigate());
    let select = Callback::new(move |id: String| {
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        let href = links::trace_view(&trace_id, Some(&id), query.get_untracked().as_deref());
        navigate.with_value(|go| go(&href, options));
    });
    // A new selection inside a folded node (a search result, a deep link)
    // unfolds the nodes above it, so its row can be shown. Only a new
    // selection: folding a node above the selected row stays folded.
    Effect::new(move |_| {
        let Some(id) = selected.get() else {
            return;
        };
        if selected_index.get_untracked().is_some() {
            return;
        }
        let above = state.peek(|store| {
            let mut above = Vec::new();
            let mut parent = store.observation(&id).and_then(|o| o.parent_id.clone());
            while let Some(id) = parent {
                parent = store.observation(&id).and_then(|o| o.parent_id.clone());
                above.push(id);
            }
            above
        });
        if collapsed.with_untracked(|set| above.iter().any(|id| set.contains(id))) {
            collapsed.update(|set| {
                above.iter().for_each(|id| {
                    set.remove(id);
                })
            });
        }
    });
    let fold = move |id: String, on: bool| {
        collapsed.update(|set| {
            if on {
                set.insert(id);
            } else {
                set.remove(&id);
            }
        })
    };
    let toggle = Callback::new(move |id: String| {
        let on = !collapsed.with_untracked(|set| set.contains(&id));
        fold(id, on);
    });
    let on_key = move |event: web_sys::KeyboardEvent| {
        let action = rows
            .with_untracked(|rows| key_action(&event.key(), rows, selected_index.get_untracked()));
        let Some(action) = action else {
            return;
        };
        // The tree's keys never scroll the page.
        event.prevent_default();
        match action {
            KeyAction::Select(i) => {
                if let Some(id) = rows.with_untracked(|rows| rows.get(i).map(|r| r.id.clone())) {
                    select.run(id);
                }
            }
            KeyAction::Fold(id, on) => fold(id, on),
            KeyAction::Nothing => {}
        }
    };

    view! {
        <div
            class="timeline"
            role="treegrid"
            aria-label="Observations"
            aria-activedescendant=move || selected.get().map(|id| row::dom_id(&id))
            tabindex="0"
            on:keydown=on_key
            data-testid="timeline"
        >
            <div class="timeline-head" role="row">
                <span class="name-cell" role="columnheader">"Observation"</span>
                <span class="bar-cell" role="columnheader">{move || format!("0 → {}", crate::format::duration(Some(span.get())))}</span>
            </div>
            <VirtualList
                count=Signal::derive(move || rows.with(Vec::len))
                row_height=ROW_HEIGHT
                height=VIEWPORT
                key=move |i| rows.with(|rows| rows.get(i).cloned())
                render=move |i| {
                    rows.with_untracked(|rows| rows.get(i).cloned()).map(|row| view! {
                        <TimelineRow row=row span=span selected=selected matches=matches on_select=select on_toggle=toggle/>
                    })
                }
                reveal=selected_index
            />
        </div>
    }
}
