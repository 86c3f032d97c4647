//! `cargo xtask bench`: prints speed, size and memory figures. They are
//! figures, not pass/fail checks: this machine is shared and noisy.

use std::path::{Path, PathBuf};

use crate::cmd::{cargo, program, root, step, step_with, Limit};
use crate::npm;
use crate::tools::{install_tarball, npm_install};

pub fn run(args: &[String]) -> Result<(), String> {
    match args {
        [] => {}
        [only] if only == "search" => return search_benchmark(),
        [only] if only == "view" => {
            let (scratch, tarball) = npm_scratch()?;
            return view_benchmark(&scratch, &tarball);
        }
        [only] if only == "storage" => {
            let scratch = bench_tools()?;
            crate::viewer::build()?;
            return storage_benchmark(&scratch);
        }
        [unknown, ..] => {
            return Err(format!(
                "unknown option {unknown}; `cargo xtask bench` takes none, `search` for the search \
                 figures only, `view` for `npx prompttrace view` only, or `storage` for the \
                 viewer's storage at scale only"
            ))
        }
    }
    step("core benchmark", &mut core_example(&[]))?;
    let scratch = npm_benchmark()?;
    crate::viewer::build()?;
    viewer_benchmark(&scratch)?;
    storage_benchmark(&scratch)
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

/// The viewer in headless Chromium, on the `dist/` built last.
fn viewer_benchmark(scratch: &Path) -> Result<(), String> {
    step(
        "viewer benchmark",
        &mut viewer_script(scratch, "bench-viewer.mjs")?,
    )?;
    step(
        "flame graph benchmark",
        &mut viewer_script(scratch, "bench-flame.mjs")?,
    )?;
    step(
        "dashboard over 100,000 index rows",
        &mut viewer_script(scratch, "bench-dashboard.mjs")?,
    )
}

/// The viewer's storage at scale: generated OTLP files of 50k, 200k and 1M
/// spans (`PROMPTTRACE_SCALE=50k,200k` picks sizes), each step with its own
/// timeout inside the script; this limit only stops a script that hangs.
fn storage_benchmark(scratch: &Path) -> Result<(), String> {
    step_with(
        "viewer storage at scale",
        &mut viewer_script(scratch, "bench-storage.mjs")?,
        Limit::minutes(40),
    )
}

/// `node SCRIPT` in a fresh copy of `tests/e2e/` inside the scratch
/// project, whose node_modules has playwright-core.
fn viewer_script(scratch: &Path, script: &str) -> Result<std::process::Command, String> {
    crate::tools::ensure_chromium()?;
    let e2e = scratch.join("e2e");
    crate::js_tests::copy_dir(&root().join("tests/e2e"), &e2e)?;
    let mut command = program("node");
    command
        .current_dir(&e2e)
        .env("PROMPTTRACE_REPO", root())
        .arg(script);
    Ok(command)
}

/// The npm package against the OpenTelemetry and Langfuse SDKs, and its
/// framework integrations (observeOpenAI, otelTracer, spanProcessor), in
/// Node; returns the scratch project.
fn npm_benchmark() -> Result<PathBuf, String> {
    let (scratch, tarball) = npm_scratch()?;
    step(
        "npm package benchmark",
        program("node")
            .current_dir(&scratch)
            .env("PROMPTTRACE_TARBALL", &tarball)
            .arg("bench.mjs"),
    )?;
    step(
        "npm package benchmark, on the record-only core a browser app starts on",
        program("node")
            .current_dir(&scratch)
            .env("PROMPTTRACE_CORE", "record-only")
            .arg("bench.mjs"),
    )?;
    step(
        "npm package: memory per observation",
        // A process of its own: wasm memory only grows, so it must start fresh.
        program("node")
            .current_dir(&scratch)
            .args(["--expose-gc", "memory.mjs"]),
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
    search_in_wasm(&scratch)?;
    view_benchmark(&scratch, &tarball)?;
    Ok(scratch)
}

/// `npx prompttrace view`: the tarball's size, and an append's time to the
/// open page.
fn view_benchmark(scratch: &Path, tarball: &Path) -> Result<(), String> {
    crate::tools::ensure_chromium()?;
    step(
        "npm package: npx prompttrace view",
        program("node")
            .current_dir(scratch)
            .env("PROMPTTRACE_TARBALL", tarball)
            .arg("view.mjs"),
    )
}

/// The packed package and the peer SDKs in a scratch project, with the
/// benchmark scripts; returns the project and the tarball.
fn npm_scratch() -> Result<(PathBuf, PathBuf), String> {
    let package = npm::build()?;
    let scratch = bench_tools()?;
    for file in [
        "bench.mjs",
        "frameworks.mjs",
        "memory.mjs",
        "otlp.mjs",
        "search.mjs",
        "view.mjs",
    ] {
        std::fs::copy(root().join("js/bench").join(file), scratch.join(file))
            .map_err(|e| format!("js/bench/{file}: {e}"))?;
    }
    install_tarball(&scratch, &package.tarball)?;
    Ok((scratch, package.tarball))
}

/// The benchmarks' scratch project with `js/bench/package.json` installed
/// (the peer SDKs and playwright-core), without the package itself.
fn bench_tools() -> Result<PathBuf, String> {
    let scratch = root().join("target/npm-bench");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    std::fs::copy(
        root().join("js/bench/package.json"),
        scratch.join("package.json"),
    )
    .map_err(|e| format!("js/bench/package.json: {e}"))?;
    npm_install(&scratch, &[], "install the peer SDKs and playwright-core")?;
    Ok(scratch)
}
