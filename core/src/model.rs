//! The data model: traces, observations and what a generation carries.
//!
//! These types are also the records of the native trace file (see
//! `format::native`), so their serde shape is a public promise: add fields
//! as `Option` with `skip_serializing_if`, never rename. A session is not a
//! type: it is the `session_id` string that traces share.
//!
//! Invariant: nothing here enforces a rule; `rules/` does, and the store and
//! the recorder call it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::Json;
use crate::time::Timestamp;

/// One workflow or request: the root that observations hang from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    pub status: Status,
    pub started_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub input: Option<Json>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub output: Option<Json>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub metadata: Option<Json>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
}

impl Trace {
    /// A running trace with only the required fields set.
    pub fn new(id: impl Into<String>, name: impl Into<String>, started_at: Timestamp) -> Trace {
        Trace {
            id: id.into(),
            name: name.into(),
            session_id: None,
            user_id: None,
            status: Status::Running,
            started_at,
            ended_at: None,
            status_message: None,
            input: None,
            output: None,
            metadata: None,
            tags: Vec::new(),
            environment: None,
            release: None,
        }
    }
}

/// One step inside a trace (or, for a generation, possibly outside any).
///
/// Generation details (model, usage, cost, prompt) are plain optional fields,
/// as in Langfuse: an embedding or an agent may carry a model too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: String,
    /// `None` only for an LLM call recorded without any trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: ObservationType,
    /// The caller's own word for the type when it was not one of the ten
    /// (the seed's "retrieval", "function"…), kept as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_label: Option<String>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Level::is_default")]
    pub level: Level,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    pub started_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// When the first token arrived (streaming generations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_start_time: Option<Timestamp>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub input: Option<Json>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub output: Option<Json>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub metadata: Option<Json>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_parameters: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Box<Usage>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Box<Cost>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Map<String, Value>>,
}

impl Observation {
    /// A running observation with only the required fields set.
    pub fn new(
        id: impl Into<String>,
        kind: ObservationType,
        name: impl Into<String>,
        started_at: Timestamp,
    ) -> Observation {
        Observation {
            id: id.into(),
            trace_id: None,
            parent_id: None,
            name: name.into(),
            kind,
            type_label: None,
            status: Status::Running,
            level: Level::Default,
            status_message: None,
            started_at,
            ended_at: None,
            completion_start_time: None,
            input: None,
            output: None,
            metadata: None,
            provider: None,
            model: None,
            model_parameters: None,
            usage: None,
            cost: None,
            prompt_name: None,
            prompt_version: None,
            template: None,
            variables: None,
        }
    }

    /// An LLM call: counted in "LLM calls" and in per-model rollups.
    pub fn is_llm_call(&self) -> bool {
        self.kind == ObservationType::Generation
    }
}

/// A field that is present is kept, even as JSON `null` (a function may
/// really return null); only a missing field is `None`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(deserializer).map(Some)
}

/// Langfuse's observation types. Files may spell them in Langfuse's upper case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservationType {
    #[default]
    Span,
    Generation,
    Event,
    Agent,
    Tool,
    Chain,
    Retriever,
    Embedding,
    Evaluator,
    Guardrail,
}

impl ObservationType {
    pub const ALL: [ObservationType; 10] = [
        ObservationType::Span,
        ObservationType::Generation,
        ObservationType::Event,
        ObservationType::Agent,
        ObservationType::Tool,
        ObservationType::Chain,
        ObservationType::Retriever,
        ObservationType::Embedding,
        ObservationType::Evaluator,
        ObservationType::Guardrail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObservationType::Span => "span",
            ObservationType::Generation => "generation",
            ObservationType::Event => "event",
            ObservationType::Agent => "agent",
            ObservationType::Tool => "tool",
            ObservationType::Chain => "chain",
            ObservationType::Retriever => "retriever",
            ObservationType::Embedding => "embedding",
            ObservationType::Evaluator => "evaluator",
            ObservationType::Guardrail => "guardrail",
        }
    }

    /// The type named exactly (in lower or upper case).
    pub fn parse(name: &str) -> Option<ObservationType> {
        Self::ALL.into_iter().find(|t| {
            t.as_str() == name
                || t.as_str().eq_ignore_ascii_case(name)
                    && name.bytes().all(|b| b.is_ascii_uppercase())
        })
    }

    /// The type a free-form label stands for, and whether the label was
    /// exactly a type name. The seed's span types ("retrieval", "function",
    /// "llm"…) map to their nearest type; anything unknown is a plain span.
    pub fn nearest(label: &str) -> (ObservationType, bool) {
        // Most labels are exactly a type name: no lowercase copy for them.
        if let Some(exact) = Self::ALL.into_iter().find(|t| t.as_str() == label) {
            return (exact, true);
        }
        let lower = label.trim().to_ascii_lowercase();
        if let Some(exact) = Self::ALL.into_iter().find(|t| t.as_str() == lower) {
            return (exact, exact.as_str() == label);
        }
        let kind = match lower.as_str() {
            "llm" | "llm_call" | "completion" | "chat" | "chat_completion" | "text_completion"
            | "generate" | "generate_content" => ObservationType::Generation,
            "retrieval" | "retrieve" | "search" | "vector_search" | "lookup" | "rag" => {
                ObservationType::Retriever
            }
            "function" | "function_call" | "tool_call" | "execute_tool" | "api" | "http" => {
                ObservationType::Tool
            }
            "embed" | "embeddings" => ObservationType::Embedding,
            "eval" | "evaluation" | "score" | "grader" => ObservationType::Evaluator,
            "guard" | "moderation" | "validation" | "filter" => ObservationType::Guardrail,
            "pipeline" | "workflow" | "sequence" => ObservationType::Chain,
            "invoke_agent" | "create_agent" | "planner" => ObservationType::Agent,
            "log" | "message" | "mark" => ObservationType::Event,
            _ => ObservationType::Span,
        };
        (kind, false)
    }
}

