//! `format::read_as` with each native format forced (JSON document, JSON
//! Lines), then merging into a fresh store; a success round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prompttrace::format::{self, Format};
use prompttrace::Store;
use prompttrace_fuzz::{assert_round_trip, FILE};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Json, Format::JsonLines] {
        let Ok(parsed) = format::read_as(format, FILE, data) else {
            continue;
        };
        let mut store = Store::new();
        if store.import(parsed.batch).is_ok() {
            assert_round_trip(&store);
        }
    }
});
