//! The ids of the traces that left memory (`retention::evict`), the last
//! [`LEFT_KEPT`] of them: a later record for one of them is refused with a
//! message saying why (it left memory, bounded by the npm package's
//! `maxTracesInMemory`) rather than as a trace never seen.

use std::collections::VecDeque;

use crate::hash::HashSet;

/// How many ids of traces that left memory are remembered.
pub const LEFT_KEPT: usize = 10_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Left {
    order: VecDeque<String>,
    ids: HashSet<String>,
}

impl Left {
    pub(super) fn note(&mut self, id: &str) {
        if !self.ids.insert(id.to_string()) {
            return;
        }
        self.order.push_back(id.to_string());
        if self.order.len() > LEFT_KEPT {
            if let Some(oldest) = self.order.pop_front() {
                self.ids.remove(&oldest);
            }
        }
    }

    pub(super) fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    pub(super) fn forget(&mut self, id: &str) {
        if self.ids.remove(id) {
            self.order.retain(|kept| kept != id);
        }
    }
}
