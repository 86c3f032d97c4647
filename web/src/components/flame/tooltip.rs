//! The flame graph's hover card: name, type, duration, tokens and cost of
//! the frame under the pointer (core's figures: its own duration, the
//! subtree's tokens and cost, labelled "incl. children"), as text. A block
//! of merged spans says how many it holds and whether an error is among
//! them.

use leptos::prelude::*;
use prompttrace::flame::{Flame, Frame, Placed};

use crate::format;

/// The block under the pointer, and where the pointer is (viewport px:
/// the card is fixed, so the graph's scrolling box never cuts it off).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hover {
    pub block: Placed,
    pub x: f64,
    pub y: f64,
}

/// Its card stays this far from the pointer.
const OFFSET: f64 = 14.0;
/// The card's widest (style.css), to keep it inside the window.
const CARD_WIDTH: f64 = 320.0;
/// About the tallest card (a long name cut at 4.5 lines, six figures).
const CARD_HEIGHT: f64 = 200.0;

#[component]
pub fn Tooltip(hover: RwSignal<Option<Hover>>, graph: Memo<Flame>) -> impl IntoView {
    let block = Memo::new(move |_| hover.get().map(|h| h.block));
    let position = move || {
        let window = web_sys::window();
        let size =
            |v: Option<wasm_bindgen::JsValue>| v.and_then(|v| v.as_f64()).unwrap_or(f64::MAX);
        let room = size(window.as_ref().and_then(|w| w.inner_width().ok()));
        let room_below = size(window.as_ref().and_then(|w| w.inner_height().ok()));
        hover.get().map_or(String::new(), |h| {
            // Left of the pointer where the right has no room for it, and
            // above it where the bottom has none.
            let left = if h.x + OFFSET + CARD_WIDTH > room {
                (h.x - OFFSET - CARD_WIDTH).max(0.0)
            } else {
                h.x + OFFSET
            };
            if h.y + OFFSET + CARD_HEIGHT > room_below {
                let bottom = room_below - h.y + OFFSET;
                format!("left:{left:.0}px;bottom:{bottom:.0}px")
            } else {
                format!("left:{left:.0}px;top:{:.0}px", h.y + OFFSET)
            }
        })
    };
    let card = move || {
        let block = block.get()?;
        graph.with(|g| {
            let frame = g.frames.get(block.frame)?;
            Some(if block.merged > 1 {
                view! {
                    <strong>{format!("{} observations", block.merged)}</strong>
                    <span>"Too narrow to draw one by one: click to zoom in"</span>
                    {block.error_below.then(|| view! { <span class="flame-error">" ✕ an error among them"</span> })}
                }
                .into_any()
            } else {
                card(frame, block.error_below).into_any()
            })
        })
    };
    view! {
        <Show when=move || block.with(Option::is_some)>
            <div class="flame-tooltip" role="tooltip" data-testid="flame-tooltip" style=position>
                {card}
            </div>
        </Show>
    }
}

fn card(frame: &Frame, error_below: bool) -> impl IntoView {
    let kind = frame.kind.as_str();
    view! {
        <strong data-testid="flame-tooltip-name">{frame.name.clone()}</strong>
        <dl>
            <dt>"Type"</dt><dd>{kind}</dd>
            <dt>"Duration"</dt><dd data-testid="flame-tooltip-duration">{format::duration(frame.duration_ms)}</dd>
            <dt>"Tokens"</dt><dd data-testid="flame-tooltip-tokens">{format::count(frame.tokens.total)}" incl. children"</dd>
            <dt>"Cost"</dt><dd data-testid="flame-tooltip-cost">{format::cost(frame.cost.total)}" incl. children"</dd>
            {frame.error.then(|| view! { <dt>"Status"</dt><dd class="flame-error">"✕ error"</dd> })}
            {(error_below && !frame.error).then(|| view! { <dt>"Below"</dt><dd class="flame-error">"✕ an error"</dd> })}
        </dl>
    }
}

/// The selected frame read out by the live region.
pub fn summary(frame: &Frame) -> String {
    let error = if frame.error { ", error" } else { "" };
    format!(
        "{}: {}, {}, {} tokens and cost {} incl. children{error}",
        frame.name,
        frame.kind.as_str(),
        format::duration(frame.duration_ms),
        format::count(frame.tokens.total),
        format::cost(frame.cost.total),
    )
}
