//! `cargo xtask test`: the one command that checks everything, as CI runs it.

use std::time::Instant;

use crate::cmd::{cargo, step};
use crate::tools::{ensure_wasm_target, WASM_TARGET};

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!(
            "unknown option {unknown}; `cargo xtask test` takes none"
        ));
    }
    let started = Instant::now();
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
    println!(
        "\nAll checks passed in {:.0} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
