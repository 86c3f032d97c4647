//! Drawing the placed blocks of core's `flame::layout` on a canvas: a row
//! per core row, colours from the theme's CSS variables (read at each draw,
//! so a theme switch only needs a redraw), labels only where they fit.
//! Only the rows scrolled into view are drawn, on a canvas as tall as the
//! view: its backing store stays a screenful, whatever the graph's height.

use prompttrace::flame::{Flame, Placed};
use prompttrace::model::ObservationType;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// One row's height in CSS pixels.
pub const ROW_HEIGHT: f64 = 22.0;
/// Blocks narrower than this (CSS px) are merged or culled by the layout.
pub const MIN_WIDTH: f64 = 1.0;
/// A label needs this much room besides its text.
const PADDING: f64 = 4.0;
const FONT: &str = "12px system-ui, -apple-system, \"Segoe UI\", sans-serif";
/// How strongly a block is tinted with its type's colour: light enough for
/// the theme's text colour to stay readable on it, in either theme.
const TINT: f64 = 0.32;
const SELECTED_TINT: f64 = 0.6;
/// Drawn before an error frame's label (with its red outline): a shape, not
/// only a colour.
const ERROR_MARK: &str = "✕";
/// The red strip along the bottom of a block standing for an error it
/// cannot show (a merged block holding one, an ancestor of one).
const ERROR_BELOW: f64 = 3.0;

/// The theme's colours, as CSS variables on the root element.
pub struct Palette {
    bg: String,
    fg: String,
    muted: String,
    error: String,
    /// `--span`, `--generation`, …: indexed like `ObservationType::ALL`.
    kinds: Vec<String>,
}

impl Palette {
    pub fn read() -> Palette {
        let style = web_sys::window()
            .zip(document_element())
            .and_then(|(w, root)| w.get_computed_style(&root).ok().flatten());
        let var = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(&format!("--{name}")).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Palette {
            bg: var("bg", "#fff"),
            fg: var("fg", "#000"),
            muted: var("muted", "#888"),
            error: var("error", "#c00"),
            kinds: ObservationType::ALL
                .iter()
                .map(|k| var(k.as_str(), "#888"))
                .collect(),
        }
    }

    fn kind(&self, kind: ObservationType) -> &str {
        ObservationType::ALL
            .iter()
            .position(|k| *k == kind)
            .map_or(&self.muted, |i| &self.kinds[i])
    }
}

fn document_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// Where the selected frame was drawn (CSS px), for tests and a11y.
pub struct Drawn {
    pub selected_box: Option<[f64; 4]>,
}

/// The part of the graph in view: from `top` (CSS px below the first
/// row), `height` tall.
#[derive(Clone, Copy)]
pub struct Rows {
    pub top: f64,
    pub height: f64,
}

