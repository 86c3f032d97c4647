//! `cargo xtask npm`: builds the npm package `prompttrace` from the
//! `prompttrace-js` crate into `target/npm/prompttrace/` and packs it into
//! `target/npm/prompttrace-<version>.tgz`. The package is generated, never
//! edited by hand: its sources are `js/npm/` (TypeScript, compiled by `tsc`
//! into JavaScript and the published typings) and `js/README.md`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{cargo, output, program, root, step};
use crate::tools::{
    ensure_wasm_bindgen, ensure_wasm_target, npm_install, tools_dir, wasm_opt, WASM_TARGET,
};

/// The compiler, exactly (the tests' scratch project pins the same one), and
/// Node's typings for the Node entry.
const TYPESCRIPT: (&str, &str) = ("typescript", "5.9.3");
const NODE_TYPES: (&str, &str) = ("@types/node", "20.19.43");

/// The package's entries: their typings, and all that these reach, are
/// published; the internal modules' are not.
const ENTRIES: [&str; 3] = ["node.d.mts", "browser.d.mts", "viewer.d.mts"];

#[derive(Clone)]
pub struct Package {
    pub dir: PathBuf,
    pub tarball: PathBuf,
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!(
            "unknown option {unknown}; `cargo xtask npm` takes none"
        ));
    }
    let package = build()?;
    println!(
        "\npackage: {}\ntarball: {}",
        package.dir.display(),
        package.tarball.display()
    );
    Ok(())
}

/// Builds the package once per run of the xtask (the tests, interop and the
/// bench all ask for it).
pub fn build() -> Result<Package, String> {
    static BUILT: std::sync::OnceLock<Package> = std::sync::OnceLock::new();
    if let Some(package) = BUILT.get() {
        return Ok(package.clone());
    }
    let package = build_now()?;
    Ok(BUILT.get_or_init(|| package).clone())
}

fn build_now() -> Result<Package, String> {
    // The package ships the viewer (`npx prompttrace view`).
    let viewer = crate::viewer::build()?;
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    let wasm_opt = wasm_opt()?;
    let tsc = typescript()?;
    let out = root().join("target/npm");
    let dir = out.join("prompttrace");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let wasm_dir = dir.join("wasm");

    // The record-only wasm a browser app starts on, inlined; small beats
    // fast there (opt-level "z").
    // wasm-opt's passes are run again until they change nothing: ~1 KB
    // less gzipped for a few seconds more.
    let lean = build_wasm(
        &[],
        "wasm-release",
        &wasm_dir,
        "prompttrace_js",
        (&wasm_opt, &["-Oz", "--converge"]),
    )?;
    drop_async_loader(&wasm_dir, "prompttrace_js")?;
    inline(&lean, &wasm_dir)?;
    // The browser entry never fetches the lean .wasm: it is inlined.
    fs::remove_file(&lean).map_err(|e| format!("{}: {e}", lean.display()))?;
    // The full wasm: Node loads it at once; a browser app on first use of
    // what the lean one lacks (its own inline module: a chunk of its own).
    let full_dir = dir.join("wasm-full");
    let full = build_wasm(
        &["full"],
        "wasm-npm",
        &full_dir,
        "prompttrace_full",
        (&wasm_opt, &["-Oz"]),
    )?;
    drop_async_loader(&full_dir, "prompttrace_full")?;
    inline(&full, &full_dir)?;
    // The bin's wasm: the same crate with the `cli` feature (`runCommand`,
    // core's `commands`), which only Node runs; the wasm browser apps
    // inline stays without it.
    build_wasm(
        &["cli"],
        "wasm-npm",
        &dir.join("wasm-cli"),
        "prompttrace_cli",
        (&wasm_opt, &["-Oz"]),
    )?;
    // Before compiling: the manifest's "type": "module" tells tsc that the
    // wasm-bindgen glue (plain .js) is an ES module.
    write(&dir.join("package.json"), &manifest(&version()?))?;
    // Before compiling too: `viewer.mts` imports the viewer's asset table.
    copy_viewer(&viewer, &dir.join("viewer"))?;
    step(
        "compile the package (tsc, strict; emits JS and typings)",
        program(tsc.to_str().unwrap_or("tsc"))
            .arg("-p")
            .arg(root().join("js/npm/tsconfig.json")),
    )?;
    copy(&root().join("js/README.md"), &dir.join("README.md"))?;
    prune_declarations(&dir)?;

    let packed = output(
        program("npm")
            .current_dir(&out)
            .args(["pack", "--silent"])
            .arg(&dir),
    )?;
    let tarball = out.join(packed.trim());
    Ok(Package { dir, tarball })
}

