//! prompttrace: hierarchical tracing for LLM applications, in Langfuse's
//! model. Sessions (a string id) group traces; a trace holds nested
//! observations (spans, generations = LLM calls, events, tools, agents…).
//!
//! This crate owns every rule (`rules/`), the store (`store`), recording
//! (`record`), the summary (`summary`) and the file formats (`format/`).
//! It is pure: no file or network IO, no wasm-bindgen, no global clock or
//! randomness (see `time` and `ids`), so the same code runs natively, in the
//! viewer and in the npm package.

pub mod commands;
pub mod compare;
pub mod flame;
pub mod format;
mod hash;
pub mod ids;
pub mod json;
pub mod messages;
pub mod model;
pub mod outbox;
pub mod record;
pub mod retention;
pub mod rollup;
pub mod rules;
pub mod search;
pub mod share;
pub mod store;
pub mod summary;
pub mod time;

pub use format::ImportError;
pub use ids::{IdSource, SeededIds};
pub use json::Json;
pub use model::{Cost, Level, Observation, ObservationType, Status, Trace, Usage};
pub use rules::pricing::{Price, PriceTable};
pub use rules::Violation;
pub use store::Store;
pub use time::{Clock, ManualClock, Timestamp};

#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
pub use ids::RandomIds;
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
pub use time::SystemClock;
