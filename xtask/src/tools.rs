//! Installing what the checks need, idempotently: a second run finds
//! everything in place and returns at once.

use crate::cmd::{output, program, step};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The wasm target for the core's "compiles to wasm unchanged" check.
pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = output(program("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    step(
        "install the wasm target",
        program("rustup").args(["target", "add", WASM_TARGET]),
    )
}