/// The built viewer, as `cargo xtask serve` serves it (its files are flat),
/// and what `openViewer` (`js/npm/viewer.mts`) needs beside it: the page it
/// opens (`embed.html`), the viewer's glue with its start appended
/// (`embed-HASH.js`), the import worker's glue and loader in one script
/// (`embed-worker-VERSION.js`), and `assets.mjs`, those files by URL. Each
/// script is one file larger than a bundler's inlining limit: a script or
/// worker inlined as a `data:` URL could not run (CSP) or open IndexedDB.
fn copy_viewer(dist: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut names = Vec::new();
    for entry in fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if !path.is_file() {
            return Err(format!(
                "{}: the viewer's build has a folder; the package's server serves files only",
                path.display()
            ));
        }
        copy(&path, &to.join(&name))?;
        names.push(name);
    }
    let find = |what: &str, matches: &dyn Fn(&str) -> bool| {
        let found: Vec<&String> = names.iter().filter(|n| matches(n)).collect();
        match found.as_slice() {
            [one] => Ok(one.to_string()),
            _ => Err(format!(
                "the viewer's build should have one {what}, found {found:?}"
            )),
        }
    };
    let glue = find("viewer glue", &|n| {
        n.starts_with("prompttrace-web-") && n.ends_with(".js")
    })?;
    let wasm = find("viewer wasm", &|n| {
        n.starts_with("prompttrace-web-") && n.ends_with("_bg.wasm")
    })?;
    let style = find("style sheet", &|n| {
        n.starts_with("style-") && n.ends_with(".css")
    })?;
    let loader = find("import worker loader", &|n| {
        n.starts_with("import-worker-") && n.ends_with(".js")
    })?;
    let read = |name: &str| fs::read_to_string(dist.join(name)).map_err(|e| format!("{name}: {e}"));
    let embed = root().join("js/npm/embed");
    copy(&embed.join("page.html"), &to.join("embed.html"))?;
    let glue_text = read(&glue)?;
    if !glue_text.contains("__wbg_init as default") {
        return Err(format!(
            "{glue}: wasm-bindgen's glue no longer exports __wbg_init; update js/npm/embed/start.js"
        ));
    }
    let start = fs::read_to_string(embed.join("start.js")).map_err(|e| format!("start.js: {e}"))?;
    let embed_glue = glue.replacen("prompttrace-web-", "embed-", 1);
    write(&to.join(&embed_glue), &(glue_text + &start))?;
    let embed_worker = loader.replacen("import-worker-", "embed-worker-", 1);
    let worker = read("prompttrace-import.js")? + "\n" + &read(&loader)?;
    write(&to.join(&embed_worker), &worker)?;
    let files = [
        ("page", "embed.html"),
        ("glue", embed_glue.as_str()),
        ("wasm", wasm.as_str()),
        ("style", style.as_str()),
        ("worker", embed_worker.as_str()),
        ("workerWasm", "prompttrace-import_bg.wasm"),
    ];
    let mut assets = String::from(
        "// Written by cargo xtask npm (xtask/src/npm.rs): the viewer's files for openViewer, each\n\
         // as `new URL(\"./name\", import.meta.url)` spelt literally: how bundlers find, copy and\n\
         // rename assets.\nexport const assets = {\n",
    );
    for (key, name) in files {
        assets.push_str(&format!(
            "  {key}: new URL(\"./{name}\", import.meta.url),\n"
        ));
    }
    assets.push_str("};\n");
    write(&to.join("assets.mjs"), &assets)?;
    write(&to.join("assets.d.mts"), VIEWER_ASSETS_DECLARATION)
}

