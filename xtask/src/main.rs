//! The project's workflows, as `cargo xtask <command>` (alias in
//! `.cargo/config.toml`). Each command installs what it needs first, so a
//! fresh clone needs nothing but Rust.
//!
//! - `cargo xtask serve` — the viewer with demo traces, on 127.0.0.1:8080.
//! - `cargo xtask test`  — every check CI runs.
//! - `cargo xtask bench` — speed and size figures (not pass/fail).
//! - `cargo xtask fuzz`  — the importers' fuzz targets, longer than CI runs them.
//! - `cargo xtask npm`   — builds and packs the npm package.

mod bench;
mod cmd;
mod fuzz;
mod inline_wasm;
mod interop;
mod js_tests;
mod manifest;
mod npm;
mod process_tree;
mod test;
#[cfg(test)]
mod tidy;
mod tools;
mod viewer;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test     format, lint, test, wasm-build and briefly fuzz everything, and
           check the round trip to a real Arize Phoenix (what CI runs);
           --js: only the npm package's tests; --web: only the viewer's;
           --interop: only the Phoenix round trip
  bench    print the benchmark figures (rollups, file parsing, OTLP import,
           content search, memory, the viewer's storage at scale);
           `bench search`: only content search; `bench storage`: only the
           viewer's storage at 50k, 200k, 1M spans (PROMPTTRACE_SCALE=50k,200k)
  fuzz     run the fuzz targets (fuzz/) for 60 s each [--seconds N] [target...]
  npm      build and pack the npm package into target/npm/
  serve    build the viewer and serve it on http://127.0.0.1:8080 [--port N]
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::command(&args[1..]),
        Some("npm") => npm::run(&args[1..]),
        Some("serve") => viewer::serve(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
