//! `format::import` (format auto-detected) into a fresh store, and on top
//! of a stored file: a success round-trips, a failure changes nothing.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use prompttrace::format::{self, native};
use prompttrace::Store;
use prompttrace_fuzz::{assert_round_trip, assert_unchanged, base_store, FILE};

/// The base store and its native file, built once.
fn base() -> &'static (Store, String) {
    static BASE: OnceLock<(Store, String)> = OnceLock::new();
    BASE.get_or_init(|| {
        let store = base_store();
        let written = native::write(&store);
        (store, written)
    })
}

fuzz_target!(|data: &[u8]| {
    let mut store = Store::new();
    if format::import(&mut store, FILE, data).is_ok() {
        assert_round_trip(&store);
    }

    let (before, before_written) = base();
    let mut store = before.clone();
    match format::import(&mut store, FILE, data) {
        Ok(_) => assert_round_trip(&store),
        Err(_) => assert_unchanged(before, before_written, &store),
    }
});
