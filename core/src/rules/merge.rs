//! Merge: which record wins when an id that is already stored arrives again
//! (a later import, or a JSON Lines file that appends a record's new state).
//!
//! Rule: the incoming record replaces the stored one (upsert), except that a
//! running record never replaces an ended (completed or error) one. So
//! loading a "running" snapshot and the final record gives the final record
//! in either order, and loading the same file twice changes nothing.

use crate::rules::lifecycle::Lifecycle;

/// Whether `incoming` should replace `stored`.
pub fn incoming_wins(stored: &impl Lifecycle, incoming: &impl Lifecycle) -> bool {
    !stored.status().is_ended() || incoming.status().is_ended()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Status, Trace};
    use crate::time::Timestamp;

    fn trace(status: Status) -> Trace {
        let mut t = Trace::new("t", "n", Timestamp::from_unix_nanos(0));
        t.status = status;
        t
    }

    #[test]
    fn merge_ended_record_replaces_running_one() {
        assert!(incoming_wins(
            &trace(Status::Running),
            &trace(Status::Completed)
        ));
        assert!(incoming_wins(
            &trace(Status::Running),
            &trace(Status::Error)
        ));
    }

    #[test]
    fn merge_running_record_never_replaces_ended_one() {
        assert!(!incoming_wins(
            &trace(Status::Completed),
            &trace(Status::Running)
        ));
        assert!(!incoming_wins(
            &trace(Status::Error),
            &trace(Status::Running)
        ));
    }

    #[test]
    fn merge_same_stage_upserts() {
        assert!(incoming_wins(
            &trace(Status::Running),
            &trace(Status::Running)
        ));
        assert!(incoming_wins(
            &trace(Status::Completed),
            &trace(Status::Error)
        ));
    }
}
