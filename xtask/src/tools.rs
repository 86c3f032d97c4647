//! Installing what the checks need, idempotently: a second run finds
//! everything in place and returns at once. Nothing is downloaded from
//! GitHub: Rust tools come from crates.io, wasm-opt from npm's `binaryen`,
//! Chromium from Debian.

use std::path::{Path, PathBuf};

use crate::cmd::{output, program, root, step, step_with, Limit};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Must equal the `wasm-bindgen` crate version pinned in Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
const BINARYEN: &str = "binaryen@132.0.0";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Where npm-installed tools live (inside `target/`, so `cargo clean` resets them).
pub fn tools_dir() -> PathBuf {
    root().join("target/tools")
}

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

/// wasm-bindgen-cli of exactly the crate's version (built from crates.io).
pub fn ensure_wasm_bindgen() -> Result<(), String> {
    let found = output(program("wasm-bindgen").arg("--version")).unwrap_or_default();
    if found.trim() == format!("wasm-bindgen {WASM_BINDGEN}") {
        return Ok(());
    }
    // Without --locked: one of its locked dependencies is not on the registry here.
    step(
        "install wasm-bindgen-cli (once, about 4 min)",
        program("cargo").args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN]),
    )
}

/// wasm-opt from npm's binaryen (Debian's is too old and emits broken wasm).
pub fn wasm_opt() -> Result<PathBuf, String> {
    let bin = tools_dir().join("node_modules/.bin/wasm-opt");
    if !bin.exists() {
        npm_install(&tools_dir(), &[BINARYEN], "install wasm-opt (npm binaryen)")?;
    }
    Ok(bin)
}

const TRUNK: &str = "0.21.14";

/// `cargo install trunk` compiles for 7–10 min on this 2-core machine.
const TRUNK_INSTALL_LIMIT: Limit = Limit::minutes(25);

/// Trunk, built from crates.io (0.22 needs a newer Rust than this machine's).
pub fn ensure_trunk() -> Result<(), String> {
    let found = output(program("trunk").arg("--version")).unwrap_or_default();
    if found.trim() == format!("trunk {TRUNK}") {
        return Ok(());
    }
    step_with(
        "install trunk (once, 7–10 min)",
        program("cargo").args(["install", "--locked", "trunk", "--version", TRUNK]),
        TRUNK_INSTALL_LIMIT,
    )
}

/// Debian's Chromium for the browser tests.
pub fn ensure_chromium() -> Result<(), String> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    step("apt-get update", program("apt-get").arg("update"))?;
    step(
        "install Chromium (Debian)",
        program("apt-get").args(["install", "-y", "--no-install-recommends", "chromium"]),
    )
}

/// `npm install` of exact packages into `dir` (created if missing).
pub fn npm_install(dir: &Path, packages: &[&str], title: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest = dir.join("package.json");
    if !manifest.exists() {
        std::fs::write(&manifest, "{\"private\": true, \"type\": \"module\"}\n")
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    let mut command = program("npm");
    command
        .current_dir(dir)
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .args(packages);
    step(title, &mut command)
}

/// Installs a packed npm tarball into a scratch project, as a user would,
/// without recording it in the project's package.json.
pub fn install_tarball(dir: &Path, tarball: &Path) -> Result<(), String> {
    let mut command = program("npm");
    command
        .current_dir(dir)
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .arg(tarball);
    step("install the packed tarball", &mut command)
}
