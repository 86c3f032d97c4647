//! Langfuse's trace files: the UI's trace download `{"trace": …,
//! "observations": […]}` and the public API's trace with its observations
//! (`GET /api/public/traces/{id}`, `TraceWithFullDetails`).
//!
//! Fields are Langfuse's camelCase names; `null` means absent, as the API
//! sends it. Langfuse traces have no status or end: a trace has ended when
//! all of its observations have, and failed when a top-level observation
//! did. An observation without `endTime` is still running; one at level
//! ERROR has failed. Token counts come from `usageDetails`, else the legacy
//! `usage`; cost from `costDetails`, else the `calculated*Cost` fields.
//! Langfuse's `version` is kept in the metadata (we have no field for it).

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::format::error::{json_error, ImportError};
use crate::format::Parsed;
use crate::json::Json;
use crate::model::{Cost, Level, Observation, ObservationType, Status, Trace, Usage};
use crate::store::Batch;
use crate::time::Timestamp;

/// The UI's download. (The API's trace is a [`TraceIn`] with its
/// observations inside; payloads are raw JSON, which serde's untagged and
/// flattened shapes cannot carry, so the probe picks the shape.)
#[derive(Deserialize)]
struct Download {
    trace: TraceIn,
    #[serde(default)]
    observations: Vec<ObservationIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TraceIn {
    id: String,
    timestamp: Timestamp,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    input: Option<Json>,
    #[serde(default)]
    output: Option<Json>,
    #[serde(default)]
    session_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    metadata: Option<Json>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    environment: Option<String>,
    /// Seconds, in the API trace.
    #[serde(default)]
    latency: Option<f64>,
    /// The API trace's own observations (empty in a download's trace).
    #[serde(default)]
    observations: Vec<ObservationIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObservationIn {
    id: String,
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    name: Option<String>,
    start_time: Timestamp,
    #[serde(default)]
    end_time: Option<Timestamp>,
    #[serde(default)]
    completion_start_time: Option<Timestamp>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    model_parameters: Option<Map<String, Value>>,
    #[serde(default)]
    input: Option<Json>,
    #[serde(default)]
    output: Option<Json>,
    #[serde(default)]
    metadata: Option<Json>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    status_message: Option<String>,
    #[serde(default)]
    parent_observation_id: Option<String>,
    #[serde(default)]
    prompt_name: Option<String>,
    #[serde(default)]
    prompt_version: Option<u32>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    usage_details: Option<Map<String, Value>>,
    #[serde(default)]
    usage: Option<LegacyUsage>,
    #[serde(default)]
    cost_details: Option<Map<String, Value>>,
    #[serde(default)]
    calculated_input_cost: Option<f64>,
    #[serde(default)]
    calculated_output_cost: Option<f64>,
    #[serde(default)]
    calculated_total_cost: Option<f64>,
}

#[derive(Deserialize)]
struct LegacyUsage {
    #[serde(default)]
    input: Option<f64>,
    #[serde(default)]
    output: Option<f64>,
    #[serde(default)]
    total: Option<f64>,
}

/// Only the top-level keys, to tell a Langfuse file from the others.
#[derive(Deserialize)]
struct Probe {
    format: Option<IgnoredAny>,
    trace: Option<IgnoredAny>,
    observations: Option<IgnoredAny>,
    id: Option<IgnoredAny>,
    timestamp: Option<IgnoredAny>,
}

/// Whether `text` is one of Langfuse's trace files: an object with
/// `observations` and either `trace` or a trace's own `id` and `timestamp`.
pub(crate) fn looks_like(text: &str) -> bool {
    let first_key = text.trim_start().strip_prefix('{').map(str::trim_start);
    if first_key.is_some_and(|rest| rest.starts_with("\"format\"")) || first_key.is_none() {
        return false;
    }
    match serde_json::from_str::<Probe>(text) {
        Ok(probe) => {
            probe.format.is_none()
                && probe.observations.is_some()
                && (probe.trace.is_some() || (probe.id.is_some() && probe.timestamp.is_some()))
        }
        Err(_) => false,
    }
}

pub(crate) fn read<'a>(file: &str, text: &'a str) -> Result<Parsed<'a>, ImportError> {
    let is_download = serde_json::from_str::<Probe>(text).is_ok_and(|p| p.trace.is_some());
    let parsed = if is_download {
        serde_json::from_str::<Download>(text).map(|d| (d.trace, d.observations))
    } else {
        serde_json::from_str::<TraceIn>(text).map(|mut t| {
            let observations = std::mem::take(&mut t.observations);
            (t, observations)
        })
    };
    let Ok((trace, observations)) = parsed else {
        return Err(located_error(file, text, is_download));
    };
    let observations: Vec<Observation> = observations
        .into_iter()
        .map(|o| observation(o, &trace.id))
        .collect();
    let trace = self::trace(trace, &observations);
    let batch = Batch {
        traces: vec![trace],
        observations,
        repeats_allowed: false,
    };
    Ok(Parsed::langfuse(batch, text))
}

