//! The viewer's build and `cargo xtask serve`: Trunk builds `dist/` from
//! `index.html` with the tools this xtask installed (never downloaded by
//! Trunk), then the one inline script Trunk writes is moved to a file so
//! the Content-Security-Policy can forbid inline script.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{program, root, step, step_with, Limit};
use crate::js_tests;
use crate::tools::{ensure_trunk, ensure_wasm_bindgen, ensure_wasm_target, tools_dir, wasm_opt};

/// No inline script, no eval (wasm compilation is allowed), no plugins, no
/// framing; fetch (`?url=`) may reach any https/http origin.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; connect-src *; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// A cold release build of the viewer (Leptos, LTO, one codegen unit)
/// takes several minutes on this 2-core machine.
const BUILD_LIMIT: Limit = Limit::minutes(20);

pub fn dist() -> PathBuf {
    root().join("dist")
}

/// `trunk build --release` and the CSP rewrite, once per run of the xtask
/// (the npm package ships the viewer, and its tests run on it).
pub fn build() -> Result<PathBuf, String> {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    if let Some(dist) = BUILT.get() {
        return Ok(dist.clone());
    }
    let dist = build_now()?;
    Ok(BUILT.get_or_init(|| dist).clone())
}

fn build_now() -> Result<PathBuf, String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    let wasm_opt = wasm_opt()?;
    ensure_trunk()?;
    let cargo_bin = std::env::var("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo")
        });
    let path = format!(
        "{}:{}:{}",
        wasm_opt.parent().unwrap_or(&tools_dir()).display(),
        cargo_bin.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    step_with(
        "build the viewer (trunk build --release)",
        program("trunk")
            .env("PATH", path)
            .args(["build", "--release"]),
        BUILD_LIMIT,
    )?;
    let dist = dist();
    externalise_scripts(&dist)?;
    write_worker_loader(&dist)?;
    Ok(dist)
}

/// The import worker's glue and wasm (Trunk names workers without a
/// hash).
const WORKER_GLUE: &str = "prompttrace-import.js";
const WORKER_WASM: &str = "prompttrace-import_bg.wasm";

/// Writes the import worker's loader (`web/import-worker.js`), named after
/// a hash of the worker's glue and wasm and loading both with that hash as
/// a query, and names it in `index.html` (`<meta
/// name="prompttrace-import-worker">`, read by `web/src/import/client.rs`):
/// a new build never meets a cached older worker.
fn write_worker_loader(dist: &Path) -> Result<(), String> {
    use std::hash::{Hash, Hasher};
    let read = |name: &str| fs::read(dist.join(name)).map_err(|e| format!("{name}: {e}"));
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    read(WORKER_GLUE)?.hash(&mut hasher);
    read(WORKER_WASM)?.hash(&mut hasher);
    let version = format!("{:016x}", hasher.finish());
    let loader = format!("import-worker-{version}.js");
    let template = root().join("web/import-worker.js");
    let script = fs::read_to_string(&template)
        .map_err(|e| format!("{}: {e}", template.display()))?
        .replace("VERSION", &version);
    fs::write(dist.join(&loader), script).map_err(|e| format!("{loader}: {e}"))?;
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let meta = format!("<meta name=\"prompttrace-import-worker\" content=\"./{loader}\">");
    let html = html.replacen("<head>", &format!("<head>\n    {meta}"), 1);
    fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))
}

pub fn serve(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => "8080".to_string(),
        [flag, port] if flag == "--port" => port.clone(),
        _ => return Err("usage: cargo xtask serve [--port N]".into()),
    };
    let dist = build()?;
    println!("\nThe viewer is at http://127.0.0.1:{port}/  (Ctrl-C stops it)\n");
    // It serves until Ctrl-C.
    step_with(
        "serve dist/",
        program("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port,
                "--directory",
            ])
            .arg(&dist),
        Limit::Never,
    )
}

/// The viewer's end-to-end tests (`tests/e2e/`), in headless Chromium
/// against a fresh `dist/`. Uses the npm tests' scratch project for
/// playwright-core (run those first).
pub fn test() -> Result<(), String> {
    build()?;
    let e2e = js_tests::scratch().join("e2e");
    if e2e.exists() {
        fs::remove_dir_all(&e2e).map_err(|e| e.to_string())?;
    }
    js_tests::copy_dir(&root().join("tests/e2e"), &e2e)?;
    let tests = js_tests::test_files(&e2e)?;
    step(
        "viewer end-to-end tests (node --test, headless Chromium)",
        program("node")
            .current_dir(&e2e)
            .env("PROMPTTRACE_REPO", root())
            .arg("--test")
            .arg("--test-concurrency=1")
            .args(&tests),
    )
}

/// Moves every inline `<script …>…</script>` of `dist/index.html` into its
/// own file and adds the CSP meta tag.
fn externalise_scripts(dist: &Path) -> Result<(), String> {
    const CLOSE: &str = "</script>";
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let unclosed = || format!("{}: unclosed <script>", index.display());
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    let mut count = 0;
    while let Some(start) = rest.find("<script") {
        let open_end = start + rest[start..].find('>').ok_or_else(unclosed)? + 1;
        let close = open_end + rest[open_end..].find(CLOSE).ok_or_else(unclosed)?;
        let tag = &rest[start..open_end];
        out.push_str(&rest[..start]);
        if tag.contains(" src=") {
            out.push_str(&rest[start..close + CLOSE.len()]);
        } else {
            count += 1;
            let file = format!("boot-{count}.js");
            fs::write(dist.join(&file), &rest[open_end..close]).map_err(|e| e.to_string())?;
            let module = if tag.contains("type=\"module\"") {
                " type=\"module\""
            } else {
                ""
            };
            out.push_str(&format!("<script{module} src=\"./{file}\"></script>"));
        }
        rest = &rest[close + CLOSE.len()..];
    }
    out.push_str(rest);
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">");
    let out = out.replacen("<head>", &format!("<head>\n    {meta}"), 1);
    fs::write(&index, out).map_err(|e| format!("{}: {e}", index.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_inline_scripts_move_to_files_and_csp_is_added() {
        let dir = std::env::temp_dir().join(format!("prompttrace-csp-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let html =
            "<html><head><script type=\"module\">import init from './a.js'; init();</script>\
                    <script src=\"./b.js\"></script></head><body></body></html>";
        fs::write(dir.join("index.html"), html).unwrap();
        externalise_scripts(&dir).unwrap();
        let out = fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(
            out.contains("<script type=\"module\" src=\"./boot-1.js\"></script>"),
            "{out}"
        );
        assert!(out.contains("<script src=\"./b.js\"></script>"), "{out}");
        assert!(
            out.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{out}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("boot-1.js")).unwrap(),
            "import init from './a.js'; init();"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
