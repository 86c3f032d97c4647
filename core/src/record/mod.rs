//! Recording: the API an application calls while it runs.
//!
//! Two layers. [`Recorder`] is flat (`&mut self`, string ids): the bindings
//! (npm package, viewer) drive it directly. [`Tracer`] wraps it in cheap,
//! cloneable, thread-safe handles that read like the seed's examples:
//!
//! ```
//! use prompttrace::record::{LlmResponse, Track, Tracer};
//! use prompttrace::{ManualClock, SeededIds, Timestamp, Usage, Violation};
//! use serde_json::json;
//!
//! fn call_llm(prompt: &str) -> Result<LlmResponse, String> {
//!     Ok(LlmResponse { text: format!("echo: {prompt}"), usage: Some(Usage::tokens(5, 3)), cost: None })
//! }
//!
//! # fn main() -> Result<(), Violation> {
//! // Natively, `Tracer::system()` uses the OS clock and random UUIDs.
//! let tracer = Tracer::new(ManualClock::starting_at(Timestamp::from_unix_nanos(0)), SeededIds::new(1));
//! let trace = tracer.trace("rag_qa").session("chat_123").input(json!("question")).start()?;
//! let search = trace.span("search_kb").type_label("retrieval").start()?;
//! search.complete(json!("Found 3 docs"))?;
//! let answer = tracer
//!     .track(
//!         Track::new("answer", "Hello {{name}}")
//!             .variables(json!({"name": "John"}))
//!             .provider("openai")
//!             .model("gpt-4o")
//!             .span(&search),
//!         call_llm, // its error would be recorded on the generation and returned as is
//!     )
//!     .expect("the fake LLM answers");
//! trace.complete(json!(answer.response_text))?;
//!
//! let file = prompttrace::format::native::write(&tracer.snapshot());
//! assert!(file.contains("\"prompt_name\": \"answer\""));
//! # Ok(())
//! # }
//! ```
//!
//! Invariant: every rule is checked by the store (`Store::add_trace` and
//! friends); this module only adds time, ids and handles.

pub mod openai;
mod recorder;
mod tracer;
mod track;

pub use crate::store::{End, TraceUpdate, Update};
pub use recorder::Recorder;
pub use tracer::{ObservationBuilder, ObservationHandle, TraceBuilder, TraceHandle, Tracer};

use serde_json::{Map, Value};

/// Variables and model parameters are JSON objects; any other value given
/// for them is kept as the one entry `"value"`, so nothing is dropped.
pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => {
            // Not `from_iter`: collecting into a map sorts first, a sort of
            // its own in the record-only wasm.
            let mut map = Map::new();
            map.insert("value".to_string(), other);
            map
        }
    }
}
pub use track::{LlmResponse, Track, TrackCall, Tracked};
