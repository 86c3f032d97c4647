//! `cargo xtask bench`: prints speed, size and memory figures. They are
//! figures, not pass/fail checks: this machine is shared and noisy.

use crate::cmd::{cargo, step};

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!(
            "unknown option {unknown}; `cargo xtask bench` takes none"
        ));
    }
    step(
        "core benchmark",
        cargo().args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "prompttrace",
            "--example",
            "bench",
        ]),
    )
}
