//! Repository-wide checks, written as plain tests so `cargo test` is the
//! one gate (rust-analyzer's `tidy.rs` does the same). A check longer than
//! a few lines is a pure function over file texts in a module of its own,
//! shown there to fail on synthetic input; the tests here apply it to the
//! tree. The whole module is compiled for tests only.

mod bindings;
mod cycles;
mod file_sizes;
mod module_graph;
mod rust_tokens;
mod wasm_versions;

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::root;
use crate::tools;

/// Files under `dir` whose names end in one of `suffixes`, sorted; what is
/// installed or generated (`node_modules`, `target`, hidden folders) aside.
fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if name != "node_modules" && name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if suffixes.iter().any(|suffix| name.ends_with(suffix)) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each file's path relative to `base` (with `/`), and its text.
fn texts(base: &Path, paths: &[PathBuf]) -> Vec<(String, String)> {
    paths
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(base).unwrap_or(path);
            (relative.to_string_lossy().replace('\\', "/"), read(path))
        })
        .collect()
}

/// Core runs natively, in the viewer and in the npm package: it must not
/// reach for files, the network, the environment, a global clock or JS.
#[test]
fn tidy_core_does_no_io_and_knows_no_wasm() {
    const FORBIDDEN: [&str; 8] = [
        "std::fs",
        "std::net",
        "std::io",
        "std::env",
        "std::process",
        "wasm_bindgen",
        "js_sys",
        "web_sys",
    ];
    for file in files(&root().join("core/src"), &[".rs"]) {
        let text = read(&file);
        for word in FORBIDDEN {
            assert!(!text.contains(word), "{} uses {word}", file.display());
        }
        let clock_allowed = file.ends_with("time.rs");
        assert!(
            clock_allowed || !text.contains("SystemTime"),
            "{} reads the system clock; time comes in through `Clock`",
            file.display()
        );
        let random_allowed = file.ends_with("ids.rs");
        assert!(
            random_allowed || !text.contains("new_v4"),
            "{} draws random ids; ids come in through `IdSource`",
            file.display()
        );
    }
}

#[test]
fn tidy_core_depends_only_on_pure_crates() {
    const ALLOWED: [&str; 12] = [
        "base64",
        "hex",
        "prost",
        "serde",
        "serde_json",
        "serde_path_to_error",
        "chrono",
        "uuid",
        "thiserror",
        "foldhash",
        "memchr",
        "similar",
    ];
    let manifest = read(&root().join("core/Cargo.toml"));
    let mut section = "";
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let is_dependency = section == "[dependencies]"
            || (section.starts_with("[target.") && section.ends_with(".dependencies]"));
        let Some((name, _)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim().trim_end_matches(".workspace");
        if is_dependency && !line.is_empty() && !line.starts_with('#') {
            assert!(
                ALLOWED.contains(&name),
                "core depends on {name}; keep core pure"
            );
        }
    }
}

#[test]
fn tidy_every_module_opens_with_a_doc_line() {
    for dir in [
        "core/src",
        "core/tests",
        "cli/src",
        "cli/tests",
        "xtask/src",
    ] {
        for file in files(&root().join(dir), &[".rs"]) {
            assert!(
                read(&file).starts_with("//!"),
                "{} should open with a `//!` line saying what it holds",
                file.display()
            );
        }
    }
}

/// Core's modules are layers: a module may use its siblings one way only.
#[test]
fn tidy_core_modules_form_no_import_cycles() {
    let src = root().join("core/src");
    let texts = texts(&src, &files(&src, &[".rs"]));
    let hidden = cycles::root_uses("core/src", &texts);
    assert!(
        hidden.is_empty(),
        "core modules use items through the crate root, which hides their module from this \
         check; write the module path (`crate::store::Store`):\n{}",
        hidden.join("\n")
    );
    let found = cycles::cycles("core/src", &texts);
    let report: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        found.is_empty(),
        "core/src has import cycles between sibling modules; in each, one direction has to go \
         (move what both need into a module below them):\n{}",
        report.join("\n")
    );
}

#[test]
fn tidy_source_files_stay_under_600_lines() {
    const DIRS: [&str; 6] = [
        "core/src",
        "cli/src",
        "js/src",
        "js/npm",
        "web/src",
        "xtask/src",
    ];
    const SOURCES: [&str; 5] = [".rs", ".mjs", ".mts", ".ts", ".js"];
    let root = root();
    let paths: Vec<PathBuf> = DIRS
        .iter()
        .flat_map(|dir| files(&root.join(dir), &SOURCES))
        // Tests and their fixtures may be long lists of cases.
        .filter(|path| {
            let inside = path.strip_prefix(&root).unwrap_or(path);
            !inside
                .iter()
                .any(|part| part == "tests" || part == "fixtures")
        })
        .collect();
    let oversized = file_sizes::oversized(&texts(&root, &paths));
    assert!(oversized.is_empty(), "{}", file_sizes::report(&oversized));
}

#[test]
fn tidy_wasm_tool_versions_agree() {
    let root = root();
    let manifests: Vec<PathBuf> = files(&root, &["Cargo.toml"])
        .into_iter()
        .filter(|path| *path != root.join("Cargo.toml"))
        .collect();
    let (root_manifest, lock, trunk) = (
        read(&root.join("Cargo.toml")),
        read(&root.join("Cargo.lock")),
        read(&root.join("Trunk.toml")),
    );
    let files = wasm_versions::Files {
        root_manifest: &root_manifest,
        lock: &lock,
        trunk: &trunk,
        manifests: &texts(&root, &manifests),
    };
    let wasm_bindgen = tools::wasm_bindgen_version().unwrap_or_else(|e| e);
    let installs = wasm_versions::Installs {
        wasm_bindgen: &wasm_bindgen,
        binaryen: tools::BINARYEN_VERSION,
    };
    let found = wasm_versions::disagreements(&files, &installs);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// `js/` and `web/` hold conversion and display only.
#[test]
fn tidy_bindings_hold_no_rules() {
    let root = root();
    let paths: Vec<PathBuf> = ["js/src", "js/npm", "web/src"]
        .iter()
        .flat_map(|dir| files(&root.join(dir), &[".rs", ".mts", ".mjs", ".ts"]))
        .collect();
    let found = bindings::leaks(&texts(&root, &paths));
    assert!(
        found.is_empty(),
        "rules in the bindings; call the core instead:\n{}",
        found.join("\n")
    );
}
