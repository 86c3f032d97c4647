//! A stored trace with its observations, and their tree.

use crate::hash::HashMap;
use crate::model::{Observation, Trace};

use super::facts::Facts;

/// A trace and its observations.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEntry {
    pub(super) trace: Trace,
    /// In arrival order; `Store::owner` knows each one's position.
    pub(super) observations: Vec<Observation>,
    /// `facts[i]` is what rollups read of `observations[i]`.
    pub(super) facts: Vec<Facts>,
    /// How many of the observations are still running.
    pub(super) running: usize,
}

impl TraceEntry {
    pub(super) fn new(trace: Trace) -> TraceEntry {
        TraceEntry {
            trace,
            observations: Vec::new(),
            facts: Vec::new(),
            running: 0,
        }
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Its observations, in arrival order.
    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }

    /// What rollups read of each observation, in the same order.
    pub fn facts(&self) -> &[Facts] {
        &self.facts
    }

    /// How many of its observations are still running.
    pub fn running_observations(&self) -> usize {
        self.running
    }

    /// Ready to send: the trace has ended and none of its observations runs.
    pub fn is_settled(&self) -> bool {
        self.running == 0 && self.trace.status.is_ended()
    }

    /// Its observations by start time, then id: the order files and trees use.
    pub fn observations_in_order(&self) -> Vec<&Observation> {
        let mut all: Vec<&Observation> = self.observations.iter().collect();
        all.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        all
    }

    /// Its observations as a tree: children in start order (then id).
    pub fn tree(&self) -> Tree<'_> {
        let ordered = self.observations_in_order();
        let index: HashMap<&str, usize> = ordered
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); ordered.len()];
        let mut roots = Vec::new();
        for (i, observation) in ordered.iter().enumerate() {
            match observation.parent_id.as_deref().and_then(|p| index.get(p)) {
                Some(&parent) => children[parent].push(i),
                None => roots.push(i),
            }
        }
        Tree {
            ordered,
            children,
            roots,
        }
    }
}

/// A trace's observations as a tree. `children[i]` and `roots` index into
/// `ordered` (start order, then id); depth is at most
/// `rules::structure::MAX_DEPTH`.
pub struct Tree<'a> {
    pub ordered: Vec<&'a Observation>,
    pub children: Vec<Vec<usize>>,
    pub roots: Vec<usize>,
}

impl Tree<'_> {
    /// Indexes into `ordered` depth first, children in start order: the
    /// order a timeline shows its rows in (nothing collapsed), and the order
    /// search results are numbered in.
    pub fn depth_first(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.ordered.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(self.children[i].iter().rev());
        }
        order
    }
}
