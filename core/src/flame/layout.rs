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

    /// Where a frame falls in a `width` of pixels showing this window:
    /// `(x, width)`, clipped to the window; `None` outside it.
    pub fn pixels(&self, frame: &Frame, width: f64) -> Option<(f64, f64)> {
        let (from_ms, to_ms) = self.clip(frame)?;
        let scale = width / (self.to_ms - self.from_ms);
        Some(((from_ms - self.from_ms) * scale, (to_ms - from_ms) * scale))
    }

    /// The frame's drawn range inside the window; `None` outside it.
    fn clip(&self, frame: &Frame) -> Option<(f64, f64)> {
        let from_ms = frame.from_ms.max(self.from_ms);
        let to_ms = frame.to_ms.min(self.to_ms);
        (to_ms >= from_ms).then_some((from_ms, to_ms))
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
    /// The row it is drawn on (`Frame::row`).
    pub row: usize,
    pub x: f64,
    pub width: f64,
    /// The block's range on the axis, clipped to the window.
    pub from_ms: f64,
    pub to_ms: f64,
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

/// The block drawn at `x` on `row`, if any.
pub fn hit(placed: &[Placed], x: f64, row: usize) -> Option<&Placed> {
    placed
        .iter()
        .rev()
        .find(|p| p.row == row && x >= p.x && x < p.x + p.width.max(1.0))
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
        let mut runs: Vec<Placed> = Vec::new();
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
            };
            let open = runs.iter().position(|r| r.row == frame.row);
            if width >= self.min_width {
                if let Some(open) = open {
                    let run = runs.swap_remove(open);
                    self.flush(run);
                }
                self.out.push(block);
                let children: Vec<usize> = self.flame.children(i).collect();
                self.place(children.into_iter());
                continue;
            }
            match open {
                Some(open) if x <= runs[open].x + runs[open].width + self.min_width => {
                    let run = &mut runs[open];
                    run.merged += 1;
                    run.width = run.width.max(x + width - run.x);
                    run.to_ms = run.to_ms.max(to_ms);
                }
                Some(open) => {
                    let run = std::mem::replace(&mut runs[open], block);
                    self.flush(run);
                }
                None => runs.push(block),
            }
        }
        for run in runs {
            self.flush(run);
        }
    }

    fn flush(&mut self, run: Placed) {
        if run.width >= self.min_width {
            self.out.push(run);
        }
    }
}
