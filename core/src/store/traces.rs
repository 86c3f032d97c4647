//! The stored traces by id, each in a slot that stays put while it is
//! stored.
//!
//! Why: an observation's `owner` entry holds its trace's slot, so ending
//! or changing an observation reaches its trace by index instead of
//! hashing the trace's id again (OpenTelemetry's are 32 hex digits) and
//! comparing it; that lookup showed in the recording profile. A removed
//! trace's slot is reused.

use crate::hash::HashMap;

use super::entry::TraceEntry;

/// Where a trace is stored in [`Traces`]; valid until it is removed.
pub(super) type Slot = u32;

#[derive(Clone, Debug, Default)]
pub(super) struct Traces {
    slots: Vec<Option<TraceEntry>>,
    /// Slots of removed traces, taken before the list grows.
    free: Vec<Slot>,
    by_id: HashMap<String, Slot>,
    /// The slot `find` found last: records mostly come trace by trace,
    /// and comparing one id is cheaper than hashing it (checked by its id,
    /// so a slot reused by another trace is never taken for it).
    last: Option<Slot>,
}

impl Traces {
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn slot(&self, id: &str) -> Option<Slot> {
        self.by_id.get(id).copied()
    }

    /// [`Traces::slot`], for a writer: the trace found last is tried first.
    pub fn find(&mut self, id: &str) -> Option<Slot> {
        if let Some(last) = self.last {
            if self.at(last).is_some_and(|entry| entry.trace.id == id) {
                return Some(last);
            }
        }
        self.last = Some(self.slot(id)?);
        self.last
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    pub fn get(&self, id: &str) -> Option<&TraceEntry> {
        self.at(self.slot(id)?)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut TraceEntry> {
        let slot = self.slot(id)?;
        self.at_mut(slot)
    }

    pub fn at(&self, slot: Slot) -> Option<&TraceEntry> {
        self.slots.get(slot as usize)?.as_ref()
    }

    pub fn at_mut(&mut self, slot: Slot) -> Option<&mut TraceEntry> {
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    /// Stores a trace whose id is not stored; returns its slot.
    pub fn insert(&mut self, entry: TraceEntry) -> Slot {
        let id = entry.trace.id.clone();
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(entry);
                slot
            }
            None => {
                self.slots.push(Some(entry));
                Slot::try_from(self.slots.len() - 1).expect("fewer than 2^32 traces in memory")
            }
        };
        self.by_id.insert(id, slot);
        slot
    }

    pub fn remove(&mut self, id: &str) -> Option<TraceEntry> {
        let slot = self.by_id.remove(id)?;
        self.free.push(slot);
        self.slots[slot as usize].take()
    }

    /// Every trace, in no particular order.
    pub fn values(&self) -> Values<'_> {
        Values {
            slots: self.slots.iter(),
            left: self.len(),
        }
    }
}

/// Two stores hold the same traces whatever slots each put them in.
impl PartialEq for Traces {
    fn eq(&self, other: &Traces) -> bool {
        self.len() == other.len()
            && self
                .values()
                .all(|entry| other.get(&entry.trace.id) == Some(entry))
    }
}

/// See [`Traces::values`].
pub struct Values<'a> {
    slots: std::slice::Iter<'a, Option<TraceEntry>>,
    left: usize,
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a TraceEntry;

    fn next(&mut self) -> Option<&'a TraceEntry> {
        let entry = self.slots.by_ref().find_map(Option::as_ref)?;
        self.left -= 1;
        Some(entry)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Values<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Trace;
    use crate::time::Timestamp;

    fn entry(id: &str) -> TraceEntry {
        TraceEntry::new(Trace::new(id, "n", Timestamp::from_unix_nanos(0)))
    }

    #[test]
    fn a_removed_traces_slot_is_reused_and_the_others_stay_put() {
        let mut traces = Traces::default();
        let a = traces.insert(entry("a"));
        let b = traces.insert(entry("b"));
        assert!(traces.remove("a").is_some());
        assert!(traces.at(a).is_none());
        assert_eq!(traces.insert(entry("c")), a, "the free slot is taken");
        assert_eq!(traces.at(b).map(|e| e.trace.id.as_str()), Some("b"));
        assert_eq!(traces.get("c").map(|e| e.trace.id.as_str()), Some("c"));
        assert_eq!(traces.values().len(), 2);
        assert_eq!(traces.values().count(), 2);
        assert!(traces.remove("a").is_none());
    }

    #[test]
    fn the_last_slot_found_is_never_taken_for_another_trace() {
        let mut traces = Traces::default();
        let a = traces.insert(entry("a"));
        assert_eq!(traces.find("a"), Some(a));
        traces.remove("a");
        assert_eq!(traces.find("a"), None, "removed");
        let b = traces.insert(entry("b"));
        assert_eq!(b, a, "the slot is reused");
        assert_eq!(traces.find("a"), None);
        assert_eq!(traces.find("b"), Some(b));
    }

    #[test]
    fn equal_whatever_the_slots() {
        let (mut one, mut two) = (Traces::default(), Traces::default());
        one.insert(entry("a"));
        one.insert(entry("b"));
        two.insert(entry("b"));
        two.insert(entry("a"));
        assert_eq!(one, two);
        two.remove("a");
        assert_ne!(one, two);
    }
}
