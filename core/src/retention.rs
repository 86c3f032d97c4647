//! Bounded memory while an app records: which traces leave memory once a
//! copy of them is kept elsewhere (the npm package's `maxTracesInMemory`).
//!
//! Rule: while more than `keep` traces are in memory, the oldest (by start,
//! then id) leave, each only when
//! - it is settled: the trace and every observation in it have ended;
//! - storage has it: the store's change feed is on (storage keeps a copy
//!   of every record) and no change of it waits there untaken — the caller
//!   evicts only once what it took was saved;
//! - the outbox, while one runs, has handed it out.
//!
//! With neither storage nor an outbox, nothing leaves: memory is the only
//! copy. LLM calls without trace leave alike (ended, saved, sent), the
//! oldest first, beyond `keep` of them. A trace that never ends never
//! leaves. A trace that left takes no more records: later records for it
//! are refused, and for the last `store::LEFT_KEPT` traces that left, with
//! `Violation::LeftMemory`, which names `maxTracesInMemory` (the bound keeps
//! the newest `keep`, so only late records meet this). A record that
//! creates the trace again (a late OpenTelemetry span under its id) is a
//! new trace: its record replaces the stored one's when saved.

use crate::hash::HashSet;
use crate::model::Observation;
use crate::outbox::Outbox;
use crate::store::Store;

/// How many left memory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evicted {
    pub traces: usize,
    pub calls: usize,
}

/// Removes what may leave memory beyond `keep` traces (and `keep` calls
/// without trace); the outbox forgets what left. Costs a sort of the
/// store only when it holds more than `keep`.
pub fn evict(store: &mut Store, keep: usize, outbox: Option<&mut Outbox>) -> Evicted {
    let saved = store.watches_changes();
    let over_traces = store.trace_count().saturating_sub(keep);
    let over_calls = store
        .observations_without_trace()
        .len()
        .saturating_sub(keep);
    if (!saved && outbox.is_none()) || (over_traces == 0 && over_calls == 0) {
        return Evicted::default();
    }
    let (traces, calls) = leaving(store, outbox.as_deref(), over_traces, over_calls);
    for id in &traces {
        store.evict_trace(id);
    }
    let left = store.remove_calls_without_trace(|call| calls.contains(call.id.as_str()));
    if let Some(outbox) = outbox {
        for id in traces.iter().chain(&calls) {
            outbox.forget(id);
        }
    }
    Evicted {
        traces: traces.len(),
        calls: left,
    }
}

