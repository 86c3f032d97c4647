//! `cargo xtask test --interop`: the npm package against a real backend.
//! Arize Phoenix (from PyPI, pinned) is installed into a scratch venv under
//! `target/interop/venv` (once: a marker file names what is installed), the
//! packed npm package into a scratch project `target/interop/scratch`; then
//! `tests/interop/phoenix_roundtrip.py` starts Phoenix on 127.0.0.1 with a
//! temporary working dir, runs `tests/interop/export.mjs` to send the seed
//! scenarios over OTLP/HTTP, reads the spans back through Phoenix's REST API,
//! compares them with what was sent, and stops the server.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cmd::{output, program, root, step};
use crate::npm;
use crate::tools::install_tarball;

/// The Phoenix release the test runs against (pip requirement).
const PHOENIX: &str = "arize-phoenix==20.26.1";

/// Scratch space: the venv, the npm project and the server log.
fn dir() -> PathBuf {
    root().join("target/interop")
}

pub fn run() -> Result<(), String> {
    let started = Instant::now();
    let dir = dir();
    let (python, install) = ensure_phoenix(&dir.join("venv"))?;
    let package = npm::build()?;
    let scratch = dir.join("scratch");
    prepare_scratch(&scratch, &package.tarball)?;

    let script = root().join("tests/interop/phoenix_roundtrip.py");
    step(
        "Phoenix round trip (start, export, read back, stop)",
        program(python.to_str().ok_or("the venv path is not UTF-8")?)
            .arg(&script)
            .arg("--node-script")
            .arg(scratch.join("export.mjs"))
            .arg("--fixtures")
            .arg(root().join("tests/fixtures/traces"))
            .arg("--log")
            .arg(dir.join("phoenix-server.log"))
            .arg("--install-seconds")
            .arg(format!("{install:.1}")),
    )?;
    println!(
        "\nInterop test passed in {:.0} s ({PHOENIX}).",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The venv's Python with Phoenix installed, and the seconds spent
/// installing (0 when the venv was already there).
fn ensure_phoenix(venv: &Path) -> Result<(PathBuf, f64), String> {
    let python = venv.join("bin/python");
    let marker = venv.join("prompttrace-installed.txt");
    // The venv links to the system Python: a new Python needs a new venv.
    let system = output(program("python3").arg("--version"))
        .map_err(|e| format!("Python 3 is needed for the interop test: {e}"))?;
    let wanted = format!("{PHOENIX}\n{}\n", system.trim());
    if python.exists() && fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        println!("\n==> {PHOENIX} already in {}", venv.display());
        return Ok((python, 0.0));
    }

    let started = Instant::now();
    if venv.exists() {
        fs::remove_dir_all(venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    step(
        "create the Phoenix venv",
        program("python3").args(["-m", "venv"]).arg(venv),
    )
    .map_err(|e| format!("{e} (on Debian: apt-get install python3-venv)"))?;
    step(
        &format!("install {PHOENIX} from PyPI (once, 1–2 minutes, ~850 MB)"),
        program(python.to_str().ok_or("the venv path is not UTF-8")?).args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            PHOENIX,
        ]),
    )?;
    // Written last: an interrupted install is redone from scratch.
    fs::write(&marker, &wanted).map_err(|e| format!("{}: {e}", marker.display()))?;
    Ok((python, started.elapsed().as_secs_f64()))
}

/// A project with the packed package installed and `export.mjs` beside it.
fn prepare_scratch(scratch: &Path, tarball: &Path) -> Result<(), String> {
    fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let manifest = scratch.join("package.json");
    if !manifest.exists() {
        fs::write(&manifest, "{\"type\": \"module\", \"private\": true}\n")
            .map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    let script = root().join("tests/interop/export.mjs");
    fs::copy(&script, scratch.join("export.mjs"))
        .map_err(|e| format!("{}: {e}", script.display()))?;
    install_tarball(scratch, tarball)
}
