//! What is ready to send to a backend, and what was sent: an exporter's
//! cursor over the store's endings feed (`Store::watch_endings`). A take
//! costs what ended since the last one, never a scan of the store.
//!
//! Rules (the OTLP exporter's):
//! - A trace is ready once it and every observation in it have ended
//!   ([`Ready::Settled`]); shutting down, once the trace itself has ended
//!   ([`Ready::Ended`]), as it is.
//! - An LLM call without trace is ready once it has ended.
//! - Each is handed out once; what changes after it was sent is not sent
//!   again.
//!
//! One outbox reads a store's feed: a second one over the same store would
//! miss what the first took.

use std::collections::{BTreeSet, VecDeque};

use crate::hash::HashSet;
use crate::store::{Ending, Store};
use crate::time::Timestamp;

/// Which traces a take hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ready {
    /// The trace and all its observations have ended.
    Settled,
    /// The trace has ended; observations may still run (a last flush).
    Ended,
}

/// What the outbox starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Include {
    /// Everything already stored that has ended, then what ends later.
    All,
    /// Only what ends from now on (not a reloaded history).
    New,
    /// Only what ended at or after this time: an exporter asked for "new"
    /// then, and watches only now (a browser's core loaded meanwhile), so
    /// what ended in between is still new to it.
    EndedFrom(Timestamp),
}

/// One take's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Take {
    /// Traces (and, separately, calls without trace) at most; at least 1.
    pub max: usize,
    pub ready: Ready,
}

/// What a take hands out: trace ids and ids of LLM calls without trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub traces: Vec<String>,
    pub calls: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Outbox {
    traces: VecDeque<String>,
    calls: VecDeque<String>,
    /// Ended traces with observations still running, in id order.
    waiting: BTreeSet<String>,
    sent: HashSet<String>,
}

impl Outbox {
    /// An outbox over `store`, which from now on notes what ends.
    pub fn new(store: &mut Store, include: Include) -> Outbox {
        let mut outbox = Outbox::default();
        outbox.include(store, include);
        outbox
    }

    /// Adds what has already ended to the queue ([`Include::All`]), or
    /// counts it as sent ([`Include::New`]; for [`Include::EndedFrom`],
    /// what ended before its time); one pass over the store.
    pub fn include(&mut self, store: &mut Store, include: Include) {
        store.watch_endings();
        // What ended at or after `from` is queued; what ended before, sent.
        let from = match include {
            Include::All => None,
            Include::New => Some(Timestamp::from_unix_nanos(i64::MAX)),
            Include::EndedFrom(from) => Some(from),
        };
        let is_new =
            |ended: Option<Timestamp>| from.is_none_or(|from| ended.is_some_and(|at| at >= from));
        for trace in store
            .traces_in_order()
            .into_iter()
            .map(|entry| entry.trace())
        {
            if !trace.status.is_ended() {
                continue;
            }
            if is_new(trace.ended_at) {
                self.traces.push_back(trace.id.clone());
            } else {
                self.sent.insert(trace.id.clone());
            }
        }
        for call in store.observations_without_trace() {
            if !call.status.is_ended() {
                continue;
            }
            if is_new(call.ended_at) {
                self.calls.push_back(call.id.clone());
            } else {
                self.sent.insert(call.id.clone());
            }
        }
    }

    /// The next traces and calls to send, counted as sent; `None` when
    /// nothing is ready.
    pub fn take(&mut self, store: &mut Store, take: Take) -> Option<Selection> {
        for ending in store.take_endings() {
            match ending {
                Ending::Trace(id) => self.traces.push_back(id),
                Ending::Call(id) => self.calls.push_back(id),
            }
        }
        let max = take.max.max(1);
        let mut selection = Selection::default();
        if take.ready == Ready::Ended {
            let waiting = std::mem::take(&mut self.waiting);
            self.traces.extend(waiting);
        }
        while selection.traces.len() < max {
            let Some(id) = self.traces.pop_front() else {
                break;
            };
            let Some(entry) = store.trace(&id) else {
                continue; // removed since
            };
            if self.sent.contains(&id) || !entry.trace().status.is_ended() {
                continue;
            }
            if take.ready == Ready::Ended || entry.is_settled() {
                self.waiting.remove(&id);
                self.sent.insert(id.clone());
                selection.traces.push(id);
            } else {
                self.waiting.insert(id); // the store notes it again once settled
            }
        }
        while selection.calls.len() < max {
            let Some(id) = self.calls.pop_front() else {
                break;
            };
            let ended = store
                .observation(&id)
                .is_some_and(|call| call.trace_id.is_none() && call.status.is_ended());
            if ended && self.sent.insert(id.clone()) {
                selection.calls.push(id);
            }
        }
        (!selection.traces.is_empty() || !selection.calls.is_empty()).then_some(selection)
    }