impl<'de> Deserialize<'de> for ObservationType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<str>::deserialize(deserializer)?;
        ObservationType::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = ObservationType::ALL.iter().map(|t| t.as_str()).collect();
            serde::de::Error::custom(format!(
                "unknown observation type \"{name}\"; expected one of {}",
                names.join(", ")
            ))
        })
    }
}

/// How loud an observation is. Files may spell it in Langfuse's upper case.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[serde(alias = "DEBUG")]
    Debug,
    #[default]
    #[serde(alias = "DEFAULT")]
    Default,
    #[serde(alias = "WARNING")]
    Warning,
    #[serde(alias = "ERROR")]
    Error,
}

impl Level {
    pub fn is_default(&self) -> bool {
        *self == Level::Default
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Default => "default",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// The level a name (as files spell it) stands for. Serde reads the
    /// same names from files; this is for a name alone, without serde's
    /// deserializer of a `Value` (~1 KB of the record-only wasm).
    pub fn from_name(name: &str) -> Option<Level> {
        [Level::Debug, Level::Default, Level::Warning, Level::Error]
            .into_iter()
            .find(|level| {
                let lower = level.as_str();
                // Langfuse's upper case too, as serde's aliases.
                name == lower
                    || (name.eq_ignore_ascii_case(lower)
                        && name.bytes().all(|b| b.is_ascii_uppercase()))
            })
    }
}

/// Lifecycle state; the allowed moves live in `rules::lifecycle`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Running,
    Completed,
    Error,
}

impl Status {
    /// Every status, in the order a list offers them.
    pub const ALL: [Status; 3] = [Status::Running, Status::Completed, Status::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Completed => "completed",
            Status::Error => "error",
        }
    }

    pub fn is_ended(self) -> bool {
        self != Status::Running
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Token counts of one LLM call. `details` holds the provider's finer
/// counts (`cache_read_input_tokens`, `reasoning_tokens`…) under its names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub details: BTreeMap<String, u64>,
}

impl Usage {
    pub fn tokens(input: u64, output: u64) -> Usage {
        Usage {
            input: Some(input),
            output: Some(output),
            total: Some(input + output),
            details: BTreeMap::new(),
        }
    }
}

/// Cost of one LLM call in USD.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_level_is_named_as_serde_reads_it() {
        for name in [
            "debug", "DEBUG", "Debug", "default", "DEFAULT", "warning", "WARNING", "error",
            "ERROR", "Error", "loud", "",
        ] {
            let by_serde: Option<super::Level> =
                serde_json::from_value(serde_json::Value::String(name.into())).ok();
            assert_eq!(super::Level::from_name(name), by_serde, "{name}");
        }
    }

    use super::*;

    #[test]
    fn observation_type_nearest_maps_seed_labels() {
        assert_eq!(
            ObservationType::nearest("retrieval"),
            (ObservationType::Retriever, false)
        );
        assert_eq!(
            ObservationType::nearest("function"),
            (ObservationType::Tool, false)
        );
        assert_eq!(
            ObservationType::nearest("tool"),
            (ObservationType::Tool, true)
        );
        assert_eq!(
            ObservationType::nearest("Agent"),
            (ObservationType::Agent, false)
        );
        assert_eq!(
            ObservationType::nearest("whatever"),
            (ObservationType::Span, false)
        );
    }

    #[test]
    fn observation_type_reads_langfuse_upper_case_only_exactly() {
        let kind: ObservationType = serde_json::from_str("\"GENERATION\"").unwrap();
        assert_eq!(kind, ObservationType::Generation);
        assert!(serde_json::from_str::<ObservationType>("\"Generation\"").is_err());
        assert_eq!(serde_json::to_string(&kind).unwrap(), "\"generation\"");
    }

    #[test]
    fn level_reads_langfuse_upper_case() {
        let level: Level = serde_json::from_str("\"WARNING\"").unwrap();
        assert_eq!(level, Level::Warning);
        assert_eq!(serde_json::to_string(&level).unwrap(), "\"warning\"");
    }
}