const VIEWER_ASSETS_DECLARATION: &str = "export declare const assets: {\n  page: URL;\n  glue: URL;\n  wasm: URL;\n  style: URL;\n  worker: URL;\n  workerWasm: URL;\n};\n";

fn manifest(version: &str) -> String {
    format!(
        r#"{{
  "name": "prompttrace",
  "version": "{version}",
  "description": "Record LLM traces (sessions, traces, spans, generations) in Node and browsers, on a Rust core compiled to wasm.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "types": "./index.d.mts",
  "exports": {{
    ".": {{
      "types": "./index.d.mts",
      "node": "./node.mjs",
      "browser": "./browser.mjs",
      "default": "./browser.mjs"
    }},
    "./viewer": {{
      "types": "./viewer.d.mts",
      "default": "./viewer.mjs"
    }}
  }},
  "bin": {{ "prompttrace": "./cli.mjs" }},
  "files": ["*.mjs", "*.d.mts", "wasm/", "wasm-full/", "wasm-cli/", "viewer/", "README.md"],
  "engines": {{ "node": ">=20" }},
  "keywords": ["llm", "tracing", "observability", "langfuse", "opentelemetry", "wasm"]
}}
"#
    )
}

/// Both entries initialise each wasm synchronously (`initSync`). The glue's
/// async default loader names the .wasm file by `new URL(…, import.meta.url)`,
/// which makes bundlers copy a second, never-loaded copy of the wasm into
/// every app; the loader is replaced by an error.
fn drop_async_loader(dir: &Path, name: &str) -> Result<(), String> {
    let loader = format!("module_or_path = new URL('{name}_bg.wasm', import.meta.url);");
    let glue = dir.join(format!("{name}.js"));
    let text = fs::read_to_string(&glue).map_err(|e| format!("{}: {e}", glue.display()))?;
    if !text.contains(&loader) {
        return Err(format!(
            "{}: wasm-bindgen's loader changed; update drop_async_loader",
            glue.display()
        ));
    }
    let replaced = text.replace(
        &loader,
        "throw new Error(\"prompttrace loads its wasm synchronously; import the package instead\");",
    );
    write(&glue, &replaced)
}

/// `wasm` as `dir/inline.mjs` (one character per byte) with its typings: what the
/// browser entry (lean) and its lazy module (full) instantiate.
fn inline(wasm: &Path, dir: &Path) -> Result<(), String> {
    let bytes = fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    write(&dir.join("inline.mjs"), &crate::inline_wasm::module(&bytes))?;
    write(&dir.join("inline.d.mts"), crate::inline_wasm::DECLARATION)
}

/// Builds the `prompttrace-js` crate for wasm with `features` and cargo
/// `profile`, generates its JS bindings as `out/NAME.js` and optimises
/// `out/NAME_bg.wasm` for size with wasm-opt and its flags; returns that
/// wasm.
fn build_wasm(
    features: &[&str],
    profile: &str,
    out: &Path,
    name: &str,
    (wasm_opt, flags): (&Path, &[&str]),
) -> Result<PathBuf, String> {
    let what = if features.is_empty() {
        "the wasm core".to_string()
    } else {
        format!("the wasm core with {}", features.join(", "))
    };
    let mut build = cargo();
    build.args([
        "build",
        "-p",
        "prompttrace-js",
        "--target",
        WASM_TARGET,
        "--profile",
        profile,
    ]);
    if !features.is_empty() {
        build.args(["--features", &features.join(",")]);
    }
    step(&format!("build {what}"), &mut build)?;
    let built = root().join(format!(
        "target/{WASM_TARGET}/{profile}/prompttrace_js.wasm"
    ));
    step(
        &format!("generate the JS bindings of {what}"),
        program("wasm-bindgen")
            .args(["--target", "web", "--out-name", name, "--out-dir"])
            .arg(out)
            .arg(&built),
    )?;
    let wasm = out.join(format!("{name}_bg.wasm"));
    step(
        &format!("optimise {what} for size (wasm-opt {})", flags.join(" ")),
        program(wasm_opt.to_str().unwrap_or("wasm-opt"))
            .args(flags)
            .arg(&wasm)
            .arg("-o")
            .arg(&wasm),
    )?;
    // wasm-bindgen's own files the package does not ship.
    for extra in [".gitignore", "package.json"] {
        let _ = fs::remove_file(out.join(extra));
    }
    Ok(wasm)
}

