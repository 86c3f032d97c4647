//! `cargo xtask fuzz`: runs the fuzz targets in `fuzz/` (the file readers)
//! for a while each, seeded with `tests/fixtures/`, and fails on a crash.
//!
//! Stable Rust only: `cargo fuzz` is run with `--sanitizer none`, the one
//! mode that passes no `-Z` flag (AddressSanitizer needs `-Zsanitizer`, i.e.
//! nightly or `RUSTC_BOOTSTRAP=1`). The core has no `unsafe`, so ASan would
//! find little, and without it a target runs about 3.5 times as many inputs.
//! Panics, failed assertions and overflow (debug assertions are on) are
//! still crashes.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::cmd::{cargo, output, root, step, step_with, Limit};

/// Pinned like the other tools (built from crates.io once, about 1.5 min).
const CARGO_FUZZ: &str = "0.13.2";

/// The fuzz project, outside the root workspace.
const FUZZ_DIR: &str = "fuzz";

/// Every target in `fuzz/Cargo.toml`.
pub const TARGETS: [&str; 4] = [
    "import_any",
    "import_native",
    "import_otlp",
    "import_langfuse",
];

/// Default time per target for `cargo xtask fuzz`.
const SECONDS: u64 = 60;

/// Time allowed for a target beyond its fuzzing seconds: the first run
/// builds the core with coverage instrumentation (a few minutes).
const BUILD_ALLOWANCE: Duration = Duration::from_secs(15 * 60);

/// `cargo xtask fuzz [--seconds N] [target...]` (default: every target, 60 s each).
pub fn command(args: &[String]) -> Result<(), String> {
    let mut seconds = SECONDS;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--seconds" {
            let value = args.next().ok_or("--seconds needs a number")?;
            seconds = value
                .parse()
                .map_err(|_| format!("--seconds {value}: not a whole number of seconds"))?;
        } else if let Some(target) = TARGETS.iter().find(|t| **t == arg.as_str()) {
            targets.push(*target);
        } else {
            return Err(format!(
                "no fuzz target {arg:?}; the targets are {}",
                TARGETS.join(", ")
            ));
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    run(&targets, seconds)
}

/// Fuzzes each target for `seconds`, one after the other.
pub fn run(targets: &[&str], seconds: u64) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let seeds = seed_files()?;
    for target in targets {
        fuzz(target, seconds, &seeds)?;
    }
    Ok(())
}

/// cargo-fuzz from crates.io, unless `cargo fuzz` already answers.
fn ensure_cargo_fuzz() -> Result<(), String> {
    if output(cargo().args(["fuzz", "--version"])).is_ok() {
        return Ok(());
    }
    step(
        "install cargo-fuzz (once, about 1.5 min)",
        cargo().args(["install", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ]),
    )
}

/// The trace files under `tests/fixtures/` (`.json`, `.jsonl`), without the
/// interop fixtures' generator project (`generate/`, its `node_modules/`).
fn seed_files() -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut stack = vec![root().join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if name != "node_modules" && name != "generate" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.ends_with(".json") || name.ends_with(".jsonl") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// One target: corpus `fuzz/corpus/<target>/` first (libFuzzer adds new
/// inputs there; it is kept between runs), then a fresh copy of the seeds.
fn fuzz(target: &str, seconds: u64, seeds: &[PathBuf]) -> Result<(), String> {
    let fuzz_dir = root().join(FUZZ_DIR);
    let corpus = fuzz_dir.join("corpus").join(target);
    fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let seed_dir = copy_seeds(target, seeds)?;
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let started = SystemTime::now();

    let mut command = cargo();
    command
        .args([
            "fuzz",
            "run",
            "--fuzz-dir",
            FUZZ_DIR,
            "--sanitizer",
            "none",
            target,
        ])
        .arg(&corpus)
        .arg(&seed_dir)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        // An input that takes this long is a finding (a quadratic path), not a wait.
        .arg("-timeout=10")
        .arg("-print_final_stats=1");
    // libFuzzer reports every new input on stderr (tens of thousands of
    // lines a run): keep them in a log, print the final figures, and the
    // log's tail when the run fails.
    let log = root()
        .join("target/fuzz-logs")
        .join(format!("{target}.log"));
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file = fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    command.stderr(file);
    let limit = Limit::After(Duration::from_secs(seconds).saturating_add(BUILD_ALLOWANCE));
    let result = step_with(
        &format!("fuzz {target} for {seconds} s"),
        &mut command,
        limit,
    );
    let _ = fs::remove_dir_all(&seed_dir);
    let text = fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let shown: Vec<&str> = if result.is_ok() {
        lines
            .iter()
            .copied()
            .filter(|l| l.starts_with("stat::") || l.starts_with("Done "))
            .collect()
    } else {
        lines[lines.len().saturating_sub(40)..].to_vec()
    };
    for line in shown {
        println!("    {line}");
    }
    println!("    (full output: {})", log.display());
    let Err(failure) = result else {
        return Ok(());
    };

    // By time, not name: the same input crashing again overwrites its file.
    let found = written_since(&artifacts, started);
    if found.is_empty() {
        return Err(failure);
    }
    let shown: Vec<String> = found
        .iter()
        .map(|path| {
            path.strip_prefix(root())
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect();
    let first = &shown[0];
    Err(format!(
        "fuzz target {target} crashed; input saved as {}\n  reproduce: cargo fuzz run --fuzz-dir {FUZZ_DIR} --sanitizer none {target} {first}\n  minimize:  cargo fuzz tmin --fuzz-dir {FUZZ_DIR} --sanitizer none {target} {first}",
        shown.join(", ")
    ))
}

/// The seeds in a fresh directory of their own (libFuzzer reads corpus
/// directories recursively, so the fixture tree cannot be passed as is).
fn copy_seeds(target: &str, seeds: &[PathBuf]) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir()
        .join("prompttrace-fuzz-seeds")
        .join(target);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let fixtures = root().join("tests/fixtures");
    for seed in seeds {
        // interop/otel-js-genai.json -> interop__otel-js-genai.json
        let relative = seed.strip_prefix(&fixtures).unwrap_or(seed);
        let name = relative.to_string_lossy().replace(['/', '\\'], "__");
        fs::copy(seed, dir.join(&name)).map_err(|e| format!("{}: {e}", seed.display()))?;
    }
    Ok(dir)
}

/// The files in `dir` written at or after `since`, oldest first.
fn written_since(dir: &Path, since: SystemTime) -> Vec<PathBuf> {
    let mut found: Vec<(SystemTime, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let modified = entry.metadata().ok()?.modified().ok()?;
            (modified >= since).then(|| (modified, entry.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}
