//! The trace page's choice of view: the tree (and waterfall) or the flame
//! graph. Links, not buttons: each view is a URL (`&view=flame`), pushed
//! to the history, so the back button and deep links return to it; the
//! selection and search go along. Plain anchors (the router follows them
//! too): its `A` marks every link to the same path as the current page,
//! and both views share the path.

use leptos::prelude::*;

use crate::links;

#[component]
pub fn ViewSwitch(
    trace_id: String,
    selected: Signal<Option<String>>,
    query: Signal<Option<String>>,
    /// Whether the flame graph is shown.
    flame: Memo<bool>,
) -> impl IntoView {
    let trace = StoredValue::new(trace_id);
    let href = move |view: Option<&'static str>| {
        move || {
            let (obs, q) = (selected.get(), query.get());
            trace.with_value(|t| links::trace_in_view(t, obs.as_deref(), q.as_deref(), view))
        }
    };
    let current = move |on: bool| move || (flame.get() == on).then_some("page");
    view! {
        <nav class="view-switch" aria-label="Trace view" data-testid="view-switch">
            <a href=href(None) aria-current=current(false) data-testid="view-tree">"Tree"</a>
            <a href=href(Some(super::VIEW)) aria-current=current(true) data-testid="view-flame">"Flame graph"</a>
        </nav>
    }
}
