//! The npm package's tests, as a user meets the package: the packed
//! tarball is installed into a scratch project (`target/npm-test/`), the
//! typings tsc generated are type-checked against `js/tests/types.ts` (as
//! Node and as bundlers resolve them), a page importing the package and a
//! record-only page (what the size test weighs) are built with Vite, and
//! `node --test` runs every `js/tests/*.test.mjs` (Node features, the
//! examples read back by the CLI, the size budget, and headless Chromium).

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{cargo, program, root, step};
use crate::npm;
use crate::tools::{ensure_chromium, install_tarball, npm_install};

/// The scratch project: tools installed, tests copied fresh.
pub fn scratch() -> PathBuf {
    root().join("target/npm-test")
}

pub fn run() -> Result<(), String> {
    let package = npm::build()?;
    ensure_chromium()?;
    let scratch = scratch();
    refresh(&scratch)?;
    copy_dir(&root().join("js/tests"), &scratch)?;
    copy_dir(&root().join("js/examples"), &scratch.join("examples"))?;

    npm_install(
        &scratch,
        &[],
        "install the test tools (vite, typescript, playwright-core)",
    )?;
    install_tarball(&scratch, &package.tarball)?;
    // The generated typings, as Node and as bundlers (Vite) resolve them.
    for (resolver, module, resolution) in [
        ("Node", "nodenext", "nodenext"),
        ("a bundler", "esnext", "bundler"),
    ] {
        step(
            &format!("type-check the typings as {resolver} resolves them"),
            program("node_modules/.bin/tsc")
                .current_dir(&scratch)
                .args([
                    "--noEmit",
                    "--strict",
                    "--module",
                    module,
                    "--moduleResolution",
                    resolution,
                    "--target",
                    "es2022",
                    "types.ts",
                ]),
        )?;
    }
    // The test page (every feature), and the record-only page the size
    // test weighs (its manifest names the chunks loaded at start and later).
    for (title, page, manifest) in [
        (
            "build a page that imports the package (vite build)",
            "browser",
            false,
        ),
        (
            "build the record-only page (vite build)",
            "record-only",
            true,
        ),
    ] {
        let mut vite = program("node_modules/.bin/vite");
        vite.current_dir(&scratch).args([
            "build",
            page,
            "--outDir",
            "dist",
            "--emptyOutDir",
            "--logLevel",
            "warn",
        ]);
        if manifest {
            vite.arg("--manifest");
        }
        step(title, &mut vite)?;
    }
    step(
        "build the CLI",
        cargo().args(["build", "-q", "-p", "prompttrace-cli"]),
    )?;
    let cli = root().join("target/debug/prompttrace");
    let tests = test_files(&scratch)?;
    step(
        "npm package tests (node --test)",
        program("node")
            .current_dir(&scratch)
            .env("PROMPTTRACE_CLI", &cli)
            .env("PROMPTTRACE_FIXTURES", root().join("tests/fixtures"))
            .arg("--test")
            .args(&tests),
    )
}

/// Empties the scratch project but keeps its installed tools.
fn refresh(scratch: &Path) -> Result<(), String> {
    fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    for entry in fs::read_dir(scratch).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let keep = ["node_modules", "package-lock.json"]
            .iter()
            .any(|k| path.ends_with(k));
        if keep {
            continue;
        }
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

pub fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.ends_with("node_modules") || source.ends_with("dist") {
            continue;
        }
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            fs::copy(&source, &target).map_err(|e| format!("{}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// The `*.test.mjs` files of a folder, sorted.
pub fn test_files(dir: &Path) -> Result<Vec<String>, String> {
    let mut tests: Vec<String> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .collect();
    tests.sort();
    Ok(tests)
}
