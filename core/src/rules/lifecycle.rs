//! Status: an item is `running` until it ends, then `completed` or `error`,
//! and never moves again.
//!
//! Outcomes of misuse (each a [`Violation`], nothing changed):
//! - ending an item that has already ended → `AlreadyEnded` (the first end stands);
//! - ending before the start → `EndBeforeStart` (the item stays running);
//! - a stored record whose status and `ended_at` disagree → `EndedWithoutEndTime`
//!   or `RunningWithEndTime`.
//!
//! Adding a child to an ended parent is allowed (OpenTelemetry allows it
//! too: work started in the background may outlive its caller); the parent's
//! duration is not stretched.

use crate::model::{Level, Observation, Status, Trace};
use crate::rules::{Subject, Violation};
use crate::time::Timestamp;

/// How an item ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Error,
}

/// Traces and observations share the lifecycle.
pub trait Lifecycle {
    fn subject(&self) -> Subject;
    fn status(&self) -> Status;
    fn started_at(&self) -> Timestamp;
    fn ended_at(&self) -> Option<Timestamp>;
    fn set_end(&mut self, status: Status, at: Timestamp);
}

/// Moves `item` from running to its outcome at `at`.
pub fn end(item: &mut impl Lifecycle, at: Timestamp, outcome: Outcome) -> Result<(), Violation> {
    let status = item.status();
    if status.is_ended() {
        return Err(Violation::AlreadyEnded {
            subject: item.subject(),
            status,
        });
    }
    if at < item.started_at() {
        return Err(Violation::EndBeforeStart {
            subject: item.subject(),
            started_at: item.started_at(),
            ended_at: at,
        });
    }
    let status = match outcome {
        Outcome::Completed => Status::Completed,
        Outcome::Error => Status::Error,
    };
    item.set_end(status, at);
    Ok(())
}

/// A stored record is consistent: running ⇔ no end time, end ≥ start.
pub fn check(item: &impl Lifecycle) -> Result<(), Violation> {
    match (item.status(), item.ended_at()) {
        (Status::Running, None) => Ok(()),
        (Status::Running, Some(_)) => Err(Violation::RunningWithEndTime {
            subject: item.subject(),
        }),
        (status, None) => Err(Violation::EndedWithoutEndTime {
            subject: item.subject(),
            status,
        }),
        (_, Some(ended_at)) if ended_at < item.started_at() => Err(Violation::EndBeforeStart {
            subject: item.subject(),
            started_at: item.started_at(),
            ended_at,
        }),
        _ => Ok(()),
    }
}

/// Whether an observation counts as an error: it failed, or it was logged
/// at level error (Langfuse marks errors by level only).
pub fn is_error(observation: &Observation) -> bool {
    observation.status == Status::Error || observation.level == Level::Error
}

impl Lifecycle for Trace {
    fn subject(&self) -> Subject {
        Subject::Trace(self.id.clone())
    }
    fn status(&self) -> Status {
        self.status
    }
    fn started_at(&self) -> Timestamp {
        self.started_at
    }
    fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }
    fn set_end(&mut self, status: Status, at: Timestamp) {
        self.status = status;
        self.ended_at = Some(at);
    }
}

impl Lifecycle for Observation {
    fn subject(&self) -> Subject {
        Subject::Observation(self.id.clone())
    }
    fn status(&self) -> Status {
        self.status
    }
    fn started_at(&self) -> Timestamp {
        self.started_at
    }
    fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }
    fn set_end(&mut self, status: Status, at: Timestamp) {
        self.status = status;
        self.ended_at = Some(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObservationType;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_nanos(ms * 1_000_000)
    }

    fn span() -> Observation {
        Observation::new("s1", ObservationType::Span, "step", at(100))
    }

    #[test]
    fn status_running_ends_completed_or_error() {
        let mut ok = span();
        end(&mut ok, at(150), Outcome::Completed).unwrap();
        assert_eq!((ok.status, ok.ended_at), (Status::Completed, Some(at(150))));

        let mut failed = span();
        end(&mut failed, at(150), Outcome::Error).unwrap();
        assert_eq!(failed.status, Status::Error);
    }

    #[test]
    fn status_end_twice_is_rejected_and_first_end_stands() {
        let mut s = span();
        end(&mut s, at(150), Outcome::Completed).unwrap();
        let err = end(&mut s, at(200), Outcome::Error).unwrap_err();
        assert_eq!(
            err.to_string(),
            "observation \"s1\" has already ended as completed; it can end only once and the first end stands"
        );
        assert_eq!((s.status, s.ended_at), (Status::Completed, Some(at(150))));
    }

    #[test]
    fn status_end_before_start_is_rejected_and_item_stays_running() {
        let mut s = span();
        let err = end(&mut s, at(99), Outcome::Completed).unwrap_err();
        assert!(matches!(err, Violation::EndBeforeStart { .. }), "{err}");
        assert_eq!((s.status, s.ended_at), (Status::Running, None));
    }

    #[test]
    fn status_end_at_start_is_a_zero_length_item() {
        let mut s = span();
        end(&mut s, at(100), Outcome::Completed).unwrap();
        check(&s).unwrap();
    }

    #[test]
    fn status_record_must_agree_with_end_time() {
        let mut s = span();
        s.status = Status::Completed;
        assert!(matches!(
            check(&s),
            Err(Violation::EndedWithoutEndTime { .. })
        ));
        s.status = Status::Running;
        s.ended_at = Some(at(120));
        assert!(matches!(
            check(&s),
            Err(Violation::RunningWithEndTime { .. })
        ));
        s.status = Status::Error;
        s.ended_at = Some(at(50));
        assert!(matches!(check(&s), Err(Violation::EndBeforeStart { .. })));
    }

    #[test]
    fn status_error_level_counts_as_error() {
        let mut s = span();
        assert!(!is_error(&s));
        s.level = Level::Error;
        assert!(is_error(&s));
    }
}
