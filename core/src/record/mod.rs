//! Recording: the API an application calls while it runs.
//!
//! Two layers. [`Recorder`] is flat (`&mut self`, string ids): the bindings
//! (npm package, viewer) drive it directly. [`Tracer`] wraps it in cheap,
//! cloneable, thread-safe handles that read like the seed's examples:
//!
//! ```
//! use prompttrace::record::Tracer;
//! use prompttrace::{ManualClock, SeededIds, Timestamp};
//! use serde_json::json;
//!
//! let tracer = Tracer::new(ManualClock::starting_at(Timestamp::from_unix_nanos(0)), SeededIds::new(1));
//! let trace = tracer.trace("rag_qa").session("chat_123").start().unwrap();
//! let search = trace.span("search_kb").type_label("retrieval").start().unwrap();
//! search.complete(json!("Found 3 docs")).unwrap();
//! trace.complete(json!("answer")).unwrap();
//! assert_eq!(tracer.with_store(|store| store.observation_count()), 1);
//! ```
//!
//! Invariant: every rule check happens in `Recorder`, through `rules/`.

mod recorder;
mod tracer;
mod track;

pub use recorder::{End, Recorder};
pub use tracer::{ObservationBuilder, ObservationHandle, TraceBuilder, TraceHandle, Tracer};
pub use track::{LlmResponse, Track, Tracked};
