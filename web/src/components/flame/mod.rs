//! The trace page's flame graph (icicle): core's `flame::flame` frames,
//! placed by core's `flame::layout` for the canvas width and zoom window,
//! drawn by `draw`. Only drawing and events live here.
//!
//! It shares the selection with the tree: `&obs=` in the URL (replaced,
//! not pushed, as the tree does), with `&view=flame` kept. Clicking a frame
//! selects it and zooms to it (its range fills the width); clicking a block
//! of merged spans zooms to the block; "Reset zoom" or Escape shows the
//! whole trace again. A selection made elsewhere that falls outside the
//! zoom resets it.
//!
//! Accessibility: the canvas is an image with a text alternative (what is
//! selected); the graph is one Tab stop whose arrow keys move the selection
//! along the tree (up: parent, down: first child, left/right: siblings),
//! Enter zooms to it; the selection path is a list of buttons above it, and
//! a live region reads the selected frame's figures.
//!
//! Size: the canvas is only as tall as the visible part of its scrolling
//! box (a fan-out of thousands of parallel calls has thousands of rows,
//! taller than a browser's canvas limit): a spacer gives the box the
//! graph's full height, the canvas sticks to its top and draws the rows
//! scrolled into view, again on each scroll. A `ResizeObserver` on the box
//! (disconnected when the view goes) redraws when its width changes: a
//! window resize, the page's grid narrowing, a zoom of the page.

mod draw;
mod switch;
mod tooltip;

pub use switch::ViewSwitch;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use prompttrace::flame::{self, hit, layout, Placed, Step, Window};
use prompttrace::rollup::PriceCache;

use crate::links;
use crate::state::use_state;
use draw::{draw, Palette, Rows, MIN_WIDTH, ROW_HEIGHT};
use tooltip::{Hover, Tooltip};

/// The view's name in the URL (`&view=flame`).
pub const VIEW: &str = "flame";

