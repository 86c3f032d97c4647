//! Field limits: what a single record may hold, whatever its context.
//!
//! Ids, session and user ids are at most 200 bytes (Langfuse's limit for
//! session ids), names at most 1,000, and ids are never empty. Costs are
//! finite and not negative; token counts are non-negative integers by type.
//! Input, output and metadata have no limit: LLM text can be large.

use crate::model::{Cost, Observation, Trace};
use crate::rules::lifecycle::Lifecycle;
use crate::rules::{Subject, Violation};

pub const MAX_ID_BYTES: usize = 200;
pub const MAX_NAME_BYTES: usize = 1_000;

/// Checks one trace record on its own.
pub fn check_trace(trace: &Trace) -> Result<(), Violation> {
    let subject = || trace.subject();
    id("id", &trace.id, subject)?;
    short("name", &trace.name, MAX_NAME_BYTES, subject)?;
    for (field, value) in [
        ("session_id", &trace.session_id),
        ("user_id", &trace.user_id),
        ("environment", &trace.environment),
        ("release", &trace.release),
    ] {
        if let Some(value) = value {
            id(field, value, subject)?;
        }
    }
    for tag in &trace.tags {
        short("tag", tag, MAX_ID_BYTES, subject)?;
    }
    Ok(())
}

/// Checks one observation record on its own.
pub fn check_observation(observation: &Observation) -> Result<(), Violation> {
    let subject = || observation.subject();
    id("id", &observation.id, subject)?;
    for (field, value) in [
        ("trace_id", &observation.trace_id),
        ("parent_id", &observation.parent_id),
        ("provider", &observation.provider),
        ("model", &observation.model),
    ] {
        if let Some(value) = value {
            id(field, value, subject)?;
        }
    }
    short("name", &observation.name, MAX_NAME_BYTES, subject)?;
    for (field, value) in [
        ("type_label", &observation.type_label),
        ("prompt_name", &observation.prompt_name),
    ] {
        if let Some(value) = value {
            short(field, value, MAX_NAME_BYTES, subject)?;
        }
    }
    if let Some(cost) = &observation.cost {
        check_cost(cost, subject)?;
    }
    Ok(())
}

fn id(field: &'static str, value: &str, subject: impl Fn() -> Subject) -> Result<(), Violation> {
    if value.is_empty() {
        return Err(Violation::Empty {
            subject: subject(),
            field,
        });
    }
    short(field, value, MAX_ID_BYTES, subject)
}

fn short(
    field: &'static str,
    value: &str,
    max: usize,
    subject: impl Fn() -> Subject,
) -> Result<(), Violation> {
    if value.len() > max {
        return Err(Violation::TooLong {
            subject: subject(),
            field,
            len: value.len(),
            max,
        });
    }
    Ok(())
}

/// Costs are finite and not negative.
pub fn check_cost(cost: &Cost, subject: impl Fn() -> Subject) -> Result<(), Violation> {
    for (field, value) in [
        ("cost.input", cost.input),
        ("cost.output", cost.output),
        ("cost.total", cost.total),
    ] {
        if let Some(value) = value {
            if !value.is_finite() || value < 0.0 {
                return Err(Violation::BadCost {
                    subject: subject(),
                    field,
                    value,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObservationType;
    use crate::time::Timestamp;

    fn generation() -> Observation {
        Observation::new(
            "g",
            ObservationType::Generation,
            "call",
            Timestamp::from_unix_nanos(0),
        )
    }

    #[test]
    fn limits_reject_long_ids_and_names() {
        let mut t = Trace::new("t", "n", Timestamp::from_unix_nanos(0));
        t.session_id = Some("s".repeat(201));
        let err = check_trace(&t).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the session_id of trace \"t\" is 201 bytes long; the limit is 200"
        );

        let mut g = generation();
        g.name = "n".repeat(1001);
        assert!(matches!(
            check_observation(&g),
            Err(Violation::TooLong { field: "name", .. })
        ));
    }

    #[test]
    fn limits_reject_empty_ids() {
        let t = Trace::new("", "n", Timestamp::from_unix_nanos(0));
        assert_eq!(
            check_trace(&t).unwrap_err().to_string(),
            "trace \"\" has an empty id"
        );
    }

    #[test]
    fn limits_reject_negative_cost() {
        let mut g = generation();
        g.cost = Some(Box::new(Cost {
            total: Some(-0.5),
            ..Cost::default()
        }));
        assert_eq!(
            check_observation(&g).unwrap_err().to_string(),
            "observation \"g\" has a cost.total of -0.5; costs must be finite and not negative"
        );
    }
}
