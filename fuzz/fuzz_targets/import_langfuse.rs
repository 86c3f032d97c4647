//! `format::read_as(Format::Langfuse, ..)`: reading a Langfuse export,
//! then merging into a fresh store; a success round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prompttrace::format::{self, Format};
use prompttrace::Store;
use prompttrace_fuzz::{assert_round_trip, FILE};

fuzz_target!(|data: &[u8]| {
    let Ok(parsed) = format::read_as(Format::Langfuse, FILE, data) else {
        return;
    };
    let mut store = Store::new();
    if store.import(parsed.batch).is_ok() {
        assert_round_trip(&store);
    }
});