/// The oldest `over_traces` traces and `over_calls` calls that may leave.
fn leaving(
    store: &Store,
    outbox: Option<&Outbox>,
    over_traces: usize,
    over_calls: usize,
) -> (Vec<String>, HashSet<String>) {
    // Owned, as the outbox's unsent set: one kind of set in the wasm.
    let mut unsaved: HashSet<String> = HashSet::default();
    if let Some(changes) = store.pending_changes() {
        unsaved.extend(changes.traces().map(str::to_string));
        for id in changes.observations() {
            match store.observation(id).map(|o| o.trace_id.as_deref()) {
                Some(Some(trace_id)) => unsaved.insert(trace_id.to_string()),
                _ => unsaved.insert(id.to_string()),
            };
        }
    }
    let unsent = outbox
        .map(|outbox| outbox.unsent(store))
        .unwrap_or_default();
    let kept = |id: &str| unsaved.contains(id) || unsent.contains(id);

    let traces = store
        .traces_in_order()
        .into_iter()
        .filter(|entry| entry.is_settled() && !kept(&entry.trace().id))
        .take(over_traces)
        .map(|entry| entry.trace().id.clone())
        .collect();
    let calls = store
        .observations_without_trace_in_order()
        .into_iter()
        .filter(|call: &&Observation| call.status.is_ended() && !kept(&call.id))
        .take(over_calls)
        .map(|call| call.id.clone())
        .collect();
    (traces, calls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ObservationType, Trace};
    use crate::outbox::{Include, Ready, Take};
    use crate::rules::Violation;
    use crate::store::End;
    use crate::time::Timestamp;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_nanos(ms * 1_000_000)
    }

    /// Trace `id` started at `start`, with one span; ended when `ended`.
    fn trace(store: &mut Store, id: &str, start: i64, ended: bool) {
        store.add_trace(Trace::new(id, id, at(start))).unwrap();
        let mut span = Observation::new(format!("{id}.s"), ObservationType::Span, "s", at(start));
        span.trace_id = Some(id.to_string());
        store.add_observation(span).unwrap();
        if ended {
            store
                .end_observation(&format!("{id}.s"), at(start + 1), End::completed())
                .unwrap();
            store
                .end_trace(id, at(start + 2), End::completed())
                .unwrap();
        }
    }

    fn ids(store: &Store) -> Vec<String> {
        let entries = store.traces_in_order();
        entries.iter().map(|e| e.trace().id.clone()).collect()
    }

    #[test]
    fn a_record_for_a_trace_that_left_memory_is_refused_naming_max_traces_in_memory() {
        let mut store = Store::new();
        store.watch_changes();
        trace(&mut store, "old", 0, true);
        trace(&mut store, "new", 10, true);
        store.take_changes(); // saved
        assert_eq!(evict(&mut store, 1, None).traces, 1);
        let mut late = Observation::new("late", ObservationType::Span, "s", at(20));
        late.trace_id = Some("old".to_string());
        let refused = store.add_observation(late).unwrap_err();
        assert!(matches!(refused, Violation::LeftMemory { .. }), "{refused}");
        assert!(
            refused.to_string().contains("maxTracesInMemory"),
            "{refused}"
        );
        let update = crate::store::TraceUpdate::default();
        let refused = store.update_trace("old", update).unwrap_err();
        assert!(matches!(refused, Violation::LeftMemory { .. }), "{refused}");
        // A trace never seen is still unknown, not "left".
        let refused = store
            .end_trace("never", at(30), End::completed())
            .unwrap_err();
        assert!(matches!(refused, Violation::Unknown { .. }), "{refused}");
        // Recorded again (a new start under the same id): it is in memory again.
        store.add_trace(Trace::new("old", "old", at(40))).unwrap();
        assert!(!store.has_left("old"));
    }

    #[test]
    fn evict_keeps_everything_when_nothing_else_holds_a_copy() {
        let mut store = Store::new();
        for (i, id) in ["a", "b", "c"].into_iter().enumerate() {
            trace(&mut store, id, i as i64 * 10, true);
        }
        assert_eq!(evict(&mut store, 1, None), Evicted::default());
        assert_eq!(ids(&store), ["a", "b", "c"]);
    }

    #[test]
    fn evict_removes_the_oldest_saved_settled_traces_beyond_keep() {
        let mut store = Store::new();
        store.watch_changes();
        trace(&mut store, "running", 0, false);
        trace(&mut store, "old", 10, true);
        trace(&mut store, "mid", 20, true);
        trace(&mut store, "new", 30, true);
        assert_eq!(evict(&mut store, 2, None).traces, 0, "nothing saved yet");
        store.take_changes(); // the caller saved them
        assert_eq!(evict(&mut store, 2, None).traces, 2);
        assert_eq!(
            ids(&store),
            ["running", "new"],
            "running stays; oldest ended leave"
        );
        assert_eq!(evict(&mut store, 2, None).traces, 0, "at the bound");
    }

    #[test]
    fn evict_keeps_what_changed_since_it_was_saved() {
        let mut store = Store::new();
        store.watch_changes();
        trace(&mut store, "a", 0, true);
        trace(&mut store, "b", 10, true);
        store.take_changes();
        store.update_trace("a", Default::default()).unwrap();
        evict(&mut store, 0, None);
        assert_eq!(ids(&store), ["a"]);
    }

    #[test]
    fn evict_waits_for_the_outbox_and_bounds_what_it_remembers() {
        let mut store = Store::new();
        let mut outbox = Outbox::new(&mut store, Include::All);
        trace(&mut store, "a", 0, true);
        trace(&mut store, "b", 10, true);
        assert_eq!(
            evict(&mut store, 0, Some(&mut outbox)).traces,
            0,
            "not sent yet"
        );
        let one = Take {
            max: 1,
            ready: Ready::Settled,
        };
        let sent = outbox.take(&mut store, one).unwrap();
        assert_eq!(sent.traces, ["a"]);
        assert_eq!(evict(&mut store, 0, Some(&mut outbox)).traces, 1);
        assert_eq!(ids(&store), ["b"]);
        // "a" left: sending it again is impossible, so the outbox forgot it;
        // a trace of that id recorded anew is sent as new.
        trace(&mut store, "a", 20, true);
        let next = outbox.take(&mut store, Take { max: 5, ..one }).unwrap();
        assert_eq!(next.traces, ["b", "a"]);
    }

    #[test]
    fn evict_removes_ended_calls_without_trace_and_keeps_order() {
        let mut store = Store::new();
        store.watch_changes();
        for (i, id) in ["c1", "c2", "c3", "c4"].into_iter().enumerate() {
            store
                .add_observation(Observation::new(
                    id,
                    ObservationType::Generation,
                    id,
                    at(i as i64),
                ))
                .unwrap();
        }
        for id in ["c1", "c3", "c4"] {
            store.end_observation(id, at(9), End::completed()).unwrap();
        }
        store.take_changes();
        assert_eq!(evict(&mut store, 2, None).calls, 2);
        let left: Vec<&str> = store
            .observations_without_trace()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            left,
            ["c2", "c4"],
            "c2 runs; c1 and c3 were the oldest ended"
        );
        assert_eq!(
            store.observation("c4").unwrap().id,
            "c4",
            "positions follow"
        );
        assert!(store.observation("c1").is_none());
    }
}