    /// Ids of the traces and calls still to hand out: queued, waiting for
    /// their observations, or ended in the store since the last take.
    /// Owned ids: the one kind of set the record-only wasm holds (a set of
    /// `&str` too was ~1 KB of it), and evicting is rare.
    pub fn unsent(&self, store: &Store) -> HashSet<String> {
        let noted = store.pending_endings().iter().map(|ending| match ending {
            Ending::Trace(id) | Ending::Call(id) => id.as_str(),
        });
        let queued = self.traces.iter().chain(&self.calls).chain(&self.waiting);
        queued
            .map(String::as_str)
            .chain(noted)
            .filter(|id| !self.sent.contains(*id))
            .map(str::to_string)
            .collect()
    }

    /// Forgets that `id` was sent, once it left the store: what the outbox
    /// remembers stays as large as the store.
    pub fn forget(&mut self, id: &str) {
        self.sent.remove(id);
    }

    /// Forgets what was queued and sent (the store was cleared).
    pub fn reset(&mut self) {
        *self = Outbox::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Observation, ObservationType, Trace};
    use crate::store::End;
    use crate::time::Timestamp;

    const SETTLED: Take = Take {
        max: 10,
        ready: Ready::Settled,
    };

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_nanos(ms * 1_000_000)
    }

    fn trace(store: &mut Store, id: &str) {
        store.add_trace(Trace::new(id, id, at(0))).unwrap();
    }

    fn span(store: &mut Store, trace: Option<&str>, id: &str) {
        let mut observation = Observation::new(id, ObservationType::Span, id, at(0));
        observation.trace_id = trace.map(str::to_string);
        store.add_observation(observation).unwrap();
    }

    fn traces(selection: Option<Selection>) -> Vec<String> {
        selection.map(|s| s.traces).unwrap_or_default()
    }

    #[test]
    fn outbox_hands_out_a_trace_once_it_and_its_steps_have_ended() {
        let mut store = Store::new();
        let mut outbox = Outbox::new(&mut store, Include::All);
        trace(&mut store, "t1");
        span(&mut store, Some("t1"), "s1");
        store.end_trace("t1", at(5), End::completed()).unwrap();
        assert_eq!(outbox.take(&mut store, SETTLED), None, "s1 still runs");
        store
            .end_observation("s1", at(4), End::completed())
            .unwrap();
        assert_eq!(traces(outbox.take(&mut store, SETTLED)), ["t1"]);
        assert_eq!(outbox.take(&mut store, SETTLED), None, "sent once");
    }

    #[test]
    fn outbox_on_shutdown_sends_ended_traces_whose_steps_still_run() {
        let mut store = Store::new();
        let mut outbox = Outbox::new(&mut store, Include::All);
        trace(&mut store, "t1");
        span(&mut store, Some("t1"), "s1");
        trace(&mut store, "t2");
        store.end_trace("t1", at(5), End::completed()).unwrap();
        assert_eq!(outbox.take(&mut store, SETTLED), None);
        let last = Take {
            max: 10,
            ready: Ready::Ended,
        };
        assert_eq!(traces(outbox.take(&mut store, last)), ["t1"], "t2 runs");
    }

    #[test]
    fn outbox_from_a_time_sends_what_ended_since_and_counts_the_rest_as_sent() {
        let mut store = Store::new();
        for (id, ended) in [("early", 1), ("late", 3)] {
            trace(&mut store, id);
            store.end_trace(id, at(ended), End::completed()).unwrap();
        }
        trace(&mut store, "running");
        let mut outbox = Outbox::new(&mut store, Include::EndedFrom(at(2)));
        assert_eq!(traces(outbox.take(&mut store, SETTLED)), ["late"]);
        store.end_trace("running", at(4), End::completed()).unwrap();
        assert_eq!(traces(outbox.take(&mut store, SETTLED)), ["running"]);
        assert_eq!(
            outbox.take(&mut store, SETTLED),
            None,
            "early counts as sent"
        );
    }

    #[test]
    fn outbox_includes_history_or_only_what_ends_later() {
        let mut store = Store::new();
        for id in ["a", "b", "c"] {
            trace(&mut store, id);
            store.end_trace(id, at(1), End::completed()).unwrap();
        }
        span(&mut store, None, "call");
        store
            .end_observation("call", at(1), End::completed())
            .unwrap();
        let mut all = Outbox::new(&mut store.clone(), Include::All);
        let mut copy = store.clone();
        let first = all.take(&mut copy, Take { max: 2, ..SETTLED }).unwrap();
        assert_eq!(
            (first.traces, first.calls),
            (vec!["a".to_string(), "b".into()], vec!["call".to_string()])
        );
        assert_eq!(traces(all.take(&mut copy, SETTLED)), ["c"]);

        let mut new = Outbox::new(&mut store, Include::New);
        assert_eq!(new.take(&mut store, SETTLED), None);
        trace(&mut store, "d");
        store.end_trace("d", at(2), End::completed()).unwrap();
        assert_eq!(traces(new.take(&mut store, SETTLED)), ["d"]);
    }

    #[test]
    fn outbox_skips_what_was_removed() {
        let mut store = Store::new();
        let mut outbox = Outbox::new(&mut store, Include::All);
        trace(&mut store, "t1");
        store.end_trace("t1", at(1), End::completed()).unwrap();
        store.remove_trace("t1");
        assert_eq!(outbox.take(&mut store, SETTLED), None);
    }
}