/// The error of a failed parse, with the path to the bad value.
fn located_error(file: &str, text: &str, is_download: bool) -> ImportError {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = if is_download {
        serde_path_to_error::deserialize::<_, Download>(&mut deserializer).map(|_| ())
    } else {
        serde_path_to_error::deserialize::<_, TraceIn>(&mut deserializer).map(|_| ())
    };
    match result {
        Err(error) => json_error(file, text, error.inner(), Some(error.path().to_string()), 1),
        Ok(()) => ImportError::whole(file, "the Langfuse trace could not be read"),
    }
}

fn observation(o: ObservationIn, trace_id: &str) -> Observation {
    let label = o.kind.unwrap_or_else(|| "SPAN".to_string());
    let (kind, exact) = match ObservationType::parse(&label.to_ascii_lowercase()) {
        Some(kind) => (kind, true),
        None => ObservationType::nearest(&label),
    };
    let level = o.level.unwrap_or_default();
    let status = match (o.end_time, level) {
        (None, _) => Status::Running,
        (Some(_), Level::Error) => Status::Error,
        (Some(_), _) => Status::Completed,
    };
    let usage = match (o.usage_details.filter(|d| !d.is_empty()), o.usage) {
        // Langfuse stores whole counts; anything else is left out.
        (Some(details), _) => Some(Usage::from_fields(&details, &mut Vec::new())),
        (None, Some(legacy))
            if [legacy.input, legacy.output, legacy.total]
                .iter()
                .any(|n| n.is_some_and(|n| n > 0.0)) =>
        {
            Some(Usage {
                input: legacy.input.map(whole),
                output: legacy.output.map(whole),
                total: legacy.total.map(whole),
                details: BTreeMap::new(),
            })
        }
        _ => None,
    };
    let cost = match o.cost_details.filter(|d| !d.is_empty()) {
        Some(details) => Some(Cost::from_fields(&details, &mut Vec::new())),
        None if o.calculated_total_cost.is_some() => Some(Cost {
            input: o.calculated_input_cost,
            output: o.calculated_output_cost,
            total: o.calculated_total_cost,
        }),
        None => None,
    };
    Observation {
        id: o.id,
        trace_id: Some(o.trace_id.unwrap_or_else(|| trace_id.to_string())),
        parent_id: o.parent_observation_id,
        name: o.name.unwrap_or_default(),
        kind,
        type_label: (!exact).then_some(label),
        status,
        level,
        status_message: o.status_message,
        started_at: o.start_time,
        ended_at: o.end_time,
        completion_start_time: o.completion_start_time,
        input: o.input,
        output: o.output,
        metadata: with_version(o.metadata, o.version),
        provider: None,
        model: o.model,
        model_parameters: o.model_parameters.filter(|p| !p.is_empty()),
        usage: usage.map(Box::new),
        cost: cost.map(Box::new),
        prompt_name: o.prompt_name,
        prompt_version: o.prompt_version,
        template: None,
        variables: None,
    }
}

fn whole(n: f64) -> u64 {
    if n.is_finite() && n > 0.0 {
        n.round() as u64
    } else {
        0
    }
}

/// The trace: Langfuse's record, with status and end from its observations.
fn trace(t: TraceIn, observations: &[Observation]) -> Trace {
    let started_at = observations
        .iter()
        .map(|o| o.started_at)
        .fold(t.timestamp, Timestamp::min);
    let running = observations.iter().any(|o| o.status == Status::Running);
    let latency_end = t
        .latency
        .and_then(|s| Timestamp::from_unix_millis_f64(t.timestamp.unix_millis_f64() + s * 1000.0));
    let ended_at = observations
        .iter()
        .filter_map(|o| o.ended_at)
        .chain(latency_end)
        .fold(started_at, Timestamp::max);
    let failed = observations
        .iter()
        .find(|o| o.parent_id.is_none() && crate::rules::lifecycle::is_error(o));
    let status = match (running, failed) {
        (true, _) => Status::Running,
        (false, Some(_)) => Status::Error,
        (false, None) => Status::Completed,
    };
    Trace {
        id: t.id,
        name: t.name.unwrap_or_default(),
        session_id: t.session_id,
        user_id: t.user_id,
        status,
        started_at,
        ended_at: status.is_ended().then_some(ended_at),
        status_message: failed.and_then(|o| o.status_message.clone()),
        input: t.input,
        output: t.output,
        metadata: with_version(t.metadata, t.version),
        tags: t.tags.unwrap_or_default(),
        environment: t.environment,
        release: t.release,
    }
}

/// Metadata with Langfuse's `version` added, when there is one.
fn with_version(metadata: Option<Json>, version: Option<String>) -> Option<Json> {
    let metadata = metadata.filter(|m| m.as_str() != "null");
    let Some(version) = version else {
        return metadata;
    };
    let mut entries = match &metadata {
        Some(metadata) => metadata
            .entries()
            .unwrap_or_else(|| vec![("metadata".to_string(), metadata.clone())]),
        None => Vec::new(),
    };
    if !entries.iter().any(|(k, _)| k == "version") {
        entries.push(("version".to_string(), Json::from(version.as_str())));
    }
    Some(Json::from_entries(entries))
}
