//! Shared by the integration tests: the seed's scenarios, recorded with the
//! real recording API on a manual clock, and helpers to read repo files.

#![allow(dead_code)] // Each test binary uses a different part.

pub mod scenarios;

use std::path::PathBuf;

/// A path under the repository's `tests/` folder.
pub fn repo_tests(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(relative)
}

/// An interop fixture (`tests/fixtures/interop/NAME`) imported into a new
/// store.
pub fn load_interop(name: &str) -> prompttrace::Store {
    let path = repo_tests(&format!("fixtures/interop/{name}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut store = prompttrace::Store::new();
    prompttrace::format::import(&mut store, name, &bytes).unwrap_or_else(|e| panic!("{e}"));
    store
}