#[component]
pub fn FlameGraph(
    trace_id: String,
    selected: Signal<Option<String>>,
    /// The trace search (`&q=`), kept when the selection changes.
    query: Signal<Option<String>>,
) -> impl IntoView {
    let state = use_state();
    let graph = {
        let trace_id = trace_id.clone();
        Memo::new_owning(move |_| {
            let graph = state.read(|store, prices| {
                store
                    .trace(&trace_id)
                    .map(|entry| flame::flame(entry, &mut PriceCache::new(prices)))
                    .unwrap_or_default()
            });
            (graph, true)
        })
    };
    let selected_index = Memo::new(move |_| {
        let id = selected.get()?;
        graph.with(|g| g.index_of(&id))
    });
    // `None`: the whole trace.
    let zoom = RwSignal::new(None::<Window>);
    let hover = RwSignal::new(None::<Hover>);
    // The box's inner width and height, and how far it is scrolled (CSS px).
    let width = RwSignal::new(0.0_f64);
    let visible = RwSignal::new(0.0_f64);
    let scrolled = RwSignal::new(0.0_f64);
    let placed = StoredValue::new(Vec::<Placed>::new());
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let wrapper = NodeRef::<leptos::html::Div>::new();
    let theme = use_context::<crate::Theme>();

    // `try_`: a last resize notice may come after the view is gone.
    let measure = move || {
        if let Some(Some(div)) = wrapper.try_get_untracked() {
            width.try_set(f64::from(div.client_width()));
            visible.try_set(f64::from(div.client_height()));
        }
    };
    let observer = StoredValue::new_local(resize_observer(measure));
    Effect::new(move |_| {
        if let Some(div) = wrapper.get() {
            observer.with_value(|o| o.as_ref().map(|o| o.observe(&div)));
        }
        measure();
    });
    on_cleanup(move || {
        observer.try_with_value(|o| o.as_ref().map(web_sys::ResizeObserver::disconnect));
    });

    // The card describes what is under the pointer now: a new graph, zoom
    // or scroll moves what is there.
    Effect::new(move |_| {
        graph.track();
        zoom.track();
        scrolled.track();
        hover.set(None);
    });

    // A selection from elsewhere (the tree, a search, keys) that the zoom
    // does not show resets the zoom.
    Effect::new(move |_| {
        let Some(i) = selected_index.get() else {
            return;
        };
        let Some(window) = zoom.get_untracked() else {
            return;
        };
        let outside = graph.with_untracked(|g| window.pixels(&g.frames[i], 1.0).is_none());
        if outside {
            zoom.set(None);
        }
    });

    // Drawn again when the trace, the zoom, the width, the selection or the
    // theme changes, in the next frame (after the theme's attribute is set,
    // and once for changes made together); the counters on the canvas say
    // what was drawn (tests and the bench read them).
    // `try_`: the graph may be gone (another view chosen) by the frame.
    let paint = move || {
        let (Some(Some(canvas)), Some(width), Some(selected), Some(zoom)) = (
            canvas.try_get_untracked(),
            width.try_get_untracked(),
            selected_index.try_get_untracked(),
            zoom.try_get_untracked(),
        ) else {
            return;
        };
        let rows = Rows {
            top: scrolled.try_get_untracked().unwrap_or(0.0),
            height: visible.try_get_untracked().unwrap_or(0.0),
        };
        if width <= 0.0 {
            return;
        }
        let started = now();
        graph.try_with_untracked(|g| {
            let window = zoom.unwrap_or_else(|| Window::whole(g));
            let blocks = layout(g, window, width, MIN_WIDTH);
            let at = selected.map(|i| (i, window.pixels(&g.frames[i], width)));
            let drawn = draw(&canvas, g, &blocks, width, rows, at, &Palette::read());
            let _ = canvas.set_attribute("data-blocks", &blocks.len().to_string());
            let _ = canvas.set_attribute("data-frames", &g.frames.len().to_string());
            match drawn.selected_box {
                Some(b) => {
                    let text = b.map(|v| format!("{v:.1}")).join(",");
                    let _ = canvas.set_attribute("data-selected-box", &text);
                }
                None => {
                    let _ = canvas.remove_attribute("data-selected-box");
                }
            }
            placed.try_update_value(|p| *p = blocks);
        });
        let _ = canvas.set_attribute("data-draw-ms", &format!("{:.1}", now() - started));
        let count = canvas
            .get_attribute("data-draws")
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        let _ = canvas.set_attribute("data-draws", &(count + 1).to_string());
    };
    let queued = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(theme) = theme {
            theme.0.track();
        }
        canvas.track();
        width.track();
        visible.track();
        scrolled.track();
        zoom.track();
        selected_index.track();
        graph.track();
        if !queued.get_value() {
            queued.set_value(true);
            request_animation_frame(move || {
                queued.try_update_value(|q| *q = false);
                paint();
            });
        }
    });

    let navigate = StoredValue::new_local(use_navigate());
    let trace_id = StoredValue::new(trace_id);
    let select = move |index: usize| {
        let Some(id) = graph.with_untracked(|g| g.frames.get(index).map(|f| f.id.clone())) else {
            return;
        };
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        let query = query.get_untracked();
        let href = trace_id
            .with_value(|t| links::trace_in_view(t, Some(&id), query.as_deref(), Some(VIEW)));
        navigate.with_value(|go| go(&href, options));
    };
    let zoom_to = move |index: usize| {
        if let Some(w) = graph.with_untracked(|g| g.frames.get(index).map(Window::of)) {
            zoom.set(Some(w));
        }
    };
    // `y` on the canvas, which shows the rows from the box's scroll on.
    let block_at = move |x: f64, y: f64| -> Option<Placed> {
        let row = ((y + scrolled.get_untracked()) / ROW_HEIGHT).floor();
        if row < 0.0 {
            return None;
        }
        placed.with_value(|p| hit(p, x, row as usize, MIN_WIDTH).copied())
    };
    let on_click = move |event: web_sys::MouseEvent| {
        let Some(block) = block_at(f64::from(event.offset_x()), f64::from(event.offset_y())) else {
            return;
        };
        if block.merged > 1 {
            zoom.set(Some(Window::between(block.from_ms, block.to_ms)));
        } else {
            zoom_to(block.frame);
            select(block.frame);
        }
    };
    let on_move = move |event: web_sys::MouseEvent| {
        let (x, y) = (f64::from(event.offset_x()), f64::from(event.offset_y()));
        let (x_view, y_view) = (f64::from(event.client_x()), f64::from(event.client_y()));
        let next = block_at(x, y).map(|block| Hover {
            block,
            x: x_view,
            y: y_view,
        });
        if hover.with_untracked(|h| h.map(|h| h.block) != next.map(|n| n.block)) {
            hover.set(next);
        } else if let Some(next) = next {
            hover.set(Some(next));
        }
    };
    let on_key = move |event: web_sys::KeyboardEvent| {
        let step = match event.key().as_str() {
            "ArrowUp" => Some(Step::Parent),
            "ArrowDown" => Some(Step::FirstChild),
            "ArrowLeft" => Some(Step::PreviousSibling),
            "ArrowRight" => Some(Step::NextSibling),
            "Enter" => {
                event.prevent_default();
                if let Some(i) = selected_index.get_untracked() {
                    zoom_to(i);
                }
                return;
            }
            "Escape" => {
                event.prevent_default();
                zoom.set(None);
                return;
            }
            _ => return,
        };
        // The graph's keys never scroll the page.
        event.prevent_default();
        let target = graph.with_untracked(|g| g.step(selected_index.get_untracked(), step?));
        if let Some(i) = target {
            select(i);
        }
    };

    let path = Memo::new(move |_| {
        let i = selected_index.get()?;
        Some(graph.with(|g| {
            g.path(i)
                .into_iter()
                .map(|i| (i, g.frames[i].name.clone()))
                .collect::<Vec<_>>()
        }))
    });
    let label = move || {
        let count = graph.with(|g| g.frames.len());
        let chosen = selected_index
            .get()
            .and_then(|i| graph.with(|g| g.frames.get(i).map(|f| f.name.clone())));
        match chosen {
            Some(name) => format!("Flame graph of {count} observations; selected: {name}"),
            None => format!("Flame graph of {count} observations"),
        }
    };
    let announced = move || {
        let i = selected_index.get()?;
        graph.with(|g| g.frames.get(i).map(tooltip::summary))
    };
    view! {
        <div class="flame" data-testid="flame">
            <div class="flame-bar">
                <nav class="flame-path" aria-label="Selection path">
                    <ol>
                        {move || path.get().unwrap_or_default().into_iter().map(|(i, name)| view! {
                            <li><button type="button" on:click=move |_| select(i)>{name}</button></li>
                        }).collect_view()}
                    </ol>
                </nav>
                <button
                    type="button"
                    data-testid="flame-reset"
                    disabled=move || zoom.with(Option::is_none)
                    on:click=move |_| zoom.set(None)
                >"Reset zoom"</button>
            </div>
            <div
                class="flame-canvas"
                node_ref=wrapper
                tabindex="0"
                role="group"
                aria-label="Flame graph: arrow keys move the selection, Enter zooms, Escape resets"
                on:keydown=on_key
                on:scroll=move |_| {
                    if let Some(div) = wrapper.get_untracked() {
                        scrolled.set(f64::from(div.scroll_top()));
                    }
                }
            >
                <div class="flame-space" style=move || format!("height:{}px", graph.with(|g| g.rows.max(1)) as f64 * ROW_HEIGHT)>
                <canvas
                    node_ref=canvas
                    role="img"
                    aria-label=label
                    data-testid="flame-canvas"
                    on:click=on_click
                    on:mousemove=on_move
                    on:mouseleave=move |_| hover.set(None)
                ></canvas>
                </div>
                <Tooltip hover=hover graph=graph/>
            </div>
            <p class="visually-hidden" aria-live="polite" data-testid="flame-announce">{announced}</p>
        </div>
    }
}

/// A `ResizeObserver` calling `on_resize`; `None` where the browser has
/// none. Its callback lives as long as the page (a few bytes per visit):
/// the browser may call it once more after the view is gone.
fn resize_observer(on_resize: impl Fn() + 'static) -> Option<web_sys::ResizeObserver> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let callback = Closure::<dyn Fn()>::new(on_resize);
    let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
    callback.forget();
    observer
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
