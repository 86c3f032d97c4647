//! `cargo xtask test`: the one command that checks everything, as CI runs it.

use std::time::Instant;

use crate::cmd::{cargo, step};
use crate::tools::{ensure_wasm_target, WASM_TARGET};
use crate::{js_tests, viewer};

pub fn run(args: &[String]) -> Result<(), String> {
    let started = Instant::now();
    match args.first().map(String::as_str) {
        None => {}
        // Only the npm package's tests, for quick turns on js/.
        Some("--js") => return js_tests::run(),
        // Only the viewer's end-to-end tests (needs the npm tests' tools).
        Some("--web") => return viewer::test(),
        Some(unknown) => {
            return Err(format!(
                "unknown option {unknown}; `cargo xtask test` takes `--js`, `--web` or nothing"
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
    step("test", cargo().args(["test", "--workspace"]))?;
    step(
        "core builds for wasm",
        cargo().args(["build", "-p", "prompttrace", "--target", WASM_TARGET]),
    )?;
    js_tests::run()?;
    viewer::test()?;
    println!(
        "\nAll checks passed in {:.0} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
