//! The flame graph (icicle) of a trace: **the rule** of where each
//! observation sits. One frame per observation, depth first in start
//! order (the timeline's order), on the trace's time axis
//! (`rules::axis`: from the earliest start to the last known end).
//!
//! A frame's drawn range is its own range, widened to cover its subtree:
//! a child that outlived its parent (async work) or started before it
//! widens the parent rather than being clipped out of existence, so
//! every observation is seen and children always sit under their parent.
//! (The own duration stays in `duration_ms`, for the hover card.) A
//! running observation reaches its parent's own end (the axis end for a
//! root, or under a running parent). Tokens and cost are the subtree's
//! (own figures summed over the subtree, as `summary::tree` sums them);
//! `error_below` says whether the subtree holds an error, so a view that
//! cannot draw an error frame can still mark where it is.
//!
//! `rows` says which row each frame is drawn on (its depth, unless it
//! overlaps a sibling); `layout` turns frames into what a width of pixels
//! can show (zoom, culling, merging); `Flame::step` moves a selection along
//! the tree.

mod layout;
mod rows;

pub use layout::{hit, layout, Placed, Window};

use crate::model::ObservationType;
use crate::model::Status;
use crate::rollup::{CostTotals, PriceCache, Tokens};
use crate::rules::axis::axis;
use crate::rules::{duration, lifecycle};
use crate::store::{TraceEntry, Tree};
use crate::time::millis_between;

#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub id: String,
    pub name: String,
    pub kind: ObservationType,
    pub status: Status,
    /// `rules::lifecycle::is_error`: failed, or logged at level error.
    pub error: bool,
    /// An error in this frame or anywhere under it.
    pub error_below: bool,
    pub depth: usize,
    /// The row it is drawn on (`rows`): its depth, plus the lanes that
    /// overlapping siblings above it take.
    pub row: usize,
    pub parent: Option<usize>,
    /// One past its last descendant: its subtree is `index..end`.
    pub end: usize,
    /// Its own start, in ms along the axis.
    pub start_ms: f64,
    /// Its own duration; `None` while it runs.
    pub duration_ms: Option<f64>,
    /// Where it is drawn on the axis (widened to cover its subtree).
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
    /// The time axis: 0 to this, in ms (`rules::axis`).
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
    let Tree {
        ordered,
        children,
        roots,
    } = entry.tree();
    let trace_start = entry.trace().started_at;
    let axis = axis(
        trace_start,
        ordered.iter().map(|o| (o.started_at, o.ended_at)),
    );
    let mut frames: Vec<Frame> = Vec::with_capacity(ordered.len());
    // (its index in `ordered`, its parent frame, depth)
    let mut stack: Vec<(usize, Option<usize>, usize)> =
        roots.iter().rev().map(|&i| (i, None, 0)).collect();
    // Frames whose subtree is still open, to set `end` when it closes.
    let mut open: Vec<usize> = Vec::new();
    while let Some((i, parent, depth)) = stack.pop() {
        let index = frames.len();
        while open.len() > depth {
            let closed = open.pop().expect("open holds depth frames");
            frames[closed].end = index;
        }
        open.push(index);
        let observation = ordered[i];
        let start_ms = axis.at(millis_between(trace_start, observation.started_at));
        let duration_ms = duration::duration_ms(observation);
        // Parents come first: `frames[p].to_ms` is still its own end.
        let to_ms = match duration_ms {
            Some(d) => start_ms + d,
            None => parent
                .map_or(axis.span_ms, |p| frames[p].to_ms)
                .max(start_ms),
        };
        let mut cost = CostTotals::default();
        if let Some(own) = pricing.cost(observation) {
            cost.add_cost(&own);
        }
        let error = lifecycle::is_error(observation);
        frames.push(Frame {
            id: observation.id.clone(),
            name: observation.name.clone(),
            kind: observation.kind,
            status: observation.status,
            error,
            error_below: error,
            depth,
            row: depth,
            parent,
            end: index + 1,
            start_ms,
            duration_ms,
            from_ms: start_ms,
            to_ms,
            tokens: Tokens::of(observation),
            cost,
        });
        stack.extend(
            children[i]
                .iter()
                .rev()
                .map(|&c| (c, Some(index), depth + 1)),
        );
    }
    let total = frames.len();
    for closed in open {
        frames[closed].end = total;
    }
    // Bottom up (children follow their parent), children in start order as
    // `summary::tree` adds them: each child's subtree is complete when its
    // parent takes it in.
    for parent in (0..total).rev() {
        let mut child = parent + 1;
        while child < frames[parent].end {
            let (tokens, cost) = (frames[child].tokens, frames[child].cost);
            let (from_ms, to_ms, error) = (
                frames[child].from_ms,
                frames[child].to_ms,
                frames[child].error_below,
            );
            let p = &mut frames[parent];
            p.tokens.add(tokens);
            p.cost.add(cost);
            p.from_ms = p.from_ms.min(from_ms);
            p.to_ms = p.to_ms.max(to_ms);
            p.error_below |= error;
            child = frames[child].end;
        }
    }
    let mut flame = Flame {
        frames,
        span_ms: axis.span_ms,
        rows: 0,
    };
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
