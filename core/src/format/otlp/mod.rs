//! OpenTelemetry traces as OTLP/JSON: `ExportTraceServiceRequest`
//! documents (`resourceSpans` → `scopeSpans` → `spans`), one per file or
//! one per line (the OpenTelemetry file exporter's JSON Lines).
//!
//! Reading (lenient, see `wire.rs`): every span becomes one observation;
//! spans of one trace spread over several resources, scopes, requests or
//! files are joined by trace id and parent span id; each trace is derived
//! from its spans (`traces.rs`); attributes map to fields by the tables in
//! `conventions/`, applied by `attributes.rs` (documented in
//! `docs/otlp-mapping.md`). A span whose
//! parent is not in the file (nor stored) becomes a root of its trace and is
//! flagged in its metadata (`prompttrace.missing_parent_span_id`), never
//! dropped; when the parent arrives later, it is linked.
//!
//! Writing: `export.rs` turns records into `out.rs`'s spans, which
//! `json_out.rs` writes as JSON and `protobuf.rs` (the `protobuf` feature)
//! as protobuf.

mod attributes;
mod conventions;
mod export;
pub mod ids;
mod json_out;
mod out;
#[cfg(feature = "protobuf")]
mod protobuf;
mod spans;
mod traces;
mod usage;
mod values;
mod wire;

use serde_json::Value;

use crate::format::error::{json_error, position, ImportError};
use crate::format::Parsed;
use crate::hash::{HashMap, HashSet};
use crate::json::Json;
use crate::model::Observation;
use crate::store::{Batch, RecordIndex, Store};

/// Read by `share`'s rule (content left out of metadata too).
pub(crate) use conventions::carries_content;
#[cfg(feature = "protobuf")]
pub use export::encode;
pub use export::{request, write, write_part, write_selected, Encoding};
pub use json_out::{REQUEST_END, REQUEST_START};

use conventions::ours::MISSING_PARENT;
use ids::{SpanId, TraceId};
use spans::Origin;
use traces::TraceDraft;

/// What importing needs beyond the batch: the drafts to derive traces
/// against the store, the spans without parent, and where each record is.
pub(crate) struct OtlpParts {
    drafts: Vec<TraceDraft>,
    /// Observation index → the parent span id the file names but lacks.
    orphans: Vec<(usize, String)>,
    /// Span id of each observation, and of each trace's first span.
    observation_spans: Vec<SpanId>,
    trace_spans: Vec<SpanId>,
}

/// Whether `text` starts like an OTLP request: its first key is
/// `resourceSpans` (every writer puts it first; it is the only field).
pub(crate) fn looks_like(text: &str) -> bool {
    let rest = text.trim_start();
    let Some(rest) = rest.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with("\"resourceSpans\"") || rest.starts_with("\"resource_spans\"")
}

