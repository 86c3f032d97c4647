//! The flame graph (icicle) of a trace: **the rule** of where each
//! observation sits. One frame per observation, depth first in start
//! order (the timeline's order), on the trace's time axis (ms after the
//! trace started, to the last known end). A frame's drawn range is its own
//! range clipped into its parent's, so children always sit inside their
//! parents, even when a span outlived its parent (async work) or started
//! before it; a running observation reaches its parent's end (the axis end
//! for a root). Tokens and cost are the subtree's, from `summary::tree`.
//!
//! `rows` says which row each frame is drawn on (its depth, unless it
//! overlaps a sibling); `layout` turns frames into what a width of pixels
//! can show (zoom, culling, merging); `Flame::step` moves a selection along
//! the tree.

mod layout;
mod rows;

pub use layout::{hit, layout, Placed, Window};

use crate::model::{ObservationType, Status};
use crate::rollup::{CostTotals, PriceCache, Tokens};
use crate::rules::{duration, lifecycle};
use crate::store::{TraceEntry, Tree};
use crate::summary::{tree, Node};
use crate::time::millis_between;

#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub id: String,
    pub name: String,
    pub kind: ObservationType,
    pub status: Status,
    /// `rules::lifecycle::is_error`: failed, or logged at level error.
    pub error: bool,
    pub depth: usize,
    /// The row it is drawn on (`rows`): its depth, plus the lanes that
    /// overlapping siblings above it take.
    pub row: usize,
    pub parent: Option<usize>,
    /// One past its last descendant: its subtree is `index..end`.
    pub end: usize,
    /// Its own start, ms after the trace started.
    pub start_ms: f64,
    /// Its own duration; `None` while it runs.
    pub duration_ms: Option<f64>,
    /// Where it is drawn on the axis (clipped into its parent).
    pub from_ms: f64,
    pub to_ms: f64,
    /// The subtree's figures (the observation and everything below it).
    pub tokens: Tokens,
    pub cost: CostTotals,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flame {
    /// Depth first, children in start order.
    pub frames: Vec<Frame>,
    /// The time axis: 0 to this, in ms.
    pub span_ms: f64,
    /// How many rows the frames are drawn on.
    pub rows: usize,
}

/// Which way a keyboard moves the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Parent,
    FirstChild,
    NextSibling,
    PreviousSibling,
}

/// The flame graph of one trace.
pub fn flame<'a>(entry: &'a TraceEntry, pricing: &mut PriceCache<'_, 'a>) -> Flame {
    let nodes = tree(entry, pricing);
    let Tree {
        ordered,
        children,
        roots,
    } = entry.tree();
    let trace_start = entry.trace().started_at;
    let span_ms = ordered
        .iter()
        .map(|o| {
            let start = millis_between(trace_start, o.started_at);
            start + duration::duration_ms(*o).unwrap_or(0.0)
        })
        .fold(0.0, f64::max);
    let mut flame = Flame {
        frames: Vec::with_capacity(ordered.len()),
        span_ms,
        rows: 0,
    };
    // `summary::tree` builds its nodes from the same `Tree`, so node `k` of
    // a level is `children[i][k]` (or `roots[k]`): walk both together.
    // (node, its index in `ordered`, its parent frame, depth)
    let mut stack: Vec<(&Node, usize, Option<usize>, usize)> = nodes
        .iter()
        .zip(&roots)
        .rev()
        .map(|(node, &i)| (node, i, None, 0))
        .collect();
    // Frames whose subtree is still open, to set `end` when it closes.
    let mut open: Vec<usize> = Vec::new();
    while let Some((node, i, parent, depth)) = stack.pop() {
        let index = flame.frames.len();
        while open.len() > depth {
            let closed = open.pop().expect("open holds depth frames");
            flame.frames[closed].end = index;
        }
        open.push(index);
        let observation = ordered[i];
        let start_ms = millis_between(trace_start, observation.started_at);
        let duration_ms = duration::duration_ms(observation);
        let (low, high) = parent.map_or((0.0, span_ms), |p: usize| {
            (flame.frames[p].from_ms, flame.frames[p].to_ms)
        });
        let own_end = duration_ms.map_or(high, |d| start_ms + d);
        let from_ms = start_ms.clamp(low, high);
        let to_ms = own_end.clamp(from_ms, high);
        flame.frames.push(Frame {
            id: node.id.clone(),
            name: node.name.clone(),
            kind: node.kind,
            status: node.status,
            error: lifecycle::is_error(observation),
            depth,
            row: depth,
            parent,
            end: index + 1,
            start_ms,
            duration_ms,
            from_ms,
            to_ms,
            tokens: node.tokens,
            cost: node.cost,
        });
        stack.extend(
            node.children
                .iter()
                .zip(&children[i])
                .rev()
                .map(|(child, &c)| (child, c, Some(index), depth + 1)),
        );
    }
    let total = flame.frames.len();
    for closed in open {
        flame.frames[closed].end = total;
    }
    rows::assign(&mut flame);
    flame
}

impl Flame {
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.frames.iter().position(|f| f.id == id)
    }

    /// The frames without a parent, in start order.
    pub fn roots(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(0), |&i| self.frames.get(i).map(|f| f.end))
            .take_while(|&i| i < self.frames.len())
    }

    /// The frame's children, in start order.
    pub fn children(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.frames.get(index).map_or(index, |f| f.end);
        let mut next = index + 1;
        std::iter::from_fn(move || {
            (next < end).then(|| {
                let child = next;
                next = self.frames[child].end;
                child
            })
        })
    }

    /// The frame and those above it, the root first.
    pub fn path(&self, index: usize) -> Vec<usize> {
        let mut path: Vec<usize> =
            std::iter::successors(Some(index), |&i| self.frames.get(i)?.parent).collect();
        path.reverse();
        path
    }

    /// Where a keyboard step from `from` lands; `None` when there is no such
    /// frame (a root has no parent, a leaf no child). With nothing selected,
    /// any step selects the first root.
    pub fn step(&self, from: Option<usize>, step: Step) -> Option<usize> {
        let Some(from) = from else {
            return (!self.frames.is_empty()).then_some(0);
        };
        let frame = self.frames.get(from)?;
        let siblings = || -> Vec<usize> {
            match frame.parent {
                Some(parent) => self.children(parent).collect(),
                None => self.roots().collect(),
            }
        };
        match step {
            Step::Parent => frame.parent,
            Step::FirstChild => self.children(from).next(),
            Step::NextSibling => {
                let all = siblings();
                let at = all.iter().position(|&i| i == from)?;
                all.get(at + 1).copied()
            }
            Step::PreviousSibling => {
                let all = siblings();
                let at = all.iter().position(|&i| i == from)?;
                at.checked_sub(1).map(|p| all[p])
            }
        }
    }
}

#[cfg(test)]
mod tests;
