//! `cargo xtask bench`: prints speed, size and memory figures. They are
//! figures, not pass/fail checks: this machine is shared and noisy.

use std::path::{Path, PathBuf};

use crate::cmd::{cargo, program, root, step};
use crate::npm;
use crate::tools::{install_tarball, npm_install};

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => {}
        [only] if only == "search" => return search_benchmark(),
        [unknown, ..] => {
            return Err(format!(
                "unknown option {unknown}; `cargo xtask bench` takes none, or `search` for the search figures only"
            ))
        }
    }
    step("core benchmark", &mut core_example(&[]))?;
    npm_benchmark()?;
    viewer_benchmark()
}

/// The core's benchmark example, with its arguments.
fn core_example(args: &[&str]) -> std::process::Command {
    let mut command = cargo();
    command
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "prompttrace",
            "--example",
            "bench",
            "--",
        ])
        .args(args);
    command
}

/// `bench search`: content search, natively and in the npm package's wasm.
fn search_benchmark() -> Result<(), String> {
    step("core benchmark: search", &mut core_example(&["search"]))?;
    let (scratch, _) = npm_scratch()?;
    search_in_wasm(&scratch)
}

/// Content search in wasm, over the store the core benchmark wrote.
fn search_in_wasm(scratch: &Path) -> Result<(), String> {
    step(
        "npm package: content search in wasm",
        program("node")
            .current_dir(scratch)
            .env(
                "PROMPTTRACE_SEARCH_FILE",
                root().join("target/bench/search-50k.jsonl"),
            )
            .arg("search.mjs"),
    )
}

/// The viewer in headless Chromium (playwright-core comes with the npm benchmark's install).
fn viewer_benchmark() -> Result<(), String> {
    crate::tools::ensure_chromium()?;
    crate::viewer::build()?;
    let scratch = root().join("target/npm-bench/e2e");
    crate::js_tests::copy_dir(&root().join("tests/e2e"), &scratch)?;
    step(
        "viewer benchmark",
        program("node")
            .current_dir(&scratch)
            .env("PROMPTTRACE_REPO", root())
            .arg("bench-viewer.mjs"),
    )
}

/// The npm package against the OpenTelemetry and Langfuse SDKs, and its
/// framework integrations (observeOpenAI, otelTracer, spanProcessor), in Node.
fn npm_benchmark() -> Result<(), String> {
    let (scratch, tarball) = npm_scratch()?;
    step(
        "npm package benchmark",
        program("node")
            .current_dir(&scratch)
            .env("PROMPTTRACE_TARBALL", &tarball)
            .arg("bench.mjs"),
    )?;
    step(
        "npm package: observeOpenAI and otelTracer",
        program("node").current_dir(&scratch).arg("frameworks.mjs"),
    )?;
    step(
        "npm package: OTLP import in wasm",
        program("node")
            .current_dir(&scratch)
            // Written by the core benchmark, which runs first.
            .env(
                "PROMPTTRACE_OTLP_FILE",
                root().join("target/bench/otlp-50k.json"),
            )
            .arg("otlp.mjs"),
    )?;
    search_in_wasm(&scratch)
}

/// The packed package and the peer SDKs in a scratch project, with the
/// benchmark scripts; returns the project and the tarball.
fn npm_scratch() -> Result<(PathBuf, PathBuf), String> {
    let package = npm::build()?;
    let scratch = root().join("target/npm-bench");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    for file in [
        "package.json",
        "bench.mjs",
        "frameworks.mjs",
        "otlp.mjs",
        "search.mjs",
    ] {
        std::fs::copy(root().join("js/bench").join(file), scratch.join(file))
            .map_err(|e| format!("js/bench/{file}: {e}"))?;
    }
    npm_install(&scratch, &[], "install the peer SDKs")?;
    install_tarball(&scratch, &package.tarball)?;
    Ok((scratch, package.tarball))
}