/// `tsc` and Node's typings in `target/tools`, installed once (and again
/// only if a version differs); returns the compiler.
fn typescript() -> Result<PathBuf, String> {
    let modules = tools_dir().join("node_modules");
    let installed = |(name, version): (&str, &str)| {
        fs::read_to_string(modules.join(name).join("package.json"))
            .is_ok_and(|manifest| manifest.contains(&format!("\"version\": \"{version}\"")))
    };
    if !(installed(TYPESCRIPT) && installed(NODE_TYPES)) {
        let packages = [TYPESCRIPT, NODE_TYPES].map(|(name, version)| format!("{name}@{version}"));
        let packages: Vec<&str> = packages.iter().map(String::as_str).collect();
        npm_install(
            &tools_dir(),
            &packages,
            "install the TypeScript compiler (npm typescript, @types/node)",
        )?;
    }
    Ok(modules.join(".bin/tsc"))
}

/// Keeps the typings the entries reach (through `./….mjs` / `./….js`
/// imports) and deletes the rest: tsc emits one declaration per source, and
/// the internal modules' name compile-time-only files such as the
/// wasm-bindgen glue's typings. The tests' `tsc` run over the installed
/// package proves that what is kept is complete.
fn prune_declarations(dir: &Path) -> Result<(), String> {
    let mut kept = BTreeSet::new();
    let mut pending: Vec<PathBuf> = ENTRIES.iter().map(|entry| dir.join(entry)).collect();
    // index.d.mts is the package's "types"; the entries re-export it.
    pending.push(dir.join("index.d.mts"));
    while let Some(file) = pending.pop() {
        if !kept.insert(file.clone()) {
            continue;
        }
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let folder = file.parent().unwrap_or(dir);
        for (at, _) in text.match_indices("\"./") {
            let rest = &text[at + 3..];
            let Some(relative) = rest.find('"').map(|end| &rest[..end]) else {
                continue;
            };
            let declaration = if let Some(stem) = relative.strip_suffix(".mjs") {
                format!("{stem}.d.mts")
            } else if let Some(stem) = relative.strip_suffix(".js") {
                format!("{stem}.d.ts")
            } else {
                continue;
            };
            pending.push(folder.join(declaration));
        }
    }
    for file in declarations(dir)? {
        if !kept.contains(&file) {
            fs::remove_file(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// Every `*.d.ts`/`*.d.mts` under `dir`.
fn declarations(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            found.extend(declarations(&path)?);
        } else if name.ends_with(".d.ts") || name.ends_with(".d.mts") {
            found.push(path);
        }
    }
    Ok(found)
}

/// The workspace version (the npm package follows it).
fn version() -> Result<String, String> {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .map(|rest| rest.trim_end_matches('"').to_string())
        .ok_or_else(|| "no version in the workspace Cargo.toml".to_string())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("{}: {e}", from.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::TYPESCRIPT;
    use crate::cmd::root;

    #[test]
    fn npm_compiles_with_the_typescript_the_tests_check_with() {
        let manifest = std::fs::read_to_string(root().join("js/tests/package.json")).unwrap();
        let (name, version) = TYPESCRIPT;
        assert!(
            manifest.contains(&format!("\"{name}\": \"{version}\"")),
            "js/tests/package.json should pin {name} {version}, as npm.rs does"
        );
    }
}
