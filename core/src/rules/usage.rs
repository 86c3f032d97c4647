//! Rule: how token counts and costs read when another tool shaped them.
//! One reader serves the npm package (whatever an app passes), Langfuse
//! files (`usageDetails`, `costDetails`) and OTLP
//! (`langfuse.observation.usage_details`, `…cost_details`).
//!
//! - Input, output and total: each takes the first name of its table that
//!   is present (ours first, then OpenAI's and the AI SDK's); any other
//!   name, including a synonym that lost, is kept as a detail.
//! - `prompt_tokens_details` / `input_tokens_details` objects become
//!   `input_<name>` details, their `completion…`/`output…` twins `output_<name>`.
//! - A count is a number ≥ 0: a fraction is rounded to the nearest whole
//!   number (and reported); anything else is left out (and reported). A
//!   cost is a number (its limits are `limits::check_cost`'s).
//! - Sums ([`Tokens`]): a missing total is input + output.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::text_of;
use crate::model::{Cost, Observation, Usage};

/// Token sums.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub total: u64,
}

impl Tokens {
    pub fn of(observation: &Observation) -> Tokens {
        let Some(usage) = &observation.usage else {
            return Tokens::default();
        };
        let input = usage.input.unwrap_or(0);
        let output = usage.output.unwrap_or(0);
        Tokens {
            input,
            output,
            total: usage.total.unwrap_or(input.saturating_add(output)),
        }
    }

    pub fn add(&mut self, other: Tokens) {
        self.input = self.input.saturating_add(other.input);
        self.output = self.output.saturating_add(other.output);
        self.total = self.total.saturating_add(other.total);
    }
}

/// Names of the input, output and total counts, first choice first.
pub const INPUT_NAMES: [&str; 5] = [
    "input",
    "prompt_tokens",
    "input_tokens",
    "promptTokens",
    "inputTokens",
];
pub const OUTPUT_NAMES: [&str; 5] = [
    "output",
    "completion_tokens",
    "output_tokens",
    "completionTokens",
    "outputTokens",
];
pub const TOTAL_NAMES: [&str; 3] = ["total", "total_tokens", "totalTokens"];

/// Objects of finer counts, and the side their counts belong to.
const NESTED: [(&str, &str); 4] = [
    ("prompt_tokens_details", "input"),
    ("input_tokens_details", "input"),
    ("completion_tokens_details", "output"),
    ("output_tokens_details", "output"),
];

impl Usage {
    /// Token counts from an object in any of the shapes above; `None` (and
    /// a problem) when `value` is not an object. Problems are sentences
    /// about `usage.<name>`, for the caller to prefix with whose usage.
    pub fn from_loose(value: &Value, problems: &mut Vec<String>) -> Option<Usage> {
        let Value::Object(fields) = value else {
            problems
                .push("usage must be an object like {input, output, total}; it is left out".into());
            return None;
        };
        Some(Usage::from_fields(fields, problems))
    }

    /// [`Usage::from_loose`] for an object already in hand.
    pub fn from_fields(fields: &Map<String, Value>, problems: &mut Vec<String>) -> Usage {
        let first_present =
            |names: &[&'static str]| names.iter().find(|n| fields.contains_key(**n)).copied();
        let chosen = [
            first_present(&INPUT_NAMES),
            first_present(&OUTPUT_NAMES),
            first_present(&TOTAL_NAMES),
        ];
        let mut usage = Usage::default();
        for (key, value) in fields {
            if let Some((_, side)) = NESTED.iter().find(|(name, _)| name == key) {
                if let Value::Object(nested) = value {
                    for (name, value) in nested {
                        if let Some(n) = count(&format!("{key}.{name}"), value, problems) {
                            usage.details.insert(format!("{side}_{name}"), n);
                        }
                    }
                    continue;
                }
            }
            let Some(n) = count(key, value, problems) else {
                continue;
            };
            let slot = match chosen.iter().position(|name| *name == Some(key.as_str())) {
                Some(0) => &mut usage.input,
                Some(1) => &mut usage.output,
                Some(_) => &mut usage.total,
                None => {
                    usage.details.insert(key.clone(), n);
                    continue;
                }
            };
            *slot = Some(n);
        }
        usage
    }
}

impl Cost {
    /// Cost in USD from `{input, output, total}`; other keys are ignored.
    /// `None` (and a problem) when `value` is not an object.
    pub fn from_loose(value: &Value, problems: &mut Vec<String>) -> Option<Cost> {
        let Value::Object(fields) = value else {
            problems.push(
                "cost must be an object like {input, output, total} in USD; it is left out".into(),
            );
            return None;
        };
        Some(Cost::from_fields(fields, problems))
    }

