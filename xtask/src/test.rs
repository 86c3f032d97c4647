//! `cargo xtask test`: the one command that checks everything, as CI runs it.

use std::time::Instant;

use crate::cmd::{cargo, step};
use crate::tools::{ensure_wasm_target, WASM_TARGET};
use crate::{fuzz, interop, js_tests, viewer};

/// Seconds each fuzz target runs in the test command.
const FUZZ_SECONDS: u64 = 15;

pub fn run(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    match args.first().map(String::as_str) {
        None => {}
        // Only the npm package's tests, for quick turns on js/.
        Some("--js") => return js_tests::run(),
        // Only the viewer's end-to-end tests (needs the npm tests' tools).
        Some("--web") => return viewer::test(),
        // Only the round trip to a real Arize Phoenix.
        Some("--interop") => return interop::run(),
        Some(unknown) => {
            return Err(format!(
                "unknown option {unknown}; `cargo xtask test` takes `--js`, `--web`, `--interop` or nothing"
            ))
        }
    }
    ensure_wasm_target()?;
    step("format", cargo().args(["fmt", "--all", "--", "--check"]))?;
    step(
        "lint",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        "lint the npm bin's commands (prompttrace-js, feature cli)",
        cargo().args([
            "clippy",
            "-p",
            "prompttrace-js",
            "--features",
            "cli",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("test", cargo().args(["test", "--workspace"]))?;
    step(
        "core builds for wasm",
        cargo().args(["build", "-p", "prompttrace", "--target", WASM_TARGET]),
    )?;
    js_tests::run()?;
    viewer::test()?;
    // Each importer's fuzz target, briefly (`cargo xtask fuzz` runs longer).
    fuzz::run(&fuzz::TARGETS, FUZZ_SECONDS)?;
    interop::run()?;
    println!(
        "\nAll checks passed in {:.0} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
