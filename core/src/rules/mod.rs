//! Every rule the product has, one file each, and the one vocabulary of
//! their outcomes: [`Violation`].
//!
//! Invariant: a `Violation` means "rejected, nothing changed". The recorder
//! returns it from the call that broke a rule; the store returns it for the
//! first record of a file that breaks one, and then keeps its old state.

pub mod axis;
pub mod duration;
pub mod lifecycle;
pub mod limits;
pub mod merge;
pub mod pricing;
pub mod structure;
pub mod template;
pub mod usage;

use std::fmt;

use crate::model::Status;
use crate::time::Timestamp;

/// What a rule is about: a trace or an observation, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    Trace(String),
    Observation(String),
}

impl Subject {
    pub fn id(&self) -> &str {
        match self {
            Subject::Trace(id) | Subject::Observation(id) => id,
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Subject::Trace(_) => "trace",
            Subject::Observation(_) => "observation",
        };
        write!(f, "{kind} \"{}\"", shortened(self.id()))
    }
}

/// An id as messages show it: a runaway id (the "too long" error) is cut.
fn shortened(id: &str) -> String {
    const SHOWN: usize = 40;
    match id.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &id[..end]),
        None => id.to_string(),
    }
}

/// A broken rule. Each message is one sentence a user understands.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Violation {
    #[error("{subject} is not recorded here")]
    Unknown { subject: Subject },
    #[error(
        "{subject} has already ended as {status}; it can end only once and the first end stands"
    )]
    AlreadyEnded { subject: Subject, status: Status },
    #[error("{subject} cannot end at {ended_at}, before it started at {started_at}")]
    EndBeforeStart {
        subject: Subject,
        started_at: Timestamp,
        ended_at: Timestamp,
    },
    #[error("{subject} is {status} but has no ended_at; an ended item needs its end time")]
    EndedWithoutEndTime { subject: Subject, status: Status },
    #[error("{subject} is running but has an ended_at; set its status to completed or error")]
    RunningWithEndTime { subject: Subject },
    #[error("{subject} belongs to trace \"{trace_id}\", which is neither in this file nor already loaded")]
    UnknownTrace { subject: Subject, trace_id: String },
    #[error("{subject} came after trace \"{trace_id}\" left memory (once saved and ended, only the newest maxTracesInMemory traces stay) and is not recorded; raise maxTracesInMemory to keep traces longer")]
    LeftMemory { subject: Subject, trace_id: String },
    #[error(
        "{subject} names parent \"{parent_id}\", which is neither in this file nor already loaded"
    )]
    UnknownParent { subject: Subject, parent_id: String },
    #[error("{subject} in trace \"{trace_id}\" names parent \"{parent_id}\", which belongs to {}", trace_name(.parent_trace_id))]
    ParentInOtherTrace {
        subject: Subject,
        trace_id: String,
        parent_id: String,
        parent_trace_id: Option<String>,
    },
    #[error("{subject} has no trace, so it cannot have a parent (\"{parent_id}\")")]
    ParentWithoutTrace { subject: Subject, parent_id: String },
    #[error("{subject} is its own ancestor: following parents from it comes back to it")]
    ParentCycle { subject: Subject },
    #[error("{subject} is nested more than {max} levels deep")]
    TooDeep { subject: Subject, max: usize },
    #[error("{subject} appears twice in this file; each id may appear once")]
    DuplicateId { subject: Subject },
    #[error("{subject} already belongs to {}, so it cannot move to {}", trace_name(.from), trace_name(.to))]
    MovedTrace {
        subject: Subject,
        from: Option<String>,
        to: Option<String>,
    },
    #[error("the {field} of {subject} is {len} bytes long; the limit is {max}")]
    TooLong {
        subject: Subject,
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{subject} has an empty {field}")]
    Empty {
        subject: Subject,
        field: &'static str,
    },
    #[error("{subject} has a {field} of {value}; costs must be finite and not negative")]
    BadCost {
        subject: Subject,
        field: &'static str,
        value: f64,
    },
}

fn trace_name(id: &Option<String>) -> String {
    match id {
        Some(id) => format!("trace \"{id}\""),
        None => "no trace".to_string(),
    }
}

impl Violation {
    /// The record the violation is about.
    pub fn subject(&self) -> &Subject {
        match self {
            Violation::Unknown { subject }
            | Violation::AlreadyEnded { subject, .. }
            | Violation::EndBeforeStart { subject, .. }
            | Violation::EndedWithoutEndTime { subject, .. }
            | Violation::RunningWithEndTime { subject }
            | Violation::UnknownTrace { subject, .. }
            | Violation::LeftMemory { subject, .. }
            | Violation::UnknownParent { subject, .. }
            | Violation::ParentInOtherTrace { subject, .. }
            | Violation::ParentWithoutTrace { subject, .. }
            | Violation::ParentCycle { subject }
            | Violation::TooDeep { subject, .. }
            | Violation::DuplicateId { subject }
            | Violation::MovedTrace { subject, .. }
            | Violation::TooLong { subject, .. }
            | Violation::Empty { subject, .. }
            | Violation::BadCost { subject, .. } => subject,
        }
    }
}