/// Sizes the canvas for `width` × the rows in view at the device's pixel
/// ratio and draws the placed blocks on them, then the selected frame on
/// top (even when the layout merged or culled it: a selection is always
/// seen). `selected`: the selected frame and where it falls (x, width), if
/// the window shows it. Positions are the graph's (row × `ROW_HEIGHT`).
pub fn draw(
    canvas: &HtmlCanvasElement,
    flame: &Flame,
    placed: &[Placed],
    width: f64,
    view: Rows,
    selected: Option<(usize, Option<(f64, f64)>)>,
    palette: &Palette,
) -> Drawn {
    let full = flame.rows.max(1) as f64 * ROW_HEIGHT;
    let top = view.top.clamp(0.0, full);
    // Before the box is measured, a screenful at most.
    let height = if view.height > 0.0 {
        view.height
    } else {
        560.0
    }
    .min(full - top);
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    canvas.set_width((width * ratio).round() as u32);
    canvas.set_height((height * ratio).round() as u32);
    let style = canvas.style();
    let _ = style.set_property("width", &format!("{width}px"));
    let _ = style.set_property("height", &format!("{height}px"));
    let Some(ctx) = context(canvas) else {
        return Drawn { selected_box: None };
    };
    let _ = ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, -top * ratio);
    ctx.set_fill_style_str(&palette.bg);
    ctx.fill_rect(0.0, top, width, height);
    let in_view = |row: usize| {
        let y = row as f64 * ROW_HEIGHT;
        y + ROW_HEIGHT > top && y < top + height
    };
    ctx.set_font(FONT);
    ctx.set_text_baseline("middle");
    // The average width of a character, to cut long names in one guess.
    let char_width = ctx
        .measure_text("abcdefghijklmnopqrstuvwxyz")
        .map_or(7.0, |m| m.width() / 26.0);
    for block in placed.iter().filter(|b| in_view(b.row)) {
        let frame = &flame.frames[block.frame];
        let y = block.row as f64 * ROW_HEIGHT;
        let (colour, label) = if block.merged > 1 {
            (
                palette.muted.as_str(),
                format!("{} observations", block.merged),
            )
        } else {
            (palette.kind(frame.kind), frame.name.clone())
        };
        let tint = if selected.is_some_and(|(s, _)| s == block.frame) && block.merged == 1 {
            SELECTED_TINT
        } else {
            TINT
        };
        fill_block(&ctx, palette, colour, tint, block.x, y, block.width);
        let error = frame.error && block.merged == 1;
        if error {
            outline(&ctx, &palette.error, block.x, y, block.width, 1.5);
        } else if block.error_below {
            ctx.set_fill_style_str(&palette.error);
            let w = (block.width - 1.0).max(MIN_WIDTH);
            ctx.fill_rect(block.x, y + ROW_HEIGHT - 1.0 - ERROR_BELOW, w, ERROR_BELOW);
        }
        let mut left = block.x + PADDING;
        let mut room = block.width - 2.0 * PADDING;
        if error && room >= 12.0 {
            ctx.set_fill_style_str(&palette.error);
            let _ = ctx.fill_text(ERROR_MARK, left, y + ROW_HEIGHT / 2.0);
            left += 12.0;
            room -= 12.0;
        }
        if let Some(text) = fit(&ctx, &label, room, char_width) {
            ctx.set_fill_style_str(&palette.fg);
            let _ = ctx.fill_text(&text, left, y + ROW_HEIGHT / 2.0);
        }
    }
    let selected_box = selected
        .and_then(|(i, at)| at.map(|at| (i, at)))
        .map(|(i, (x, w))| {
            let y = flame.frames[i].row as f64 * ROW_HEIGHT;
            let w = w.max(2.0);
            // The text colour: it contrasts with every tint, in both themes.
            outline(&ctx, &palette.fg, x, y, w, 2.0);
            [x, y, w, ROW_HEIGHT]
        });
    Drawn { selected_box }
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()
}

/// A block: tinted with its colour, a solid edge on its left, a gap of the
/// background between neighbours when there is room for one.
fn fill_block(
    ctx: &CanvasRenderingContext2d,
    palette: &Palette,
    colour: &str,
    tint: f64,
    x: f64,
    y: f64,
    width: f64,
) {
    let gap = if width > 3.0 { 1.0 } else { 0.0 };
    let w = (width - gap).max(MIN_WIDTH);
    ctx.set_fill_style_str(&palette.bg);
    ctx.fill_rect(x, y + 1.0, w, ROW_HEIGHT - 2.0);
    ctx.set_fill_style_str(colour);
    ctx.set_global_alpha(tint);
    ctx.fill_rect(x, y + 1.0, w, ROW_HEIGHT - 2.0);
    ctx.set_global_alpha(1.0);
    if width >= 4.0 {
        ctx.fill_rect(x, y + 1.0, 2.0, ROW_HEIGHT - 2.0);
    }
}

fn outline(ctx: &CanvasRenderingContext2d, colour: &str, x: f64, y: f64, width: f64, line: f64) {
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(line);
    let inset = line / 2.0;
    ctx.stroke_rect(
        x + inset,
        y + 1.0 + inset,
        (width - line).max(0.5),
        ROW_HEIGHT - 2.0 - line,
    );
}

/// The label, cut with "…" to `room` pixels; `None` when not even a few
/// characters fit.
fn fit(ctx: &CanvasRenderingContext2d, label: &str, room: f64, char_width: f64) -> Option<String> {
    if room < 3.0 * char_width {
        return None;
    }
    let fits = |text: &str| ctx.measure_text(text).is_ok_and(|m| m.width() <= room);
    if fits(label) {
        return Some(label.to_string());
    }
    let mut keep = ((room / char_width) as usize).saturating_sub(1);
    while keep >= 2 {
        let text: String = label.chars().take(keep).chain(['…']).collect();
        if fits(&text) {
            return Some(text);
        }
        keep = keep * 4 / 5;
    }
    None
}