    /// [`Cost::from_loose`] for an object already in hand.
    pub fn from_fields(fields: &Map<String, Value>, problems: &mut Vec<String>) -> Cost {
        let mut cost = Cost::default();
        for (key, slot) in [
            ("input", &mut cost.input),
            ("output", &mut cost.output),
            ("total", &mut cost.total),
        ] {
            match fields.get(key) {
                None | Some(Value::Null) => {}
                Some(value) => match value.as_f64() {
                    Some(usd) => *slot = Some(usd),
                    None => problems.push(format!(
                        "cost.{key} must be a number of USD (got {}); it is left out",
                        text_of(value)
                    )),
                },
            }
        }
        cost
    }
}

/// A whole number of tokens: a fraction is rounded, with a problem; a
/// negative or non-number is left out, with a problem; `null` is silently
/// nothing.
fn count(name: &str, value: &Value, problems: &mut Vec<String>) -> Option<u64> {
    if let Some(n) = value.as_u64() {
        return Some(n);
    }
    let usable = value.as_f64().filter(|f| *f >= 0.0 && *f < 1.8e19);
    match usable {
        Some(f) => {
            let rounded = f.round() as u64;
            if f.fract() != 0.0 {
                problems.push(format!(
                    "usage.{name} must be a whole number of tokens ≥ 0 (got {}); {rounded} is used",
                    text_of(value)
                ));
            }
            Some(rounded)
        }
        None => {
            if !value.is_null() {
                problems.push(format!(
                    "usage.{name} must be a whole number of tokens ≥ 0 (got {}); it is left out",
                    text_of(value)
                ));
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> (Option<Usage>, Vec<String>) {
        let mut problems = Vec::new();
        (Usage::from_loose(&value, &mut problems), problems)
    }

    #[test]
    fn usage_reads_ours_openai_and_ai_sdk_names() {
        for value in [
            json!({"input": 3, "output": 4, "total": 7}),
            json!({"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}),
            json!({"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}),
            json!({"promptTokens": 3, "completionTokens": 4, "totalTokens": 7}),
            json!({"inputTokens": 3, "outputTokens": 4, "totalTokens": 7.0}),
        ] {
            let (usage, problems) = read(value.clone());
            assert_eq!(usage, Some(Usage::tokens(3, 4)), "{value}");
            assert!(problems.is_empty(), "{value}: {problems:?}");
        }
    }

    #[test]
    fn usage_keeps_the_first_name_and_the_rest_as_details() {
        let (usage, _) = read(json!({
            "prompt_tokens": 12, "input": 10, "cache_read_input_tokens": 4,
            "prompt_tokens_details": {"cached_tokens": 2},
            "completion_tokens_details": {"reasoning_tokens": 5}
        }));
        let usage = usage.unwrap();
        assert_eq!(usage.input, Some(10));
        assert_eq!(usage.details["prompt_tokens"], 12);
        assert_eq!(usage.details["cache_read_input_tokens"], 4);
        assert_eq!(usage.details["input_cached_tokens"], 2);
        assert_eq!(usage.details["output_reasoning_tokens"], 5);
    }

    #[test]
    fn usage_rounds_fractions_and_leaves_out_what_is_not_a_count() {
        let (usage, problems) = read(json!({"input": 1.5, "output": -2, "total": null, "x": "a"}));
        assert_eq!(
            usage,
            Some(Usage {
                input: Some(2),
                ..Usage::default()
            })
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].ends_with("(got 1.5); 2 is used"),
            "{problems:?}"
        );
        assert!(
            problems[1].ends_with("(got -2); it is left out"),
            "{problems:?}"
        );
        assert_eq!(read(json!([1])).1.len(), 1);
    }

    #[test]
    fn cost_reads_numbers_and_reports_the_rest() {
        let mut problems = Vec::new();
        let cost = Cost::from_loose(
            &json!({"input": 0.5, "total": "1", "other": 2}),
            &mut problems,
        );
        assert_eq!(
            cost,
            Some(Cost {
                input: Some(0.5),
                output: None,
                total: None
            })
        );
        assert_eq!(
            problems,
            ["cost.total must be a number of USD (got \"1\"); it is left out"]
        );
    }
}