pub(crate) fn read<'a>(file: &str, text: &'a str) -> Result<Parsed<'a>, ImportError> {
    let requests = parse(file, text)?;
    // Sized up front: a 50,000-span file moves ~30 MB of records, and
    // growing by doubling copied them about twice more.
    let count: usize = requests
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|r| &r.scope_spans)
        .map(|s| s.spans.len())
        .sum();
    let mut batch = Batch {
        traces: Vec::new(),
        observations: Vec::with_capacity(count),
        repeats_allowed: true,
    };
    let mut parts = OtlpParts {
        drafts: Vec::new(),
        orphans: Vec::new(),
        observation_spans: Vec::with_capacity(count),
        trace_spans: Vec::new(),
    };
    let mut draft_of: HashMap<String, usize> = HashMap::default();
    let mut span_index: HashMap<(TraceId, SpanId), usize> =
        HashMap::with_capacity_and_hasher(count, Default::default());
    let mut trace_span_ids: HashSet<(TraceId, SpanId)> = HashSet::default();
    let mut parents: Vec<Option<(TraceId, SpanId)>> = Vec::with_capacity(count);
    let mut last_draft: Option<usize> = None;
    // The wire is taken apart as it is mapped: each span's attributes and
    // payloads are let go once its observation is made, so the batch grows
    // into what the wire frees (a 1.3 GB file peaked at the file plus the
    // whole wire plus the whole batch: 5 GB natively, near wasm32's 4 GiB).
    for request in requests {
        for resource_spans in request.resource_spans {
            let wire::ResourceSpans {
                resource,
                scope_spans,
            } = resource_spans;
            let resource = resource.as_ref().map_or(&[][..], |r| &r.attributes[..]);
            for scope_spans in scope_spans {
                let wire::ScopeSpans { scope, spans } = scope_spans;
                let origin = Origin::new(resource, scope.as_ref());
                for span in spans {
                    let span = &span;
                    let mapped = spans::map(span, &origin).map_err(|message| {
                        let (line, column) = locate_span(text, &span.span_id).unwrap_or((1, 1));
                        ImportError::at(file, line, column, message)
                    })?;
                    let observation = mapped.observation;
                    let Some(trace_id) = observation.trace_id.as_deref() else {
                        // An LLM call recorded without a trace.
                        span_index.insert((span.trace_id, span.span_id), batch.observations.len());
                        parts.observation_spans.push(span.span_id);
                        parents.push(None);
                        batch.observations.push(observation);
                        continue;
                    };
                    // A file's spans come trace by trace: the draft of the
                    // span before is tried before hashing the trace's id.
                    let last = last_draft.filter(|&d| parts.drafts[d].id == trace_id);
                    let draft = match last.or_else(|| draft_of.get(trace_id).copied()) {
                        Some(draft) => draft,
                        None => {
                            parts.drafts.push(TraceDraft::new(trace_id.to_string()));
                            parts.trace_spans.push(span.span_id);
                            draft_of.insert(trace_id.to_string(), parts.drafts.len() - 1);
                            parts.drafts.len() - 1
                        }
                    };
                    last_draft = Some(draft);
                    if mapped.trace.trace_span {
                        trace_span_ids.insert((span.trace_id, span.span_id));
                        let trace_id = trace_id.to_string();
                        parts.drafts[draft].explicit =
                            Some(mapped.trace.into_trace(trace_id, observation));
                        continue;
                    }
                    let parent = span.parent_span_id.0;
                    let key = (span.trace_id, span.span_id);
                    parts.drafts[draft].add(mapped.trace, &observation, parent.is_none(), key);
                    span_index.insert((span.trace_id, span.span_id), batch.observations.len());
                    parts.observation_spans.push(span.span_id);
                    parents.push(parent.map(|p| (span.trace_id, p)));
                    batch.observations.push(observation);
                }
            }
        }
    }
    if batch.observations.is_empty() && parts.drafts.is_empty() {
        return Err(ImportError::whole(file, "the OTLP file holds no spans"));
    }
    for (index, parent) in parents.into_iter().enumerate() {
        let Some(key) = parent else { continue };
        if trace_span_ids.contains(&key) {
            continue;
        }
        match span_index.get(&key) {
            Some(&parent) => {
                batch.observations[index].parent_id = Some(batch.observations[parent].id.clone())
            }
            None => {
                let hex = key.1.hex();
                flag(&mut batch.observations[index], Some(&hex));
                parts.orphans.push((index, hex));
            }
        }
    }
    // A span repeated in the file (JSON Lines: running, then ended) counts
    // as its last copy.
    for draft in &mut parts.drafts {
        draft.running.retain(|key| {
            span_index
                .get(key)
                .is_none_or(|&i| batch.observations[i].status == crate::model::Status::Running)
        });
    }
    batch.traces = parts.drafts.iter().map(|d| d.derive(None, false)).collect();
    Ok(Parsed::otlp(batch, text, parts))
}

/// Every request in the text: one document, or one per line.
fn parse<'a>(file: &str, text: &'a str) -> Result<Vec<wire::Request<'a>>, ImportError> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<wire::Request<'a>>();
    let mut requests = Vec::new();
    let mut offset = 0;
    loop {
        match stream.next() {
            None => return Ok(requests),
            Some(Ok(request)) => {
                requests.push(request);
                offset = stream.byte_offset();
            }
            Some(Err(_)) => return Err(located_error(file, text, offset)),
        }
    }
}

/// The error of the request starting at `offset`, with the path to the bad value.
fn located_error(file: &str, text: &str, offset: usize) -> ImportError {
    let skipped = text[offset..].len() - text[offset..].trim_start().len();
    let start = offset + skipped;
    let (first_line, _) = position(text, start);
    let rest = &text[start..];
    let mut deserializer = serde_json::Deserializer::from_str(rest);
    match serde_path_to_error::deserialize::<_, wire::Request>(&mut deserializer) {
        Err(error) => json_error(
            file,
            rest,
            error.inner(),
            Some(error.path().to_string()),
            first_line,
        ),
        Ok(_) => ImportError::at(
            file,
            first_line,
            1,
            "there is more text after the end of the JSON value",
        ),
    }
}

