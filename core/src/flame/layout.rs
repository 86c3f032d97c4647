//! What a width of pixels shows of a flame graph in a zoom window.
//!
//! **The rule:** a frame is placed from its drawn range clipped to the
//! window, `x` and `width` in pixels. A frame narrower than `min_width`
//! is not drawn alone: runs of such siblings (each starting within
//! `min_width` of the run's end) merge into one block standing for them
//! all. A block still narrower than `min_width` (a lone instant event, a
//! short error among long siblings) is widened to `min_width`, kept
//! inside the width: nothing in the window goes unseen. Nothing under a
//! merged or narrow frame is drawn: it is narrower still; a block says
//! whether an error lies in or under what it stands for (`error_below`),
//! so the view can mark it. Frames outside the window are skipped with
//! their subtrees. So a 20,000-span trace places at most a few blocks per
//! pixel column and row, whatever its size.

use std::collections::BTreeMap;

use super::{Flame, Frame};

/// The part of the time axis the width shows, in ms along the axis.
/// Always `to_ms > from_ms` (`Window::between`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    from_ms: f64,
    to_ms: f64,
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

    /// Where a frame falls in a `width` of pixels showing this window:
    /// `(x, width)`, clipped to the window; `None` outside it.
    pub fn pixels(&self, frame: &Frame, width: f64) -> Option<(f64, f64)> {
        let (from_ms, to_ms) = self.clip(frame)?;
        let scale = width / (self.to_ms - self.from_ms);
        Some(((from_ms - self.from_ms) * scale, (to_ms - from_ms) * scale))
    }

    /// The frame's drawn range inside the window; `None` outside it.
    /// A frame that only touches the window's edge is outside it, unless
    /// it is an instant.
    fn clip(&self, frame: &Frame) -> Option<(f64, f64)> {
        let from_ms = frame.from_ms.max(self.from_ms);
        let to_ms = frame.to_ms.min(self.to_ms);
        let instant = frame.from_ms == frame.to_ms;
        (to_ms > from_ms || (instant && to_ms == from_ms)).then_some((from_ms, to_ms))
    }

    /// The window from `from_ms` to `to_ms`, at least `SHORTEST_MS` long.
    pub fn between(from_ms: f64, to_ms: f64) -> Window {
        Window {
            from_ms,
            to_ms: to_ms.max(from_ms + SHORTEST_MS),
        }
    }

    pub fn from_ms(&self) -> f64 {
        self.from_ms
    }

    pub fn to_ms(&self) -> f64 {
        self.to_ms
    }
}

/// A block drawn on one row: a frame, or a run of narrow siblings merged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// The frame, or the first frame of a merged run.
    pub frame: usize,
    /// How many sibling frames the block stands for (1: the frame alone).
    pub merged: usize,
    /// The row it is drawn on (`Frame::row`).
    pub row: usize,
    pub x: f64,
    pub width: f64,
    /// The block's range on the axis, clipped to the window.
    pub from_ms: f64,
    pub to_ms: f64,
    /// An error in the frames it stands for or under them.
    pub error_below: bool,
}

/// The blocks to draw, parents before their children.
pub fn layout(flame: &Flame, window: Window, width: f64, min_width: f64) -> Vec<Placed> {
    let mut placer = Placer {
        flame,
        window,
        width,
        min_width,
        out: Vec::new(),
    };
    placer.place(flame.roots());
    placer.out
}

/// The block drawn at `x` on `row`, if any (the last drawn, on top).
pub fn hit(placed: &[Placed], x: f64, row: usize, min_width: f64) -> Option<&Placed> {
    placed
        .iter()
        .rev()
        .find(|p| p.row == row && x >= p.x && x < p.x + p.width.max(min_width))
}

struct Placer<'a> {
    flame: &'a Flame,
    window: Window,
    width: f64,
    min_width: f64,
    out: Vec<Placed>,
}

impl Placer<'_> {
    /// Places a frame's children (or the roots), then (depth first) what
    /// lies under each. Siblings may sit on several rows (lanes): a run of
    /// narrow ones is kept per row. Depth is bounded by
    /// `rules::structure::MAX_DEPTH`.
    fn place(&mut self, siblings: impl Iterator<Item = usize>) {
        // The open run of narrow siblings, per row.
        let mut runs: BTreeMap<usize, Placed> = BTreeMap::new();
        for i in siblings {
            let frame = &self.flame.frames[i];
            let (Some((from_ms, to_ms)), Some((x, width))) = (
                self.window.clip(frame),
                self.window.pixels(frame, self.width),
            ) else {
                continue;
            };
            let block = Placed {
                frame: i,
                merged: 1,
                row: frame.row,
                x,
                width,
                from_ms,
                to_ms,
                error_below: frame.error_below,
            };
            if width >= self.min_width {
                if let Some(run) = runs.remove(&frame.row) {
                    self.flush(run);
                }
                self.out.push(block);
                let children: Vec<usize> = self.flame.children(i).collect();
                self.place(children.into_iter());
                continue;
            }
            match runs.get_mut(&frame.row) {
                Some(run) if x <= run.x + run.width + self.min_width => {
                    run.merged += 1;
                    run.width = run.width.max(x + width - run.x);
                    run.to_ms = run.to_ms.max(to_ms);
                    run.error_below |= block.error_below;
                }
                Some(run) => {
                    let run = std::mem::replace(run, block);
                    self.flush(run);
                }
                None => {
                    runs.insert(frame.row, block);
                }
            }
        }
        for run in runs.into_values() {
            self.flush(run);
        }
    }

    /// Places a block; one narrower than `min_width` is widened to it,
    /// inside the width.
    fn flush(&mut self, mut run: Placed) {
        if run.width < self.min_width {
            run.width = self.min_width.min(self.width);
            run.x = run.x.min(self.width - run.width).max(0.0);
        }
        self.out.push(run);
    }
}
