//! What a width of pixels shows of a flame graph in a zoom window.
//!
//! **The rule:** a frame is placed from its drawn range clipped to the
//! window, `x` and `width` in pixels. A frame narrower than `min_width`
//! is not drawn alone: runs of such siblings (each starting within
//! `min_width` of the run's end) merge into one block standing for them
//! all, drawn when the block is at least `min_width` wide and dropped
//! otherwise. Nothing under a merged or dropped frame is drawn: it is
//! narrower still. Frames outside the window are skipped with their
//! subtrees. So a 20,000-span trace places at most a few blocks per pixel
//! column and row, whatever its size.

use super::{Flame, Frame};

/// The part of the time axis the width shows, in ms after the trace start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub from_ms: f64,
    pub to_ms: f64,
}

/// The shortest window a zoom shows (1 µs): an instant event still gets a
/// range to fill the width with.
const SHORTEST_MS: f64 = 0.001;

impl Window {
    /// The whole trace.
    pub fn whole(flame: &Flame) -> Window {
        Window::between(0.0, flame.span_ms)
    }

    /// Zoomed to a frame: its drawn range fills the width.
    pub fn of(frame: &Frame) -> Window {
        Window::between(frame.from_ms, frame.to_ms)
    }

    pub fn between(from_ms: f64, to_ms: f64) -> Window {
        Window {
            from_ms,
            to_ms: to_ms.max(from_ms + SHORTEST_MS),
        }
    }
}

/// A block drawn on one row: a frame, or a run of narrow siblings merged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// The frame, or the first frame of a merged run.
    pub frame: usize,
    /// How many sibling frames the block stands for (1: the frame alone).
    pub merged: usize,
    pub depth: usize,
    pub x: f64,
    pub width: f64,
    /// The block's range on the axis, clipped to the window.
    pub from_ms: f64,
    pub to_ms: f64,
}

/// The blocks to draw, parents before their children.
pub fn layout(flame: &Flame, window: Window, width: f64, min_width: f64) -> Vec<Placed> {
    let scale = width / (window.to_ms - window.from_ms);
    let mut placer = Placer {
        flame,
        window,
        scale,
        min_width,
        out: Vec::new(),
    };
    placer.place(flame.roots());
    placer.out
}

/// The block drawn at `x` on row `depth`, if any.
pub fn hit(placed: &[Placed], x: f64, depth: usize) -> Option<&Placed> {
    placed
        .iter()
        .rev()
        .find(|p| p.depth == depth && x >= p.x && x < p.x + p.width.max(1.0))
}

struct Placer<'a> {
    flame: &'a Flame,
    window: Window,
    scale: f64,
    min_width: f64,
    out: Vec<Placed>,
}

impl Placer<'_> {
    /// Places one row of siblings, then (depth first) what lies under each.
    /// Depth is bounded by `rules::structure::MAX_DEPTH`.
    fn place(&mut self, siblings: impl Iterator<Item = usize>) {
        let mut run: Option<Placed> = None;
        for i in siblings {
            let frame = &self.flame.frames[i];
            let from_ms = frame.from_ms.max(self.window.from_ms);
            let to_ms = frame.to_ms.min(self.window.to_ms);
            if to_ms < from_ms {
                continue;
            }
            let x = (from_ms - self.window.from_ms) * self.scale;
            let width = (to_ms - from_ms) * self.scale;
            let block = Placed {
                frame: i,
                merged: 1,
                depth: frame.depth,
                x,
                width,
                from_ms,
                to_ms,
            };
            if width >= self.min_width {
                self.flush(run.take());
                self.out.push(block);
                let children: Vec<usize> = self.flame.children(i).collect();
                self.place(children.into_iter());
                continue;
            }
            run = match run {
                Some(mut open) if x <= open.x + open.width + self.min_width => {
                    open.merged += 1;
                    open.width = open.width.max(x + width - open.x);
                    open.to_ms = open.to_ms.max(to_ms);
                    Some(open)
                }
                other => {
                    self.flush(other);
                    Some(block)
                }
            };
        }
        self.flush(run);
    }

    fn flush(&mut self, run: Option<Placed>) {
        if let Some(run) = run.filter(|r| r.width >= self.min_width) {
            self.out.push(run);
        }
    }
}
