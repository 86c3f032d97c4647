//! Duration: computed from start and end, never stored on its own. A
//! running item has none (`None`), which files and summaries show as `null`.

use crate::rules::lifecycle::Lifecycle;
use crate::time::{millis_between, Timestamp};

/// Milliseconds from start to end, or `None` while running.
pub fn duration_ms(item: &impl Lifecycle) -> Option<f64> {
    between(item.started_at(), item.ended_at())
}

/// The same rule for raw times.
pub fn between(start: Timestamp, end: Option<Timestamp>) -> Option<f64> {
    end.map(|end| millis_between(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Trace;

    #[test]
    fn duration_is_end_minus_start_in_fractional_ms() {
        let mut t = Trace::new("t", "n", Timestamp::from_unix_nanos(1_000_000));
        assert_eq!(duration_ms(&t), None);
        t.ended_at = Some(Timestamp::from_unix_nanos(2_500_500));
        assert_eq!(duration_ms(&t), Some(1.5005));
    }
}