/// Line and column of the first mention of a span id, in any encoding.
fn locate_span(text: &str, id: &SpanId) -> Option<(usize, usize)> {
    use base64::Engine;
    let hex = id.hex();
    let forms = [
        hex.clone(),
        hex.to_ascii_uppercase(),
        base64::engine::general_purpose::STANDARD.encode(id.0),
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(id.0),
    ];
    // The span's own `spanId` field, not a child's `parentSpanId`.
    let own = forms.iter().flat_map(|form| {
        [
            "\"spanId\":\"",
            "\"spanId\": \"",
            "\"span_id\":\"",
            "\"span_id\": \"",
        ]
        .map(|key| format!("{key}{form}\""))
    });
    let offset = own
        .filter_map(|needle| text.find(&needle))
        .min()
        .or_else(|| {
            forms
                .iter()
                .filter_map(|form| text.find(&format!("\"{form}")))
                .min()
        })?;
    // Point at the span object the id belongs to.
    let start = text[..offset].rfind('{').unwrap_or(offset);
    Some(position(text, start))
}

impl OtlpParts {
    /// Derives traces against what is stored, and links spans whose parent
    /// is stored (or stored spans whose parent this file brings). Returns
    /// how many of the file's spans are still without their parent.
    pub(crate) fn settle(&self, batch: &mut Batch, store: &Store) -> usize {
        let mut orphans = self.orphans.len();
        for (index, parent) in &self.orphans {
            let observation = &batch.observations[*index];
            let stored_parent = store.observation(parent);
            if stored_parent.is_some_and(|p| p.trace_id == observation.trace_id) {
                let observation = &mut batch.observations[*index];
                observation.parent_id = Some(parent.clone());
                flag(observation, None);
                orphans -= 1;
            }
        }
        if !self.drafts.iter().any(|d| store.trace(&d.id).is_some()) {
            return orphans; // no stored trace gets spans: nothing to merge
        }
        let arriving: HashSet<String> = batch.observations.iter().map(|o| o.id.clone()).collect();
        // Per trace, how many of its running observations this batch brings
        // again (a live span's start, now ending): one pass over the batch.
        let mut arriving_running: HashMap<&str, usize> = HashMap::default();
        for stored in arriving.iter().filter_map(|id| store.observation(id)) {
            if let (Some(trace_id), crate::model::Status::Running) =
                (stored.trace_id.as_deref(), stored.status)
            {
                *arriving_running.entry(trace_id).or_default() += 1;
            }
        }
        let mut relinked = Vec::new();
        for (trace, draft) in batch.traces.iter_mut().zip(&self.drafts) {
            let Some(entry) = store.trace(&draft.id) else {
                continue;
            };
            // Still running: an observation this batch does not bring again.
            let brought_again = arriving_running
                .get(draft.id.as_str())
                .copied()
                .unwrap_or(0);
            let stored_running = entry.running_observations() > brought_again;
            *trace = draft.derive(Some(entry.trace()), stored_running);
            for stored in entry.observations() {
                // Only a root can be flagged: checked before its metadata is read.
                if stored.parent_id.is_some() {
                    continue;
                }
                let Some(parent) = missing_parent(stored) else {
                    continue;
                };
                if arriving.contains(&parent) && !arriving.contains(&stored.id) {
                    let mut linked = stored.clone();
                    linked.parent_id = Some(parent);
                    flag(&mut linked, None);
                    relinked.push(linked);
                }
            }
        }
        batch.observations.extend(relinked);
        orphans
    }

    /// The span (by index into `text`) a rejected record came from.
    pub(crate) fn locate(&self, text: &str, record: RecordIndex) -> Option<(usize, usize)> {
        let span = match record {
            RecordIndex::Trace(i) => self.trace_spans.get(i)?,
            RecordIndex::Observation(i) => self.observation_spans.get(i)?,
        };
        locate_span(text, span)
    }
}

fn missing_parent(observation: &Observation) -> Option<String> {
    let metadata = observation.metadata.as_ref()?;
    if !metadata.as_str().contains(MISSING_PARENT) {
        return None;
    }
    match metadata.to_value().ok()?.get(MISSING_PARENT)? {
        Value::String(parent) => Some(parent.clone()),
        _ => None,
    }
}

/// Sets (or clears) the missing-parent flag in an observation's metadata,
/// keeping the other keys in their order.
fn flag(observation: &mut Observation, parent: Option<&str>) {
    // Metadata that is not an object is held under WRAPPED while flagged,
    // and given back as it was when the flag goes.
    const WRAPPED: &str = "prompttrace.metadata";
    let mut entries = match &observation.metadata {
        Some(metadata) => metadata
            .entries()
            .unwrap_or_else(|| vec![(WRAPPED.to_string(), metadata.clone())]),
        None => Vec::new(),
    };
    entries.retain(|(key, _)| key != MISSING_PARENT);
    if let Some(parent) = parent {
        entries.push((MISSING_PARENT.to_string(), Json::from(parent)));
    }
    observation.metadata = match entries.as_slice() {
        [] => None,
        [(key, value)] if key == WRAPPED => Some(value.clone()),
        _ => Some(Json::from_entries(entries)),
    };
}
