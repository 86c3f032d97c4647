//! A generic virtual list: a scrolling viewport in which only the rows in
//! view, plus `overscan` rows each side, are in the DOM. It knows a row
//! count, one row height, how to key and how to draw row `i`; never what
//! the rows are.
//!
//! Invariant: a row is positioned from its *current* index. A row keeps its
//! DOM node while its key stays in the window (so a node that moved up, say
//! after a collapse above it, is moved, not drawn again), and its `top`
//! follows the index its key has now.

use std::hash::Hash;
use std::ops::Range;

use leptos::html::Div;
use leptos::prelude::*;

#[component]
pub fn VirtualList<K, KF, RF, V>(
    /// How many rows there are.
    #[prop(into)]
    count: Signal<usize>,
    /// Every row's height, in px.
    row_height: f64,
    /// The viewport's height, in px.
    height: f64,
    /// Rows kept in the DOM beyond each edge of the viewport.
    #[prop(default = 10)]
    overscan: usize,
    /// Row `i`'s identity, read tracked. A row is drawn again only when its
    /// key changes, so the key must change whenever what `render` draws for
    /// it does.
    key: KF,
    /// Draws row `i`, read untracked (the key says when to draw again).
    render: RF,
    /// A row to keep in view: when it changes and is outside the viewport,
    /// the viewport (never the page) scrolls just enough to show it.
    #[prop(optional, into)]
    reveal: Option<Signal<Option<usize>>>,
) -> impl IntoView
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    KF: Fn(usize) -> K + Send + Sync + 'static,
    RF: Fn(usize) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let scroll_top = RwSignal::new(0.0);
    let viewport = NodeRef::<Div>::new();
    // The rows in the window, with their keys and current indexes.
    let window = Memo::new(move |_| {
        visible(scroll_top.get(), height, row_height, count.get(), overscan)
            .map(|i| (key(i), i))
            .collect::<Vec<_>>()
    });
    if let Some(reveal) = reveal {
        Effect::new(move |_| {
            let (Some(index), Some(element)) = (reveal.get(), viewport.get()) else {
                return;
            };
            let top = index as f64 * row_height;
            let shown = f64::from(element.client_height());
            if let Some(to) =
                scroll_to_show(top, row_height, f64::from(element.scroll_top()), shown)
            {
                element.set_scroll_top(to.round() as i32);
            }
        });
    }
    let row = move |(row_key, created_at): (K, usize)| {
        let index = move || {
            window.with(|rows| {
                rows.iter()
                    .find(|(k, _)| *k == row_key)
                    .map_or(created_at, |(_, i)| *i)
            })
        };
        let drawn = untrack(|| render(created_at));
        view! {
            <div class="vlist-row" style=move || format!("top:{}px;height:{row_height}px", index() as f64 * row_height)>
                {drawn}
            </div>
        }
    };
    view! {
        <div
            class="viewport"
            node_ref=viewport
            style=format!("height:{height}px")
            on:scroll=move |event| {
                let target: web_sys::Element = event_target(&event);
                scroll_top.set(f64::from(target.scroll_top()));
            }
        >
            <div class="spacer" style=move || format!("height:{}px", count.get() as f64 * row_height)>
                <For each=move || window.get() key=|(k, _)| k.clone() children=row/>
            </div>
        </div>
    }
}

/// Rows intersecting the viewport, plus `overscan` rows on each side.
pub fn visible(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    count: usize,
    overscan: usize,
) -> Range<usize> {
    if count == 0 || row_height <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let shown = (viewport / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(count);
    let end = (first + shown + overscan).min(count);
    start..end
}

/// Where to scroll so a row (`top`, `height`) is wholly in the viewport, or
/// `None` when it already is: the least move, up or down.
pub fn scroll_to_show(top: f64, height: f64, scroll_top: f64, viewport: f64) -> Option<f64> {
    if top < scroll_top {
        Some(top)
    } else if top + height > scroll_top + viewport {
        Some((top + height - viewport).max(0.0))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_bounded_whatever_the_count() {
        assert_eq!(visible(0.0, 560.0, 28.0, 20_000, 10), 0..31);
        assert_eq!(visible(28_000.0, 560.0, 28.0, 20_000, 10), 990..1031);
        assert_eq!(visible(1e9, 560.0, 28.0, 20_000, 10), 20_000..20_000);
        assert_eq!(visible(0.0, 560.0, 28.0, 5, 10), 0..5);
        assert_eq!(visible(0.0, 560.0, 28.0, 0, 10), 0..0);
    }

    #[test]
    fn scroll_to_show_moves_the_least_and_only_when_needed() {
        // Rows 0..20 shown (560 px of 28 px rows from 0).
        assert_eq!(scroll_to_show(19.0 * 28.0, 28.0, 0.0, 560.0), None);
        assert_eq!(scroll_to_show(20.0 * 28.0, 28.0, 0.0, 560.0), Some(28.0));
        assert_eq!(scroll_to_show(2.0 * 28.0, 28.0, 280.0, 560.0), Some(56.0));
        assert_eq!(scroll_to_show(10.0 * 28.0, 28.0, 280.0, 560.0), None);
    }
}
