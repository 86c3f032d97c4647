//! The time axis of a trace's views (the timeline's bars, the flame
//! graph). **The rule:** it starts at the earliest of the trace's start and
//! its observations' starts (an SDK may record spans before the trace
//! record: they are drawn, not squashed to zero), and ends at the last
//! known end; it is never shorter than [`SHORTEST_MS`], so a trace of
//! instant events still has a width to share out.

use crate::rules::duration;
use crate::time::{millis_between, Timestamp};

/// The shortest axis, in ms.
pub const SHORTEST_MS: f64 = 1.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    /// Where the axis starts, in ms after the trace started (0, or
    /// negative when an observation started earlier).
    pub origin_ms: f64,
    /// Its length, in ms (at least `SHORTEST_MS`).
    pub span_ms: f64,
}

impl Axis {
    /// A time (ms after the trace started) as ms along the axis.
    pub fn at(&self, ms_after_trace_start: f64) -> f64 {
        ms_after_trace_start - self.origin_ms
    }
}

/// The axis of a trace starting at `trace_start` whose observations ran
/// over these `(start, end)` times (`None`: still running).
pub fn axis(
    trace_start: Timestamp,
    times: impl IntoIterator<Item = (Timestamp, Option<Timestamp>)>,
) -> Axis {
    let (mut first, mut last) = (0.0_f64, 0.0_f64);
    for (started, ended) in times {
        let start = millis_between(trace_start, started);
        first = first.min(start);
        last = last.max(start + duration::between(started, ended).unwrap_or(0.0));
    }
    Axis {
        origin_ms: first,
        span_ms: (last - first).max(SHORTEST_MS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_millis_f64((1_714_564_800_000 + ms) as f64).unwrap()
    }

    fn observation(start: i64, end: Option<i64>) -> (Timestamp, Option<Timestamp>) {
        (at(start), end.map(at))
    }

    #[test]
    fn axis_starts_at_the_earliest_start_and_ends_at_the_last_end() {
        let spans = [observation(-200, Some(-100)), observation(0, Some(300))];
        let axis = axis(at(0), spans);
        assert_eq!(axis.origin_ms, -200.0);
        assert_eq!(axis.span_ms, 500.0);
        assert_eq!(axis.at(0.0), 200.0);
    }

    #[test]
    fn axis_of_instant_events_is_never_empty() {
        let spans = [observation(0, Some(0)), observation(0, None)];
        assert_eq!(axis(at(0), spans).span_ms, SHORTEST_MS);
        assert_eq!(axis(at(0), []).span_ms, SHORTEST_MS);
    }
}
