//! Installing what the checks need, idempotently: a second run finds
//! everything in place and returns at once. Nothing is downloaded from
//! GitHub: Rust tools come from crates.io, wasm-opt from npm's `binaryen`,
//! Chromium from Debian.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd::{output, program, root, step, step_with, Limit};
use crate::manifest;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The binaryen release wasm-opt comes from (npm `binaryen@132.0.0`);
/// `Trunk.toml`'s `wasm_opt = "version_132"` names the same one.
pub const BINARYEN_VERSION: u32 = 132;
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

/// The wasm-bindgen version, read from its one pin, `wasm-bindgen =
/// "=X.Y.Z"` under `[workspace.dependencies]` in the root Cargo.toml: the
/// crate, the CLI and Trunk's must be that exact version.
pub fn wasm_bindgen_version() -> Result<String, String> {
    let path = root().join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    manifest::workspace_pin(&text, "wasm-bindgen").map_err(|e| format!("{}: {e}", path.display()))
}

/// wasm-bindgen-cli of exactly the crate's version (built from crates.io).
pub fn ensure_wasm_bindgen() -> Result<(), String> {
    let version = wasm_bindgen_version()?;
    let found = output(program("wasm-bindgen").arg("--version")).unwrap_or_default();
    if found.trim() == format!("wasm-bindgen {version}") {
        return Ok(());
    }
    // Without --locked: one of its locked dependencies is not on the registry here.
    step(
        &format!("install wasm-bindgen-cli {version} (once, about 4 min)"),
        program("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]),
    )
}

/// wasm-opt of [`BINARYEN_VERSION`] from npm's binaryen, reinstalled when
/// the one in `target/tools` reports another version. Never Debian's (too
/// old, it emits broken wasm) nor whatever is on PATH.
pub fn wasm_opt() -> Result<PathBuf, String> {
    let bin = tools_dir().join("node_modules/.bin/wasm-opt");
    if wasm_opt_version_of(&bin) == Some(BINARYEN_VERSION) {
        return Ok(bin);
    }
    let package = format!("binaryen@{BINARYEN_VERSION}.0.0");
    npm_install(
        &tools_dir(),
        &[&package],
        &format!("install wasm-opt (npm {package})"),
    )?;
    match wasm_opt_version_of(&bin) {
        Some(BINARYEN_VERSION) => Ok(bin),
        Some(other) => Err(format!(
            "{} reports version {other} after installing {package}",
            bin.display()
        )),
        None => Err(format!(
            "{} gives no version after installing {package}",
            bin.display()
        )),
    }
}

fn wasm_opt_version_of(bin: &Path) -> Option<u32> {
    if !bin.exists() {
        return None;
    }
    wasm_opt_version(&output(Command::new(bin).arg("--version")).ok()?)
}

/// `wasm-opt version 132 (version_132)` gives 132.
fn wasm_opt_version(text: &str) -> Option<u32> {
    let rest = text.trim().strip_prefix("wasm-opt version ")?;
    rest.split_whitespace().next()?.parse().ok()
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

#[cfg(test)]
mod tests {
    use super::wasm_opt_version;

    #[test]
    fn tools_wasm_opt_version_is_read_from_its_banner() {
        assert_eq!(
            wasm_opt_version("wasm-opt version 132 (version_132)\n"),
            Some(132)
        );
        assert_eq!(wasm_opt_version("wasm-opt version 108\n"), Some(108));
        assert_eq!(wasm_opt_version("command not found"), None);
    }
}
