//! Repository-wide checks, written as plain tests so `cargo test` is the
//! one gate (rust-analyzer's `tidy.rs` does the same).

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use crate::cmd::root;

    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
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
        for file in rust_files(&root().join("core/src")) {
            let text = fs::read_to_string(&file).unwrap();
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
        const ALLOWED: [&str; 10] = [
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
        ];
        let manifest = fs::read_to_string(root().join("core/Cargo.toml")).unwrap();
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
            for file in rust_files(&root().join(dir)) {
                let text = fs::read_to_string(&file).unwrap();
                assert!(
                    text.starts_with("//!"),
                    "{} should open with a `//!` line saying what it holds",
                    file.display()
                );
            }
        }
    }
}
