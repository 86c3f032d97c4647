//! Jobs over every stored record, run in the import worker a page of
//! records at a time, so that neither the page nor the worker ever holds
//! a million spans' records at once, and the page stays responsive:
//! content search (the traces whose content holds a phrase) and "Export"
//! (every stored trace in one file, written as a `Blob` of parts).
//!
//! The page (`client.rs`) starts a worker for a job and lets it go when
//! the job ends or a newer one replaces it; the worker (`worker.rs`) reads
//! the records with `storage::record_pages` and runs core's rules on each
//! page: `search::traces_matching`, and the file formats' part writers
//! (`jsonl::write_records`, `otlp::write_part`). A record that cannot be
//! read is named, left as it is, and left out.
//!
//! Messages, page → worker, once `ready`: `{job: "search", query}` or
//! `{job: "export", format: "jsonl" | "otlp", also: JSON Lines}` (`also`:
//! records only the page holds, which storage refused). Worker → page:
//! `progress {done, total}` (records read), then `found {ids, unreadable}`
//! or `exported {blob, unreadable}`, or `failed {error}`.

mod client;
mod run;
pub mod worker;

pub use run::{export, search, stop_search};

/// What an export writes: native JSON Lines, or one OTLP/JSON request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Export {
    JsonLines,
    Otlp,
}

impl Export {
    fn name(self) -> &'static str {
        match self {
            Export::JsonLines => "jsonl",
            Export::Otlp => "otlp",
        }
    }

    fn from_name(name: &str) -> Option<Export> {
        [Export::JsonLines, Export::Otlp]
            .into_iter()
            .find(|kind| kind.name() == name)
    }

    /// The downloaded file's name.
    pub fn file_name(self) -> &'static str {
        match self {
            Export::JsonLines => "prompttrace.jsonl",
            Export::Otlp => "prompttrace.otlp.json",
        }
    }
}
